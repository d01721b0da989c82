using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// Collective public-key switching, PCKS (Mouchet et al. 2021, Protocol 4): re-encrypt a ciphertext under the
/// collective key s = Σ s_i to a target public key (p'_0, p'_1) — e.g. the user's — without decrypting it. Party i
/// sends (h_{0,i}, h_{1,i}) = (s_i·c_1 + u_i·p'_0 + e_{0,i}, u_i·p'_1 + e_{1,i}) with u_i ternary, e_{1,i} fresh
/// error and e_{0,i} smudging noise uniform on [−2^b, 2^b) as in <see cref="CollectiveDecryption"/> (same width rule
/// and budget check); the result is (c_0 + Σ h_0, Σ h_1), decryptable only with the target secret key.
/// </summary>
public sealed class PublicKeySwitch
{
    private readonly BfvContext _context;
    private readonly PublicKey _target;
    private readonly CollectiveDecryption _smudging;

    /// <summary>Sets up switching to <paramref name="target"/> among <paramref name="parties"/> parties.</summary>
    public PublicKeySwitch(BfvContext context, PublicKey target, int parties, int ciphertextNoiseBits, int statisticalSecurity = CollectiveDecryption.DefaultStatisticalSecurity)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        _context = context;
        _target = target;
        _smudging = new CollectiveDecryption(context, parties, ciphertextNoiseBits, statisticalSecurity);
    }

    /// <summary>b: the smudging width exponent (see <see cref="CollectiveDecryption.SmudgingBits"/>).</summary>
    public int SmudgingBits => _smudging.SmudgingBits;

    /// <summary>Party i's share: two coefficient-form polynomials over the ciphertext's primes.</summary>
    public PolyShare GenShare(SecretKey secretShare, Ciphertext ciphertext)
    {
        // h_0 starts as the smudged partial decryption s_i·c_1 + e_{0,i} (checks the ciphertext and the budget).
        PolyShare partial = _smudging.GenShare(secretShare, ciphertext);
        LevelContext level = _context.Level(ciphertext.Level);
        int n = _context.N, len = level.PolyLength;
        var data = new ulong[2 * len];
        partial.Data.CopyTo(data, 0);

        using var u = new PooledBuffer(len);
        using var term = new PooledBuffer(len);
        using var e = new PooledBuffer(len);
        using var random = new SystemRandomSource();
        RandomSource.EnsureNonDeterministic(random, nameof(secretShare));
        new TernarySampler(random).Sample(level.Moduli, n, u.Span);
        RnsPoly.ForwardNtt(u.Span, level.Ntt, level.Count);
        for (int p = 0; p < 2; p++)
        {
            Span<ulong> h = data.AsSpan(p * len, len);
            RnsPoly.MultiplyPointwise(u.Span, (p == 0 ? _target.B : _target.A).AsSpan(0, len), term.Span, level.Moduli, n);
            RnsPoly.InverseNtt(term.Span, level.Ntt, level.Count);
            RnsPoly.Add(h, term.Span, h, level.Moduli, n);
            if (p == 1)
            {
                new CenteredBinomialSampler(random).Sample(level.Moduli, n, e.Span);
                RnsPoly.Add(h, e.Span, h, level.Moduli, n);
            }
        }

        return new PolyShare(_context, level.Count, isNttForm: false, data);
    }

    /// <summary>The sum of two shares.</summary>
    public static PolyShare Aggregate(PolyShare x, PolyShare y) => PolyShare.Aggregate(x, y);

    /// <summary>The ciphertext under the target key: (c_0 + Σ h_0, Σ h_1).</summary>
    public Ciphertext Finalize(Ciphertext ciphertext, PolyShare aggregate)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        ArgumentNullException.ThrowIfNull(aggregate);
        LevelContext level = _context.Level(ciphertext.Level);
        if (aggregate.Count != 2 || aggregate.Limbs != level.Count || aggregate.IsNttForm)
        {
            throw new ArgumentException($"A PCKS aggregate is two coefficient-form polynomials over the ciphertext's {level.Count} primes.", nameof(aggregate));
        }

        var result = new Ciphertext(_context, 2, level.Count);
        RnsPoly.Add(ciphertext.Poly(0), aggregate.Poly(0), result.Poly(0), level.Moduli, _context.N);
        aggregate.Poly(1).CopyTo(result.Poly(1));
        return result;
    }
}
