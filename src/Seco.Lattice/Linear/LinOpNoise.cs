using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Linear;

/// <summary>
/// Where the encrypted vector of a Lin-OP comes from: how many fresh public-key encryptions were added into it, under a
/// key of how many parties (3 for the collective key, 1 for a user's own), and whether one rotation was applied to a
/// part of it first (SECO's transition re-packing). The key-switching keys are those of the same parties.
/// </summary>
public sealed record LinOpInput(int FreshEncryptions, int KeyParties, bool PreRotated = false)
{
    /// <summary>Three servers' mask shares Enc_cpk(r^j) added by A (paper Alg. 8; decision D1).</summary>
    public static LinOpInput MaskShares { get; } = new(3, 3);

    /// <summary>The user's transition mask: two ciphertexts under cpk, one rotated by A before adding (TransitionPacking).</summary>
    public static LinOpInput Transition { get; } = new(2, 3, PreRotated: true);

    /// <summary>The user's Enc_pk0(r_i) for F_A preprocessing, evaluated with the user's own Galois keys.</summary>
    public static LinOpInput UserMask { get; } = new(1, 1);
}

/// <summary>
/// The public noise bound of a Lin-OP output E = F·r − s (docs/noise.md), used to size smudging in collective
/// decryption and noise flooding towards the user. It must depend on public data only — parameters, the block's
/// shape, where the input came from — never on the actual noise, which depends on secrets.
/// <para>
/// <b>Model.</b> A central-limit model of the noise variance per coefficient, composed from the operations the Lin-OP
/// performs (docs/noise.md derives each term): a fresh public-key encryption leaves the rounding noise of its division
/// by the special prime, (1 + n·σ_s²)/12 with σ_s² = 2k/3 for a key summed over k ternary shares; a key switch adds
/// (n·k·σ_e²·Σ_j q_j²/3)/P² plus the same rounding (digits uniform on [0, q_j), σ_e² = 21/2 for CBD(21) errors); a
/// product with a plaintext whose coefficients are uniform mod t multiplies a variance by n·t²/12 (per weight share;
/// shares multiply the same rotated ciphertexts, so their plaintexts add); the row swap and each fold double it; the
/// mod-switch divides by the dropped prime squared and adds its rounding. The bound is that standard deviation times
/// a Gaussian tail factor √(2·ln 2·κ), which the noise exceeds on any of 2^κ coefficients with probability about 2^−κ,
/// plus <see cref="ModelSlackBits"/>. This is the average-case (central-limit) analysis FHE libraries use, not a
/// worst-case proof; the test measures the noise of every shipped block on every path against it.
/// </para>
/// </summary>
public static class LinOpNoise
{
    /// <summary>Bits the model may underestimate the measured standard deviation by; tests check measured ≤ model + this.</summary>
    public const double ModelSlackBits = 0.5;

    /// <summary>σ² of the CBD(21) errors in keys and encryptions.</summary>
    private const double ErrorVariance = 21.0 / 2;

    /// <summary>Variance of a fresh public-key encryption's noise (the rounding of the division by P dominates).</summary>
    public static double FreshVariance(BfvContext context, int keyParties) => RoundingVariance(context, keyParties);

    /// <summary>Variance a key switch (rotation) adds at <paramref name="level"/> primes, with keys of <paramref name="keyParties"/> parties.</summary>
    public static double KeySwitchVariance(BfvContext context, int level, int keyParties)
    {
        ArgumentNullException.ThrowIfNull(context);
        double p = context.SpecialModulus.Value;
        double digits = context.Level(level).Moduli.Sum(q => (double)q.Value * q.Value / 3) / (p * p);
        return (context.N * keyParties * ErrorVariance * digits) + RoundingVariance(context, keyParties);
    }

    /// <summary>
    /// Variance of the noise of F·Enc(r) − s at the top level, for <paramref name="weightShares"/> plaintext shares of
    /// F multiplied into the same ciphertext (2 under D1: B's and C's; 1 on the user path: A's F).
    /// </summary>
    public static double ProductVariance(BfvContext context, MatVecLayout layout, LinOpInput input, int weightShares) =>
        ProductVariance(context, layout, input, weightShares, worstCoefficient: false);

    /// <summary>
    /// The variance of the noisiest coefficient: the row swap and the folds add automorphic images of the same noise,
    /// and every automorphism X → X^g fixes the constant coefficient, so there the 2^(1+folds) copies add coherently —
    /// variance × copies² instead of × copies (Cauchy–Schwarz makes copies² the most any coefficient can get).
    /// </summary>
    public static double WorstCoefficientVariance(BfvContext context, MatVecLayout layout, LinOpInput input, int weightShares) =>
        ProductVariance(context, layout, input, weightShares, worstCoefficient: true);

