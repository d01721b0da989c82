using Seco.Lattice.Ring;

namespace Seco.Lattice.Sampling;

/// <summary>
/// Uniform ternary polynomials: each coefficient is −1, 0 or 1 with probability exactly 1/3 (SEAL's secret-key
/// distribution, <c>rlwe.cpp</c> <c>sample_poly_ternary</c>; Lattigo <c>ring/sampler_ternary.go</c> with p = 2/3).
/// </summary>
/// <remarks>
/// <para>
/// Each coefficient is drawn once as a signed value and then written into every limb as v mod q_l (−1 ↦ q_l − 1), so
/// all limbs represent the same small integer. Output layout: limb-major, <c>coeffs[l * n + i]</c>.
/// </para>
/// <para>
/// The 1/3 comes from a random byte b by rejection: b = 255 is discarded and b mod 3 of b ∈ [0, 255) is exactly uniform
/// (255 = 3 · 85). Which bytes are rejected is independent of the accepted values. The mapping b ↦ (b mod 3) − 1 ↦
/// residue uses a constant-divisor modulo (compiled to a multiply) and a sign mask — no secret-dependent branch.
/// (SEAL draws with <c>std::uniform_int_distribution&lt;uint64_t&gt;(0, 2)</c> over its PRNG, likewise unbiased.)
/// </para>
/// <para>Production callers must pass a <see cref="SystemRandomSource"/>; see <see cref="RandomSource.EnsureNonDeterministic"/>.</para>
/// </remarks>
public sealed class TernarySampler
{
    private const int BufferSize = 256;
    private readonly IRandomSource _source;

    /// <summary>Creates a sampler drawing from <paramref name="source"/>.</summary>
    public TernarySampler(IRandomSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
    }

    /// <summary>Fills <paramref name="destination"/> (length moduli.Count · n, limb-major) with a ternary polynomial.</summary>
    public void Sample(IReadOnlyList<Modulus> moduli, int n, Span<ulong> destination)
    {
        RnsLayout.Validate(moduli, n, destination.Length, 1);

        Span<byte> buffer = stackalloc byte[BufferSize];
        int pos = BufferSize;
        Span<ulong> signed = destination[..n];
        for (int i = 0; i < n; i++)
        {
            uint b;
            do
            {
                if (pos == BufferSize)
                {
                    _source.Fill(buffer);
                    pos = 0;
                }

                b = buffer[pos];
                buffer[pos++] = 0;
            }
            while (b == 255);

            signed[i] = (ulong)((long)(b % 3) - 1);
        }

        System.Security.Cryptography.CryptographicOperations.ZeroMemory(buffer);
        RnsLayout.SpreadSignedFromLimb0(moduli, n, destination);
    }
}
