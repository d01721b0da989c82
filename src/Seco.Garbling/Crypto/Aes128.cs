using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using X86Aes = System.Runtime.Intrinsics.X86.Aes;

namespace Seco.Garbling.Crypto;

/// <summary>
/// AES-128 encryption (FIPS-197) of single blocks and of batches, through AES-NI. A portable software
/// implementation gives identical results (tests check the FIPS-197 vectors and cross-check the two paths on random
/// data), but it is table-based and not constant-time, so production paths refuse to run on it: see
/// <see cref="EnsureConstantTime"/>.
/// </summary>
/// <remarks>
/// Only the forward direction is needed: garbling hashes (half-gates), PRGs (CTR mode) and OT-extension hashes all
/// use AES as a (fixed-key or keyed) permutation. Batches run 8 independent blocks per step so the AES unit's
/// pipeline stays full (latency ≈ 4 cycles, throughput 1–2 rounds per cycle on current x86 cores), as emp-tool's
/// <c>ParaEnc</c> does.
/// </remarks>
public sealed class Aes128
{
    /// <summary>Number of rounds for a 128-bit key.</summary>
    public const int Rounds = 10;

    /// <summary>How many blocks a batch step encrypts at once.</summary>
    public const int Lanes = 8;

    /// <summary>Why garbling and OT refuse to run on a processor without AES-NI.</summary>
    internal const string NoAesNiMessage =
        "AES-NI is not available on this CPU: Seco.Garbling's portable AES is table-based and not constant-time, so " +
        "garbling and OT refuse to run without AES-NI (its S-box lookups on secret labels and keys leak through the " +
        "cache; only tests may opt in to the portable path, see docs/garbling.md)";

    private readonly Vector128<byte>[] _roundKeys;
    private readonly bool _hardware;

    /// <summary>Expands <paramref name="key"/> for AES-NI.</summary>
    /// <exception cref="PlatformNotSupportedException">The processor has no AES-NI (see <see cref="EnsureConstantTime"/>).</exception>
    public Aes128(Block key) : this(key, ConstantTimePath()) { }

    /// <summary>Expands <paramref name="key"/>; <paramref name="hardware"/> = false forces the software path (tests).</summary>
    internal Aes128(Block key, bool hardware)
    {
        if (hardware && !X86Aes.IsSupported) throw new PlatformNotSupportedException("AES-NI is not available on this processor");
        _hardware = hardware;
        _roundKeys = SoftwareAes.ExpandKey(key);
    }

    /// <summary>True when this instance runs on AES-NI.</summary>
    public bool IsHardwareAccelerated => _hardware;

    /// <summary>True when AES runs on AES-NI in this process (the processor has it and no test pretends otherwise).</summary>
    internal static bool HardwareAvailable => X86Aes.IsSupported && !PretendNoAesNiForTests;

    /// <summary>
    /// Test opt-in: lets garbling, OT and keyed AES run on the portable table-based AES where AES-NI is absent. Off
    /// unless a test sets it; only the assemblies granted InternalsVisibleTo (Seco.Garbling.Tests, Seco.Bench) can.
    /// </summary>
    internal static bool AllowPortableForTests { get; set; }

    /// <summary>Test seam: makes <see cref="HardwareAvailable"/> false, as on a processor without AES-NI.</summary>
    internal static bool PretendNoAesNiForTests { get; set; }

    /// <summary>
    /// Throws <see cref="PlatformNotSupportedException"/> unless AES-NI is available (or a test opted in with
    /// <see cref="AllowPortableForTests"/>). Called by every entry point that runs AES on secrets: the garbler, the
    /// evaluator, the IKNP sender and receiver, the public hash and keyed AES (PRG) constructors.
    /// </summary>
    /// <remarks>
    /// The portable path's S-box lookups are indexed by secret data (labels, Δ, OT seeds), so on a shared machine
    /// their cache footprint leaks those secrets; a silent fallback would turn a missing CPU feature into a privacy
    /// break, so it is refused instead.
    /// </remarks>
    internal static void EnsureConstantTime()
    {
        if (!HardwareAvailable && !AllowPortableForTests) throw new PlatformNotSupportedException(NoAesNiMessage);
    }

    private static bool ConstantTimePath()
    {
        EnsureConstantTime();
        return HardwareAvailable;
    }

    /// <summary>The 11 round keys (round 0 is the key itself).</summary>
    internal ReadOnlySpan<Vector128<byte>> RoundKeys => _roundKeys;

    /// <summary>Encrypts one block.</summary>
    public Block Encrypt(Block plaintext)
    {
        if (!_hardware) return SoftwareAes.Encrypt(_roundKeys, plaintext);
        var rk = _roundKeys;
        var s = plaintext.Vector ^ rk[0];
        for (int r = 1; r < Rounds; r++) s = X86Aes.Encrypt(s, rk[r]);
        return new Block(X86Aes.EncryptLast(s, rk[Rounds]));
    }

    /// <summary>Encrypts <paramref name="source"/> into <paramref name="destination"/> (same length; may alias).</summary>
    public void Encrypt(ReadOnlySpan<Block> source, Span<Block> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"destination holds {destination.Length} blocks, source has {source.Length}", nameof(destination));
        if (!_hardware)
        {
            for (int i = 0; i < source.Length; i++) destination[i] = SoftwareAes.Encrypt(_roundKeys, source[i]);
            return;
        }
        int n = source.Length, i0 = 0;
        for (; i0 + Lanes <= n; i0 += Lanes) EncryptEight(source.Slice(i0, Lanes), destination.Slice(i0, Lanes));
        for (; i0 < n; i0++) destination[i0] = Encrypt(source[i0]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void EncryptEight(ReadOnlySpan<Block> src, Span<Block> dst)
    {
        var rk = _roundKeys;
        var k = rk[0];
        var s0 = src[0].Vector ^ k; var s1 = src[1].Vector ^ k; var s2 = src[2].Vector ^ k; var s3 = src[3].Vector ^ k;
        var s4 = src[4].Vector ^ k; var s5 = src[5].Vector ^ k; var s6 = src[6].Vector ^ k; var s7 = src[7].Vector ^ k;
        for (int r = 1; r < Rounds; r++)
        {
            k = rk[r];
            s0 = X86Aes.Encrypt(s0, k); s1 = X86Aes.Encrypt(s1, k); s2 = X86Aes.Encrypt(s2, k); s3 = X86Aes.Encrypt(s3, k);
            s4 = X86Aes.Encrypt(s4, k); s5 = X86Aes.Encrypt(s5, k); s6 = X86Aes.Encrypt(s6, k); s7 = X86Aes.Encrypt(s7, k);
        }
        k = rk[Rounds];
        dst[0] = new Block(X86Aes.EncryptLast(s0, k)); dst[1] = new Block(X86Aes.EncryptLast(s1, k));
        dst[2] = new Block(X86Aes.EncryptLast(s2, k)); dst[3] = new Block(X86Aes.EncryptLast(s3, k));
        dst[4] = new Block(X86Aes.EncryptLast(s4, k)); dst[5] = new Block(X86Aes.EncryptLast(s5, k));
        dst[6] = new Block(X86Aes.EncryptLast(s6, k)); dst[7] = new Block(X86Aes.EncryptLast(s7, k));
    }
}
