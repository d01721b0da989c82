using Seco.Lattice.Ring;

namespace Seco.Lattice.Sampling;

/// <summary>
/// Shared argument checks and signed-to-residue mapping for the samplers.
/// </summary>
/// <remarks>
/// Every sampler writes an RNS polynomial of degree bound n over moduli q_0..q_{L-1} into one caller-provided
/// <c>Span&lt;ulong&gt;</c> of length L·n, limb-major: coefficient i of limb l is at <c>coeffs[l * n + i]</c> (the
/// project's RNS polynomial layout, as SEAL's <c>RNSIter</c>/Lattigo's <c>ring.Poly.Coeffs[l][i]</c>).
/// </remarks>
internal static class RnsLayout
{
    /// <summary>Validates moduli, n and destination length; requires every q &gt; <paramref name="maxMagnitude"/>.</summary>
    public static void Validate(IReadOnlyList<Modulus> moduli, int n, int destinationLength, ulong maxMagnitude)
    {
        ArgumentNullException.ThrowIfNull(moduli);
        if (moduli.Count == 0)
        {
            throw new ArgumentException("At least one modulus is required.", nameof(moduli));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if ((long)moduli.Count * n != destinationLength)
        {
            throw new ArgumentException(
                $"Destination length {destinationLength} must equal moduli.Count * n = {(long)moduli.Count * n}.",
                "destination");
        }

        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l] ?? throw new ArgumentException($"Modulus {l} is null.", nameof(moduli));
            if (q.Value <= maxMagnitude)
            {
                throw new ArgumentException(
                    $"Modulus {l} ({q.Value}) must exceed the sampler bound {maxMagnitude}.", nameof(moduli));
            }
        }
    }

    /// <summary>
    /// v mod q for |v| &lt; q without a data-dependent branch: the sign mask adds q only for negative v
    /// (SEAL's samplers use the same <c>q &amp; -(v &lt; 0)</c> idiom in <c>rlwe.cpp</c>).
    /// </summary>
    public static ulong ToResidue(long v, ulong q) => (ulong)v + (q & (ulong)(v >> 63));

    /// <summary>
    /// Maps signed values held (as two's-complement ulongs) in limb 0 into every limb, in place. Limbs are processed
    /// from last to first so that limb 0 — the source — is overwritten last; this avoids any scratch buffer.
    /// </summary>
    public static void SpreadSignedFromLimb0(IReadOnlyList<Modulus> moduli, int n, Span<ulong> coeffs)
    {
        ReadOnlySpan<ulong> signed = coeffs[..n];
        for (int l = moduli.Count - 1; l >= 0; l--)
        {
            ulong q = moduli[l].Value;
            Span<ulong> limb = coeffs.Slice(l * n, n);
            for (int i = 0; i < n; i++)
            {
                limb[i] = ToResidue((long)signed[i], q);
            }
        }
    }
}
