using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// Collective decryption under the collective key s = Σ_j s_j (the paper's MPHE.Reconstruct / Dec, Algs. 5–6;
/// Mouchet et al. 2021, Protocol 3 (CKS) with a zero target key): party j sends d_j = s_j·c_1 + e_j, and the
/// designated party computes round(t·[c_0 + Σ_j d_j]_Q / Q).
/// </summary>
/// <remarks>
/// <para>
/// <b>Smudging.</b> The designated party sees c_0 + c_1·s + v + Σ_j e_j, i.e. the ciphertext's noise v plus the
/// partial-decryption noise. For that noise to hide v (and thereby the parties' secrets and the evaluated data) to
/// statistical distance 2^−λ, each e_j is drawn uniformly from [−2^b, 2^b) with b = B + λ, where 2^B bounds ‖v‖∞
/// (a public bound from the circuit's noise analysis; Mouchet et al. §4.3 and Asharov et al. 2012 smudging lemma).
/// One honestly drawn e_j suffices, so the guarantee holds against any coalition of up to N − 1 parties.
/// </para>
/// <para>
/// <b>Correctness.</b> The total noise is below 2^B + N·2^b ≤ 2^(b + ⌈log2 N⌉ + 1); decryption needs it below Q/(4t)
/// (the decryptor's loud-failure threshold ‖ν‖∞ &lt; 1/4). The constructor checks this for the top level and
/// <see cref="GenShare"/> for the ciphertext's level, with a message giving both sides of the inequality.
/// </para>
/// </remarks>
public sealed class CollectiveDecryption
{
    /// <summary>Default statistical security parameter λ (issue [3/6]).</summary>
    public const int DefaultStatisticalSecurity = 40;

    private readonly BfvContext _context;

