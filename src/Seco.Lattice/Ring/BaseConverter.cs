using System.Numerics;

namespace Seco.Lattice.Ring;

/// <summary>
/// Exact RNS base extension from base B = {b_0..b_{L-1}} to base C = {c_0..c_{K-1}} of the centred representative
/// x ∈ [−B/2, B/2) of each coefficient (Halevi, Polyakov &amp; Shoup 2018, "An Improved RNS Variant of the BFV
/// Homomorphic Encryption Scheme", §2.3–2.4).
/// </summary>
/// <remarks>
/// <para>
/// With y_j = [x_j · (B/b_j)^{-1}]_{b_j} we have x = Σ_j y_j · (B/b_j) − α·B for the integer α = round(Σ_j y_j / b_j)
/// when x is taken centred. Fast base conversion (Bajard et al. 2016) drops α and is off by a small multiple of B;
/// HPS recover α with one double-precision sum, which is exact unless x lies within about L·2^-53·B of ±B/2 — a
/// probability of order 2^-45 for uniformly distributed x and zero for the small values (|x| ≪ B/2) the BFV
/// multiplication extends back.
/// </para>
/// <para>Input and output are limb-major RNS polynomials of degree bound n.</para>
/// </remarks>
public sealed class BaseConverter
{
    private readonly Modulus[] _from;
    private readonly Modulus[] _to;
    private readonly ulong[] _hatInv;        // (B/b_j)^{-1} mod b_j
    private readonly ulong[] _hatInvShoup;
    private readonly double[] _invFrom;      // 1 / b_j
    private readonly ulong[] _hatModTo;      // (B/b_j) mod c_k at [k * L + j]
    private readonly ulong[] _productModTo;  // B mod c_k

    /// <summary>Precomputes the conversion constants; the two bases must be disjoint sets of primes.</summary>
    public BaseConverter(IReadOnlyList<Modulus> from, IReadOnlyList<Modulus> to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Count == 0 || to.Count == 0)
        {
            throw new ArgumentException("Both bases need at least one modulus.");
        }

        if (from.Count > 16)
        {
            // 16 products below 2^122 each keep the 128-bit accumulator from overflowing.
            throw new ArgumentException("At most 16 source moduli are supported.", nameof(from));
        }

        _from = [.. from];
        _to = [.. to];
        int l = _from.Length, k = _to.Length;
        BigInteger product = _from.Aggregate(BigInteger.One, (p, q) => p * q.Value);
        ProductBitCount = (int)product.GetBitLength();

        _hatInv = new ulong[l];
        _hatInvShoup = new ulong[l];
        _invFrom = new double[l];
        _hatModTo = new ulong[k * l];
        _productModTo = new ulong[k];
        for (int j = 0; j < l; j++)
        {
            BigInteger hat = product / _from[j].Value;
            _hatInv[j] = _from[j].Inverse((ulong)(hat % _from[j].Value));
            _hatInvShoup[j] = _from[j].ShoupPrecompute(_hatInv[j]);
            _invFrom[j] = 1.0 / _from[j].Value;
            for (int c = 0; c < k; c++)
            {
                _hatModTo[(c * l) + j] = (ulong)(hat % _to[c].Value);
            }
        }

        for (int c = 0; c < k; c++)
        {
            if (product % _to[c].Value == 0)
            {
                throw new ArgumentException($"Target modulus {_to[c].Value} is not coprime to the source base.", nameof(to));
            }

            _productModTo[c] = (ulong)(product % _to[c].Value);
        }
    }

    /// <summary>Number of source limbs.</summary>
    public int FromCount => _from.Length;

    /// <summary>Number of target limbs.</summary>
    public int ToCount => _to.Length;

    /// <summary>Bit count of the source product B.</summary>
    public int ProductBitCount { get; }

    /// <summary>
    /// Writes the centred lift of <paramref name="input"/> (FromCount·n residues) into <paramref name="output"/>
    /// (ToCount·n residues).
    /// </summary>
    public void Convert(ReadOnlySpan<ulong> input, Span<ulong> output, int n)
    {
        int l = _from.Length, k = _to.Length;
        if (input.Length < l * n || output.Length < k * n)
        {
            throw new ArgumentException($"Base conversion needs {l}·n input and {k}·n output residues.");
        }

        Span<ulong> y = stackalloc ulong[l];
        for (int i = 0; i < n; i++)
        {
            double v = 0.5; // +1/2 then truncation = round-half-up of a non-negative sum
            for (int j = 0; j < l; j++)
            {
                ulong yj = _from[j].MultiplyShoup(input[(j * n) + i], _hatInv[j], _hatInvShoup[j]);
                y[j] = yj;
                v += yj * _invFrom[j];
            }

            ulong alpha = (ulong)v;
            for (int c = 0; c < k; c++)
            {
                int row = c * l;
                ulong hi = 0, lo = 0;
                for (int j = 0; j < l; j++)
                {
                    ulong pHi = Math.BigMul(y[j], _hatModTo[row + j], out ulong pLo);
                    lo += pLo;
                    hi += pHi + (lo < pLo ? 1UL : 0UL);
                }

                Modulus q = _to[c];
                ulong sum = q.Reduce(hi, lo);
                output[(c * n) + i] = q.Sub(sum, q.Multiply(alpha, _productModTo[c]));
            }
        }
    }
}