    private static double ProductVariance(BfvContext context, MatVecLayout layout, LinOpInput input, int weightShares, bool worstCoefficient)
    {
        ArgumentNullException.ThrowIfNull(layout);
        (double keySwitch, double fresh, double plain) = Terms(context, input, weightShares);
        // Σ over the h products of each row: baby step 0 takes the input as it is, the others a rotated copy.
        double products = plain * (layout.GiantSteps * (fresh + ((layout.BabySteps - 1) * (fresh + keySwitch))));
        double giant = (layout.GiantSteps - 1) * weightShares * keySwitch;
        // Row swap, then log2(k'/m') folds: each adds a rotated copy (and a key switch).
        int copies = 2 << layout.FoldSteps.Count();
        double gain = worstCoefficient ? (double)copies * copies : copies;
        return (gain * (products + giant)) + ((copies - 1) * weightShares * keySwitch);
    }

    /// <summary>
    /// The channel-packed convolution (<see cref="ConvPacked"/>), per output ciphertext and for the noisiest one: every
    /// product multiplies the input's fresh noise — plus a key switch for a tap rotation and another for the row swap —
    /// by a plaintext uniform mod t (per weight share), and each channel diagonal k &gt; 0 adds one key switch per weight
    /// holder when its sum is rotated. Unlike the mat-vec there is no row swap or fold of the result, so no automorphic
    /// copies of one noise add coherently: the noisiest coefficient has the average variance (docs/noise.md).
    /// </summary>
    public static double ProductVariance(BfvContext context, ConvLayout layout, LinOpInput input, int weightShares)
    {
        ArgumentNullException.ThrowIfNull(layout);
        (double keySwitch, double fresh, double plain) = Terms(context, input, weightShares);
        int rotatedTaps = layout.Taps.Count(tap => layout.Normalize(tap.Delta) != 0), taps = layout.Taps.Count;
        double worst = 0;
        for (int b = 0; b < layout.OutputCiphertexts; b++)
        {
            double terms = 0;
            int giants = 0;
            for (int k = 0; k < layout.PlanesPerRow; k++)
            {
                bool any = false;
                for (int a = 0; a < layout.InputCiphertexts; a++)
                {
                    for (int sigma = 0; sigma < 2; sigma++)
                    {
                        if (!layout.Present[a, b, sigma, k]) continue;
                        double source = fresh + (sigma == 1 ? keySwitch : 0);
                        terms += (taps * source) + (rotatedTaps * keySwitch);
                        any = true;
                    }
                }

                giants += any && k > 0 ? 1 : 0;
            }

            worst = Math.Max(worst, (plain * terms) + (giants * weightShares * keySwitch));
        }

        return worst;
    }

    /// <summary>log2 of the public bound on ‖v‖∞ of a mod-switched convolution output (see <see cref="BoundBits(BfvContext, MatVecLayout, LinOpInput, int, double, int)"/>).</summary>
    public static int BoundBits(BfvContext context, ConvLayout layout, LinOpInput input, int weightShares, double coefficientsLog2, int statisticalSecurity) =>
        Bound(context, ProductVariance(context, layout, input, weightShares), input, coefficientsLog2, statisticalSecurity);

    /// <summary>The convolution's variance after one mod-switch.</summary>
    public static double SwitchedVariance(BfvContext context, ConvLayout layout, LinOpInput input, int weightShares) =>
        Switched(context, ProductVariance(context, layout, input, weightShares), input.KeyParties);