    /// <summary>
    /// Sets up decryption among <paramref name="parties"/> parties of ciphertexts whose noise is below
    /// 2^<paramref name="ciphertextNoiseBits"/>, with statistical security <paramref name="statisticalSecurity"/> over all
    /// the coefficients the decryptor will see with this key set: 2^<paramref name="revealedCoefficientsLog2"/> of them
    /// (n per ciphertext, times ciphertexts per query, times the key set's query budget). Each coefficient's smudging
    /// hides its noise to statistical distance 2^(B − b), so b = B + λ + ⌈log2 revealed⌉ keeps the sum over all of them
    /// below 2^−λ (docs/noise.md).
    /// </summary>
    public CollectiveDecryption(BfvContext context, int parties, int ciphertextNoiseBits, int statisticalSecurity = DefaultStatisticalSecurity, double revealedCoefficientsLog2 = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(ciphertextNoiseBits);
        ArgumentOutOfRangeException.ThrowIfLessThan(statisticalSecurity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(revealedCoefficientsLog2);
        _context = context;
        Parties = parties;
        CiphertextNoiseBits = ciphertextNoiseBits;
        SmudgingBits = ciphertextNoiseBits + statisticalSecurity + (int)Math.Ceiling(revealedCoefficientsLog2);
        if (SmudgingBits > 120)
        {
            throw new ArgumentOutOfRangeException(nameof(ciphertextNoiseBits), $"Smudging width 2^{SmudgingBits} exceeds the supported 2^120.");
        }

        CheckBudget(context.MaxLevel);
    }

    /// <summary>Number of parties N.</summary>
    public int Parties { get; }

    /// <summary>b: each party's smudging noise is uniform on [−2^b, 2^b).</summary>
    public int SmudgingBits { get; }

    /// <summary>B: the bound on the ciphertexts' own noise, 2^B.</summary>
    public int CiphertextNoiseBits { get; }

    /// <summary>log2 of the bound on the total decryption noise, 2^B + N·2^b.</summary>
    public double TotalNoiseLog2 => Math.Log2(Math.Pow(2, CiphertextNoiseBits) + (Parties * Math.Pow(2, SmudgingBits)));

    /// <summary>⌈<see cref="TotalNoiseLog2"/>⌉.</summary>
    public int TotalNoiseBits => (int)Math.Ceiling(TotalNoiseLog2);

    /// <summary>Party j's share d_j = s_j·c_1 + e_j (coefficient form over the ciphertext's primes).</summary>
    public PolyShare GenShare(SecretKey secretShare, Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(secretShare);
        LevelContext level = CheckCiphertext(ciphertext);
        int n = _context.N, len = level.PolyLength;
        var share = new ulong[len];
        ciphertext.Poly(1).CopyTo(share);
        RnsPoly.ForwardNtt(share, level.Ntt, level.Count);
        RnsPoly.MultiplyPointwise(share, secretShare.DataFor(_context).AsSpan(0, len), share, level.Moduli, n);
        RnsPoly.InverseNtt(share, level.Ntt, level.Count);

        using var noise = new PooledBuffer(len);
        using (var random = new SystemRandomSource())
        {
            RandomSource.EnsureNonDeterministic(random, nameof(secretShare));
            SampleSmudging(random, SmudgingBits, level.Moduli, n, noise.Span);
        }

        RnsPoly.Add(share, noise.Span, share, level.Moduli, n);
        return new PolyShare(_context, level.Count, isNttForm: false, share);
    }

    /// <summary>The sum of two shares.</summary>
    public static PolyShare Aggregate(PolyShare x, PolyShare y) => PolyShare.Aggregate(x, y);

    /// <summary>The plaintext from the ciphertext and the sum of all N parties' shares.</summary>
    /// <exception cref="NoiseBudgetExhaustedException">The shares do not decrypt (e.g. one party's is missing).</exception>
    public Plaintext Finalize(Ciphertext ciphertext, PolyShare aggregate)
    {
        LevelContext level = CheckCiphertext(ciphertext);
        ArgumentNullException.ThrowIfNull(aggregate);
        if (aggregate.Limbs != level.Count || aggregate.IsNttForm)
        {
            throw new ArgumentException($"A decryption aggregate is a coefficient-form polynomial over the ciphertext's {level.Count} primes.", nameof(aggregate));
        }

        using var phase = new PooledBuffer(level.PolyLength);
        RnsPoly.Add(ciphertext.Poly(0), aggregate.Data, phase.Span, level.Moduli, _context.N);
        var plain = new Plaintext(_context);
        Decryptor.ScaleAndRound(level, phase.Span, plain.Data);
        return plain;
    }

    /// <summary>
    /// Uniform integers on [−2^b, 2^b) written as residues into every limb: u uniform on [0, 2^(b+1)) from 128 random
    /// bits under a mask, minus 2^b. No rejection and no secret-dependent branch.
    /// </summary>
    internal static void SampleSmudging(IRandomSource random, int bits, IReadOnlyList<Modulus> moduli, int n, Span<ulong> destination)
    {
        UInt128 mask = (UInt128.One << (bits + 1)) - 1;
        UInt128 offset = UInt128.One << bits;
        Span<ulong> offsets = stackalloc ulong[moduli.Count];
        for (int l = 0; l < moduli.Count; l++)
        {
            offsets[l] = moduli[l].Reduce(offset);
        }

        for (int i = 0; i < n; i++)
        {
            UInt128 u = new UInt128(random.NextUInt64(), random.NextUInt64()) & mask;
            for (int l = 0; l < moduli.Count; l++)
            {
                Modulus q = moduli[l];
                destination[(l * n) + i] = q.Sub(q.Reduce(u), offsets[l]);
            }
        }
    }

    private LevelContext CheckCiphertext(Ciphertext ciphertext)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        Guard.SameContext(_context, ciphertext.Context, "ciphertext");

        if (ciphertext.Size != 2 || ciphertext.IsNttForm)
        {
            throw new ArgumentException("Collective decryption takes a size-2, coefficient-form ciphertext (relinearize first).", nameof(ciphertext));
        }

        CheckBudget(ciphertext.Level);
        return _context.Level(ciphertext.Level);
    }

    private void CheckBudget(int levelCount)
    {
        double available = Linear.LinOpNoise.Capacity(_context, levelCount); // log2(Q/(4t)), exactly
        if (TotalNoiseLog2 > available)
        {
            throw new ArgumentException(
                $"Smudged decryption does not fit at level {levelCount}: noise up to 2^{TotalNoiseLog2:F2} " +
                $"(2^{CiphertextNoiseBits} + 2^{SmudgingBits} smudging × {Parties} parties) but only 2^{available:F2} keeps ‖ν‖∞ < 1/4 " +
                $"with a {_context.Level(levelCount).QBitCount}-bit Q and {_context.PlainModulus.BitCount}-bit t.");
        }
    }
}
