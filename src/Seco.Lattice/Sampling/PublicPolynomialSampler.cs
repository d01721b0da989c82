using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Sampling;

/// <summary>
/// Expands a public 32-byte seed into a uniform RNS polynomial: the common reference polynomial ("a" of the public
/// key / relinearisation keys; Lattigo's CRS-based <c>ring.UniformSampler</c> on a <c>utils/sampling.KeyedPRNG</c>,
/// SEAL's seeded <c>c1</c> expanded by <c>sample_poly_uniform</c> from a SHAKE-256 <c>prng_seed</c>). Deterministic
/// by design: the seed is public and only the polynomial's uniformity matters, so it may be shipped as 32 bytes.
/// </summary>
/// <remarks>
/// <para>Exact byte layout, for interoperable re-implementation (LE = little-endian):</para>
/// <para>
/// For limb l (modulus q_l, degree bound n), XOF block j = 0, 1, … is
/// <c>SHAKE-128(input, 1344 bytes)</c> with the 63-byte input
/// <c>"SECO-CRP-v1" (11 ASCII bytes) || seed (32 bytes) || LE32(l) || LE64(q_l) || LE32(n) || LE32(j)</c>.
/// The limb's byte stream is block 0 || block 1 || …, read as consecutive LE64 words w. With
/// <c>mask = 2^bitlen(q_l − 1) − 1</c>, the candidate <c>w &amp; mask</c> is accepted iff it is &lt; q_l; accepted
/// candidates become coefficients 0, 1, …, n − 1 in order. 1344 = 8 × 168 bytes is eight SHAKE-128 rate blocks.
/// </para>
/// <para>
/// Binding l, q_l and n into every block gives domain separation between limbs, parameter sets and ring degrees, and
/// lets each limb be expanded independently (e.g. in parallel or on another node). Counter-mode blocks are used
/// instead of one long squeeze because incremental <c>Shake128.Read</c> needs OpenSSL ≥ 3.3. The sampler does not
/// care whether the caller interprets the result in coefficient or NTT form; uniform is uniform in both (SEAL samples
/// <c>c1</c> directly in NTT form). Output layout: limb-major, <c>coeffs[l * n + i]</c>.
/// </para>
/// <para>Never use this for secrets: anyone with the seed recomputes the polynomial.</para>
/// </remarks>
public static class PublicPolynomialSampler
{
    /// <summary>Required seed length in bytes.</summary>
    public const int SeedSize = 32;

    /// <summary>Bytes squeezed per counter block (8 SHAKE-128 rate blocks of 168 bytes).</summary>
    public const int BlockSize = 1344;

    /// <summary>Domain-separation prefix "SECO-CRP-v1" (11 ASCII bytes).</summary>
    public static ReadOnlySpan<byte> Domain => "SECO-CRP-v1"u8;

    private const int InputSize = 11 + SeedSize + 4 + 8 + 4 + 4;

    /// <summary>
    /// Writes the polynomial for <paramref name="seed"/> into <paramref name="destination"/>
    /// (length moduli.Count · n, limb-major). Throws <see cref="PlatformNotSupportedException"/> if SHAKE-128 is
    /// unavailable.
    /// </summary>
    public static void Sample(ReadOnlySpan<byte> seed, IReadOnlyList<Modulus> moduli, int n, Span<ulong> destination)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"Seed must be exactly {SeedSize} bytes; got {seed.Length}.", nameof(seed));
        }

        RnsLayout.Validate(moduli, n, destination.Length, 0);
        if (!Shake128.IsSupported)
        {
            throw new PlatformNotSupportedException("SHAKE-128 is not supported on this platform.");
        }

        Span<byte> input = stackalloc byte[InputSize];
        Span<byte> block = stackalloc byte[BlockSize];
        Domain.CopyTo(input);
        seed.CopyTo(input[Domain.Length..]);
        int limbOffset = Domain.Length + SeedSize;

        for (int l = 0; l < moduli.Count; l++)
        {
            ulong q = moduli[l].Value;
            ulong mask = UniformSampler.MaskFor(q);
            BinaryPrimitives.WriteUInt32LittleEndian(input[limbOffset..], (uint)l);
            BinaryPrimitives.WriteUInt64LittleEndian(input[(limbOffset + 4)..], q);
            BinaryPrimitives.WriteUInt32LittleEndian(input[(limbOffset + 12)..], (uint)n);

            Span<ulong> limb = destination.Slice(l * n, n);
            uint counter = 0;
            int i = 0;
            while (i < n)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(input[(limbOffset + 16)..], counter++);
                Shake128.HashData(input, block);
                for (int off = 0; off < BlockSize && i < n; off += sizeof(ulong))
                {
                    ulong candidate = BinaryPrimitives.ReadUInt64LittleEndian(block[off..]) & mask;
                    if (candidate < q)
                    {
                        limb[i++] = candidate;
                    }
                }
            }
        }
    }

    /// <summary>Creates a fresh random public seed from the OS CSPRNG.</summary>
    public static byte[] CreateSeed() => RandomNumberGenerator.GetBytes(SeedSize);
}