    /// <summary>
    /// The three variances every Lin-OP is composed of, at the top level: a key switch, the input's fresh noise (with a
    /// key switch if part of it was rotated first) and the factor n·t²/12 per weight share of a plaintext product.
    /// </summary>
    private static (double KeySwitch, double Fresh, double Plain) Terms(BfvContext context, LinOpInput input, int weightShares)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        double keySwitch = KeySwitchVariance(context, context.MaxLevel, input.KeyParties);
        double fresh = input.FreshEncryptions * FreshVariance(context, input.KeyParties) + (input.PreRotated ? keySwitch : 0);
        double t = context.PlainModulus.Value;
        return (keySwitch, fresh, weightShares * context.N * t * t / 12);
    }

    /// <summary>The variance after one mod-switch: divided by the dropped prime squared, plus its rounding.</summary>
    public static double SwitchedVariance(BfvContext context, MatVecLayout layout, LinOpInput input, int weightShares) =>
        Switched(context, ProductVariance(context, layout, input, weightShares), input.KeyParties);

    /// <summary>
    /// log2 of the public bound 2^B on ‖v‖∞ of the mod-switched Lin-OP output: the noisiest coefficient's standard
    /// deviation times the tail factor for 2^(<paramref name="coefficientsLog2"/> + <paramref name="statisticalSecurity"/>)
    /// coefficients, so that over 2^<paramref name="coefficientsLog2"/> revealed coefficients the noise exceeds 2^B with
    /// probability about 2^−<paramref name="statisticalSecurity"/>.
    /// </summary>
    public static int BoundBits(BfvContext context, MatVecLayout layout, LinOpInput input, int weightShares, double coefficientsLog2, int statisticalSecurity) =>
        Bound(context, WorstCoefficientVariance(context, layout, input, weightShares), input, coefficientsLog2, statisticalSecurity);

    /// <summary>
    /// log2 of the public bound for a product whose noisiest coefficient has variance <paramref name="worstVariance"/>
    /// before the mod-switch — e.g. the sum of two products into the same output slots (a residual block's main
    /// branch and its shortcut: independent noises add their variances).
    /// </summary>
    public static int BoundBitsOfVariance(BfvContext context, double worstVariance, LinOpInput input, double coefficientsLog2, int statisticalSecurity) =>
        Bound(context, worstVariance, input, coefficientsLog2, statisticalSecurity);

    /// <summary>The tail bound of a worst-coefficient variance after the mod-switch.</summary>
    private static int Bound(BfvContext context, double worstVariance, LinOpInput input, double coefficientsLog2, int statisticalSecurity)
    {
        double worst = Switched(context, worstVariance, input.KeyParties);
        return (int)Math.Ceiling((0.5 * Math.Log2(worst)) + TailBits(coefficientsLog2 + statisticalSecurity) + ModelSlackBits);
    }

    private static double Switched(BfvContext context, double variance, int keyParties)
    {
        ArgumentNullException.ThrowIfNull(context);
        double dropped = context.DataModuli[context.MaxLevel - 1].Value;
        return (variance / (dropped * dropped)) + RoundingVariance(context, keyParties);
    }

    /// <summary>log2 of the Gaussian tail factor √(2·ln 2·κ): P(|X| &gt; factor·σ) ≈ 2^−κ.</summary>
    public static double TailBits(double kappa) => 0.5 * Math.Log2(2 * Math.Log(2) * Math.Max(1, kappa));

    /// <summary>log2 of ‖v‖∞ of <paramref name="ciphertext"/>, measured with the full secret key (diagnostics and tests).</summary>
    public static int MeasuredNoiseBits(BfvContext context, Decryptor decryptor, Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(decryptor);
        ArgumentNullException.ThrowIfNull(ciphertext);
        double q = context.Level(ciphertext.Level).Q.GetBitLength();
        return (int)Math.Ceiling(q - decryptor.InvariantNoiseBudget(ciphertext) - 1 - Math.Log2(context.PlainModulus.Value));
    }

    /// <summary>floor(log2(Q/(4t))) at <paramref name="level"/> primes: decryption fails loudly above it.</summary>
    public static int CapacityBits(BfvContext context, int level) => (int)Math.Floor(Capacity(context, level));

    /// <summary>log2(Q/(4t)) at <paramref name="level"/> primes, exactly: the decryptor refuses noise at or above Q/(4t).</summary>
    public static double Capacity(BfvContext context, int level)
    {
        ArgumentNullException.ThrowIfNull(context);
        return System.Numerics.BigInteger.Log(context.Level(level).Q, 2) - 2 - Math.Log2(context.PlainModulus.Value);
    }

    /// <summary>
    /// The paper's ct×ct Lin-OP (encrypted weights, relinearised; paper Algs. 8 and 13), which the protocol does not use:
    /// a bound calibrated on measurements (docs/noise.md), kept so both variants can be compared.
    /// </summary>
    public static int EncryptedWeightsBoundBits(BfvContext context, MatVecLayout layout, int maskShares)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(layout);
        double t = Math.Log2(context.PlainModulus.Value), n = Math.Log2(context.N);
        double bits = t + (0.5 * (n + Math.Log2(layout.Half * (double)maskShares))) + 28;
        double dropped = Math.Log2(context.DataModuli[context.MaxLevel - 1].Value);
        return (int)Math.Ceiling(Math.Max(bits - dropped, (0.5 * n) + Math.Log2(maskShares) + 3.5) + 1);
    }

    /// <summary>(1 + n·σ_s²)/12: rounding every coefficient of c_0 + c_1·s by up to 1/2 (division by P, mod-switch).</summary>
    private static double RoundingVariance(BfvContext context, int keyParties) => (1 + (context.N * keyParties * 2.0 / 3)) / 12;
}
