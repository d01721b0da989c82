using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Bfv;

/// <summary>
/// Circuit privacy for a ciphertext handed back to the key owner after evaluation (paper Alg. 12, which has none;
/// decision D2): the noise of Enc(F·r − s) depends on the evaluator's plaintext F, so before the owner decrypts it
/// the evaluator adds a fresh encryption of zero (re-randomising c_1 and c_0) and floods c_0 with noise uniform on
/// [−2^b, 2^b), b = B + λ, where 2^B is a public bound on the evaluated noise. The flooded noise hides the evaluated
/// noise to statistical distance about 2^−λ (smudging lemma, Asharov et al. 2012).
/// </summary>
public static class CircuitPrivacy
{
    /// <summary>
    /// Re-randomises <paramref name="ciphertext"/> (size 2, coefficient form, any level) in place with
    /// <paramref name="encryptor"/>'s public key and floods it with 2^<paramref name="smudgingBits"/> noise.
    /// Throws when the flooded noise would not decrypt at the ciphertext's level.
    /// </summary>
    public static void FloodInplace(BfvContext context, Encryptor encryptor, Ciphertext ciphertext, int smudgingBits)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(encryptor);
        ArgumentNullException.ThrowIfNull(ciphertext);
        Guard.SameContext(context, ciphertext.Context, "ciphertext");
        if (ciphertext.Size != 2 || ciphertext.IsNttForm)
            throw new ArgumentException("Flooding takes a size-2, coefficient-form ciphertext.", nameof(ciphertext));
        LevelContext level = context.Level(ciphertext.Level);
        // The flood dominates the total (the caller sizes it λ bits above the ciphertext's noise, and a fresh encryption
        // of zero adds far less): it must stay below Q/(4t), where the decryptor stops trusting a result.
        double capacity = Linear.LinOpNoise.Capacity(context, ciphertext.Level);
        if (smudgingBits < 1 || smudgingBits + 0.01 > capacity)
            throw new ArgumentOutOfRangeException(nameof(smudgingBits), $"flooding with 2^{smudgingBits} does not fit the ciphertext's capacity 2^{capacity:F2} (Q/(4t)) at level {ciphertext.Level}");

        var evaluator = new Evaluator(context);
        var zero = new Ciphertext(context);
        encryptor.EncryptZero(zero);
        while (zero.Level > ciphertext.Level)
            evaluator.ModSwitchToNextInplace(zero);
        evaluator.AddInplace(ciphertext, zero);

        int n = context.N;
        using var noise = new PooledBuffer(level.PolyLength);
        using (var random = new SystemRandomSource())
        {
            RandomSource.EnsureNonDeterministic(random, "flooding noise");
            CollectiveDecryption.SampleSmudging(random, smudgingBits, level.Moduli, n, noise.Span);
        }

        RnsPoly.Add(ciphertext.Poly(0), noise.Span, ciphertext.Poly(0), level.Moduli, n);
    }
}
