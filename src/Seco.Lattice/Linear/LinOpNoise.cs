using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Linear;

/// <summary>
/// The public noise bound of SECO's Lin-OP output E = F·r − s (docs/noise.md), used as the smudging reference
/// 2^B of <see cref="Multiparty.CollectiveDecryption"/>. The bound must not depend on secret data, only on public
/// parameters and the layer's shape, so every party computes the same smudging width.
/// </summary>
public static class LinOpNoise
{
    /// <summary>Bits the measured noise must stay below the bound in tests (a safety margin for the heuristic).</summary>
    public const int MarginBits = 8;

    /// <summary>
    /// log2 of a heuristic bound on ‖v‖∞ for E = F·r − s² − s³ after the Lin-OP with the layout's h products per
    /// ciphertext, r the sum of <paramref name="maskShares"/> fresh encryptions under the collective key, and F held as
    /// two shares (added as plaintext products under D1, or as encrypted diagonals for ct×ct). Central-limit model
    /// (docs/noise.md): each of the 2h (D1) or h (ct×ct) products adds a term of standard deviation
    /// √n·(t/√12)·σ, so log2 B = log2 t + ½·log2(n·h·terms) + <see cref="FreshAndTailBits"/>; after a mod-switch the noise
    /// is divided by the dropped prime and the rounding term (≈ √n·‖s‖) takes over when larger.
    /// </summary>
    public static int BoundBits(BfvContext context, MatVecLayout layout, int maskShares, bool encryptedWeights, bool modSwitched)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(layout);
        double t = Math.Log2(context.PlainModulus.Value), n = Math.Log2(context.N);
        double terms = Math.Log2(layout.Half * (encryptedWeights ? 1.0 : 2.0) * maskShares);
        double bits = t + (0.5 * (n + terms)) + FreshAndTailBits(encryptedWeights);
        if (modSwitched)
        {
            double dropped = Math.Log2(context.DataModuli[context.MaxLevel - 1].Value);
            double rounding = (0.5 * n) + Math.Log2(maskShares) + TailBits;
            bits = Math.Max(bits - dropped, rounding) + 1;
        }

        return (int)Math.Ceiling(bits);
    }

    /// <summary>log2 of the noise ‖v‖∞ of <paramref name="ciphertext"/>, measured with the full secret key (diagnostics and tests).</summary>
    public static int MeasuredNoiseBits(BfvContext context, Decryptor decryptor, Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decryptor);
        ArgumentNullException.ThrowIfNull(ciphertext);
        double q = context.Level(ciphertext.Level).Q.GetBitLength();
        return (int)Math.Ceiling(q - decryptor.InvariantNoiseBudget(ciphertext) - 1 - Math.Log2(context.PlainModulus.Value));
    }

    /// <summary>floor(log2(Q/(4t))) at <paramref name="level"/> primes: decryption fails loudly above it.</summary>
    public static int CapacityBits(BfvContext context, int level)
    {
        ArgumentNullException.ThrowIfNull(context);
        return (int)Math.Floor((double)context.Level(level).Q.GetBitLength() - 1 - 2 - Math.Log2(context.PlainModulus.Value));
    }

    /// <summary>Tail factor of the infinity norm over n coefficients (≈ 2^3 standard deviations ⇒ failure ≪ 2^−40).</summary>
    private const double TailBits = 3.5;

    /// <summary>
    /// The constant of the central-limit model: fresh-noise size, the −[Q]_t·⌊m·m'/t⌋ rounding term of each product,
    /// the relinearization noise and secret-key growth of ct×ct, and the infinity-norm tail. Calibrated at the SECO
    /// preset with three servers on the largest block of every shipped model (docs/noise.md: measured 2^63–2^64 for D1 and
    /// 2^70–2^71 for ct×ct before the mod-switch, nearly independent of h, so the smallest h sets the constant) and then raised by <see cref="MarginBits"/>, which a test re-checks.
    /// </summary>
    private static double FreshAndTailBits(bool encryptedWeights) => encryptedWeights ? 28 : 21;
}
