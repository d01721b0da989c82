using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

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
    /// <remarks>Built without the AES-NI check so that loading this type never throws; the hash entry points check.</remarks>
    public static readonly Aes128 Permutation = new(FixedKey, X86Aes.IsSupported);

    /// <summary>The software-path π, for cross-checks.</summary>
    internal static readonly Aes128 SoftwarePermutation = new(FixedKey, hardware: false);

    /// <summary>π on the path this process runs: AES-NI, or the portable AES where a test opted in.</summary>
    private static Aes128 CurrentPermutation => Aes128.HardwareAvailable ? Permutation : SoftwarePermutation;

    /// <summary>H(x, i) = π(π(x) ⊕ i) ⊕ π(x).</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="Aes128.EnsureConstantTime"/>).</exception>
    public static Block Hash(Block x, ulong tweak)
    {
        Aes128.EnsureConstantTime();
        return Hash(CurrentPermutation, x, tweak);
    }

    internal static Block Hash(Aes128 pi, Block x, ulong tweak)
    {
        Block px = pi.Encrypt(x);
        return pi.Encrypt(px ^ new Block(tweak, 0)) ^ px;
    }

    /// <summary>
    /// output[k] = H(x[k] ⊕ <paramref name="offset"/>, <paramref name="firstTweak"/> + k) for every k (output may alias
    /// x), eight lanes per pass through AES-NI so both AES passes keep the pipeline full. IKNP hashes its rows this
    /// way with the running OT index as tweak; the offset lets the sender hash q_j ⊕ s without materialising it.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="Aes128.EnsureConstantTime"/>).</exception>
    public static void Hash(ReadOnlySpan<Block> x, Block offset, ulong firstTweak, Span<Block> output)
    {
        if (output.Length < x.Length) throw new ArgumentException($"hash output holds {output.Length} blocks, input has {x.Length}", nameof(output));
        Aes128.EnsureConstantTime();
        var pi = CurrentPermutation;
        int n = x.Length, k = 0;
        if (pi.IsHardwareAccelerated)
            for (; k + 8 <= n; k += 8) Hash8(pi.RoundKeys, x.Slice(k, 8), offset.Vector, firstTweak + (ulong)k, output.Slice(k, 8));
        for (; k < n; k++) output[k] = Hash(pi, x[k] ^ offset, firstTweak + (ulong)k);
    }

    private static void Hash8(ReadOnlySpan<Vector128<byte>> rk, ReadOnlySpan<Block> x, Vector128<byte> offset, ulong tweak, Span<Block> output)
    {
        var k = rk[0] ^ offset;
        Vector128<byte> a0 = x[0].Vector ^ k, a1 = x[1].Vector ^ k, a2 = x[2].Vector ^ k, a3 = x[3].Vector ^ k;
        Vector128<byte> a4 = x[4].Vector ^ k, a5 = x[5].Vector ^ k, a6 = x[6].Vector ^ k, a7 = x[7].Vector ^ k;
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            a0 = X86Aes.Encrypt(a0, k); a1 = X86Aes.Encrypt(a1, k); a2 = X86Aes.Encrypt(a2, k); a3 = X86Aes.Encrypt(a3, k);
            a4 = X86Aes.Encrypt(a4, k); a5 = X86Aes.Encrypt(a5, k); a6 = X86Aes.Encrypt(a6, k); a7 = X86Aes.Encrypt(a7, k);
        }
        k = rk[Aes128.Rounds];
        a0 = X86Aes.EncryptLast(a0, k); a1 = X86Aes.EncryptLast(a1, k); a2 = X86Aes.EncryptLast(a2, k); a3 = X86Aes.EncryptLast(a3, k);
        a4 = X86Aes.EncryptLast(a4, k); a5 = X86Aes.EncryptLast(a5, k); a6 = X86Aes.EncryptLast(a6, k); a7 = X86Aes.EncryptLast(a7, k);
        k = rk[0];
        Vector128<byte> b0 = a0 ^ Tweak(tweak, k), b1 = a1 ^ Tweak(tweak + 1, k), b2 = a2 ^ Tweak(tweak + 2, k), b3 = a3 ^ Tweak(tweak + 3, k);
        Vector128<byte> b4 = a4 ^ Tweak(tweak + 4, k), b5 = a5 ^ Tweak(tweak + 5, k), b6 = a6 ^ Tweak(tweak + 6, k), b7 = a7 ^ Tweak(tweak + 7, k);
        for (int r = 1; r < Aes128.Rounds; r++)
        {
            k = rk[r];
            b0 = X86Aes.Encrypt(b0, k); b1 = X86Aes.Encrypt(b1, k); b2 = X86Aes.Encrypt(b2, k); b3 = X86Aes.Encrypt(b3, k);
            b4 = X86Aes.Encrypt(b4, k); b5 = X86Aes.Encrypt(b5, k); b6 = X86Aes.Encrypt(b6, k); b7 = X86Aes.Encrypt(b7, k);
        }
        k = rk[Aes128.Rounds];
        output[0] = new Block(X86Aes.EncryptLast(b0, k) ^ a0); output[1] = new Block(X86Aes.EncryptLast(b1, k) ^ a1);
        output[2] = new Block(X86Aes.EncryptLast(b2, k) ^ a2); output[3] = new Block(X86Aes.EncryptLast(b3, k) ^ a3);
        output[4] = new Block(X86Aes.EncryptLast(b4, k) ^ a4); output[5] = new Block(X86Aes.EncryptLast(b5, k) ^ a5);
        output[6] = new Block(X86Aes.EncryptLast(b6, k) ^ a6); output[7] = new Block(X86Aes.EncryptLast(b7, k) ^ a7);
    }

    private static Vector128<byte> Tweak(ulong tweak, Vector128<byte> roundKey0) => Vector128.Create(tweak, 0UL).AsByte() ^ roundKey0;
}
