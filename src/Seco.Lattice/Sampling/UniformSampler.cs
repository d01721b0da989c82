using System.Numerics;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Sampling;

/// <summary>
/// Uniform residues in [0, q) for each RNS limb, by rejection sampling: draw 64 random bits, keep the smallest
/// all-ones mask covering q − 1, accept if the result is below q. Unlike <c>x mod q</c> this has no modulo bias; at
/// least half of all candidates are accepted. Same method as Lattigo's <c>ring/sampler_uniform.go</c> and SEAL's
/// <c>sample_poly_uniform</c> (which rejects against the largest multiple of q below 2^64 instead of a mask).
/// </summary>
/// <remarks>
/// Output layout: limb-major, <c>coeffs[l * n + i]</c>. Each limb is sampled independently (a uniform element of
/// Z_Q maps under CRT to independent uniform residues). Rejection leaks only rejected, discarded candidates.
/// </remarks>
public sealed class UniformSampler
{
    private readonly IRandomSource _source;

    /// <summary>Creates a sampler drawing from <paramref name="source"/>.</summary>
    public UniformSampler(IRandomSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>The smallest mask 2^b − 1 with q − 1 ≤ mask (for q ≥ 2).</summary>
    internal static ulong MaskFor(ulong q) => ulong.MaxValue >> BitOperations.LeadingZeroCount(q - 1);

    /// <summary>One uniform residue in [0, q).</summary>
    public ulong Next(Modulus modulus)
    {
        ArgumentNullException.ThrowIfNull(modulus);
        return Next(modulus.Value, MaskFor(modulus.Value));
    }

    /// <summary>Fills <paramref name="destination"/> (length moduli.Count · n, limb-major) with uniform residues.</summary>
    public void Sample(IReadOnlyList<Modulus> moduli, int n, Span<ulong> destination)
    {
        RnsLayout.Validate(moduli, n, destination.Length, 0);
        for (int l = 0; l < moduli.Count; l++)
        {
            ulong q = moduli[l].Value;
            ulong mask = MaskFor(q);
            Span<ulong> limb = destination.Slice(l * n, n);
            for (int i = 0; i < limb.Length; i++)
            {
                limb[i] = Next(q, mask);
            }
        }
    }

    private ulong Next(ulong q, ulong mask)
    {
        ulong x;
        do
        {
            x = _source.NextUInt64() & mask;
        }
        while (x >= q);

        return x;
    }
}
