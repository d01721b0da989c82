namespace Seco.Garbling.Crypto;

/// <summary>
/// The fixed-key AES permutation π and the tweakable circular-correlation-robust hash built from it,
/// H(x, i) = π(π(x) ⊕ i) ⊕ π(x) (Guo, Katz, Wang, Yu, "Efficient and Secure Multiparty Computation from Fixed-Key
/// Block Ciphers", IEEE S&amp;P 2020, §7, construction TMMO). Half-gates garbling needs exactly this property (the
/// hash is queried on labels that differ by the secret free-XOR offset Δ, under distinct public tweaks); IKNP OT
/// extension uses the same hash with the OT index as tweak, where correlation robustness is what it needs.
/// </summary>
/// <remarks>
/// <para>
/// Why this construction: the single-call MMO^σ form π(σ(x) ⊕ i) ⊕ σ(x) that many garbling libraries used is not
/// proven tweakable-CCR, and the re-keyed multi-instance hash (emp-tool's MITCCRH) is proven only in the ideal-cipher
/// model. TMMO is proven in the random-permutation model with one public key and costs two AES calls per hash
/// (8 per garbled AND gate, 4 per evaluated one).
/// </para>
/// <para>
/// The fixed key is a nothing-up-my-sleeve constant: the first 128 bits of the fractional part of π
/// (243f6a88 85a308d3 13198a2e 03707344). Tweaks are 64-bit integers placed in the low half of a block.
/// </para>
/// </remarks>
public static class TweakableHash
{
    /// <summary>The public AES key of the fixed permutation π.</summary>
    public static readonly Block FixedKey = Block.FromHex("243f6a8885a308d313198a2e03707344");

    /// <summary>π = AES-128 under <see cref="FixedKey"/> (AES-NI when available).</summary>
    public static readonly Aes128 Permutation = new(FixedKey);

    /// <summary>The software-path π, for cross-checks.</summary>
    internal static readonly Aes128 SoftwarePermutation = new(FixedKey, hardware: false);

    /// <summary>H(x, i) = π(π(x) ⊕ i) ⊕ π(x).</summary>
    public static Block Hash(Block x, ulong tweak) => Hash(Permutation, x, tweak);

    internal static Block Hash(Aes128 pi, Block x, ulong tweak)
    {
        Block px = pi.Encrypt(x);
        return pi.Encrypt(px ^ new Block(tweak, 0)) ^ px;
    }

    /// <summary>
    /// Hashes <paramref name="x"/>[k] under tweak <paramref name="tweaks"/>[k] into <paramref name="output"/>[k]
    /// (all the same length; output may alias x), eight lanes at a time through AES-NI.
    /// </summary>
    public static void Hash(ReadOnlySpan<Block> x, ReadOnlySpan<ulong> tweaks, Span<Block> output)
    {
        if (tweaks.Length != x.Length || output.Length != x.Length)
            throw new ArgumentException($"hash batch lengths differ: {x.Length} inputs, {tweaks.Length} tweaks, {output.Length} outputs");
        var pi = Permutation;
        if (!pi.IsHardwareAccelerated)
        {
            for (int k = 0; k < x.Length; k++) output[k] = Hash(pi, x[k], tweaks[k]);
            return;
        }
        Span<Block> px = stackalloc Block[Aes128.Lanes];
        Span<Block> t = stackalloc Block[Aes128.Lanes];
        for (int start = 0; start < x.Length; start += Aes128.Lanes)
        {
            int len = Math.Min(Aes128.Lanes, x.Length - start);
            pi.Encrypt(x.Slice(start, len), px[..len]);
            for (int k = 0; k < len; k++) t[k] = px[k] ^ new Block(tweaks[start + k], 0);
            pi.Encrypt(t[..len], t[..len]);
            for (int k = 0; k < len; k++) output[start + k] = t[k] ^ px[k];
        }
    }
}
