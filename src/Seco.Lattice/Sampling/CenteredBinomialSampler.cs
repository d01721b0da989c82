using System.Numerics;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Sampling;

/// <summary>
/// Error polynomials from the centred binomial distribution CBD(k): e = popcount(a) − popcount(b) for independent
/// uniform k-bit a, b. Mean 0, variance k/2, support [−k, k].
/// </summary>
/// <remarks>
/// <para>
/// The default k = 21 is exactly SEAL's <c>sample_poly_cbd</c> (<c>rlwe.cpp</c>: 2 × 21 bits from 6 random bytes
/// with the top bits of bytes 2 and 5 masked), which SEAL uses for its default σ = 3.2: here
/// σ = sqrt(21/2) ≈ 3.2404 and the hard bound is |e| ≤ 21. Note this bound is slightly above the 6σ ≈ 19.2 clip of
/// SEAL's <c>ClippedNormalDistribution</c>; noise analyses must use <see cref="Bound"/> (21), although
/// e + k ~ Binomial(2k, 1/2), so P(|e| ≥ 20) = 2 · (C(42,41) + C(42,42))/2^42 = 86/2^42 ≈ 2·10^-11 per coefficient. Lattigo instead samples a discrete
/// Gaussian (<c>ring/sampler_gaussian.go</c>); CBD is chosen here because it is trivially constant-time.
/// </para>
/// <para>
/// Each coefficient consumes one 64-bit draw (low k bits → a, next k bits → b) and is computed with hardware popcount
/// and a subtraction: no secret-dependent branch or table. It is written into every limb as e mod q_l, the same signed
/// value in all limbs. Output layout: limb-major, <c>coeffs[l * n + i]</c>. Every q_l must exceed k.
/// </para>
/// <para>Production callers must pass a <see cref="SystemRandomSource"/>; see <see cref="RandomSource.EnsureNonDeterministic"/>.</para>
/// </remarks>
public sealed class CenteredBinomialSampler
{
    /// <summary>SEAL's parameter: σ = sqrt(21/2) ≈ 3.24, bound 21.</summary>
    public const int DefaultK = 21;

    /// <summary>Largest supported k (2k bits must fit in one 64-bit draw).</summary>
    public const int MaxK = 32;

    private readonly IRandomSource _source;
    private readonly ulong _mask;

    /// <summary>Creates a CBD(<paramref name="k"/>) sampler drawing from <paramref name="source"/>; 1 ≤ k ≤ 32.</summary>
    public CenteredBinomialSampler(IRandomSource source, int k = DefaultK)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, MaxK);
        _source = source;
        K = k;
        _mask = (1UL << k) - 1;
    }

    /// <summary>The binomial parameter k.</summary>
    public int K { get; }

    /// <summary>Hard bound: every sample satisfies |e| ≤ k.</summary>
    public int Bound => K;

    /// <summary>Variance k/2.</summary>
    public double Variance => K / 2.0;

    /// <summary>Standard deviation sqrt(k/2) (≈ 3.2404 for k = 21).</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Fills <paramref name="destination"/> (length moduli.Count · n, limb-major) with an error polynomial.</summary>
    public void Sample(IReadOnlyList<Modulus> moduli, int n, Span<ulong> destination)
    {
        RnsLayout.Validate(moduli, n, destination.Length, (ulong)K);
        Span<ulong> signed = destination[..n];
        for (int i = 0; i < n; i++)
        {
            ulong x = _source.NextUInt64();
            long e = BitOperations.PopCount(x & _mask) - BitOperations.PopCount((x >> K) & _mask);
            signed[i] = (ulong)e;
        }

        RnsLayout.SpreadSignedFromLimb0(moduli, n, destination);
    }
}
