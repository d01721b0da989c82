using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// Collective public-key generation, CKG (Mouchet, Troncoso-Pastoriza, Bossuat &amp; Hubaux 2021, Protocol 1; the
/// paper's MPHE.DKeyGen, Alg. 4): with the common reference polynomial a, party j sends p_j = −a·s_j + e_j; the sum
/// (Σ_j p_j, a) is a public key for the collective secret s = Σ_j s_j, which no coalition short of all N parties
/// knows. One round, any N ≥ 2. Errors come from each party's own OS-CSPRNG stream.
/// </summary>
public sealed class CollectivePublicKeyGeneration
{
    private readonly BfvContext _context;
    private readonly byte[] _seed;
    private readonly ulong[] _a;

    /// <summary>Sets up the protocol instance for the public <paramref name="sessionSeed"/> all parties share.</summary>
    public CollectivePublicKeyGeneration(BfvContext context, ReadOnlySpan<byte> sessionSeed)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _seed = CommonReference.DeriveSeed(sessionSeed, "ckg");
        _a = KeySwitchingKey.ExpandUniform(context, _seed);
    }

    /// <summary>Party j's share −a·s_j + e_j, NTT form over all key primes.</summary>
    public PolyShare GenShare(SecretKey secretShare)
    {
        ArgumentNullException.ThrowIfNull(secretShare);
        int k = _context.KeyModuli.Count;
        var share = new ulong[k * _context.N];
        using var random = new SystemRandomSource();
        RandomSource.EnsureNonDeterministic(random, nameof(secretShare));
        Rlwe.SampleNtt(_context, _a, secretShare.DataFor(_context), random, share);
        return new PolyShare(_context, k, isNttForm: true, share);
    }

    /// <summary>The sum of two shares (partial aggregates welcome: aggregation is associative).</summary>
    public static PolyShare Aggregate(PolyShare x, PolyShare y) => PolyShare.Aggregate(x, y);

    /// <summary>The collective public key from the sum of all N shares.</summary>
    public PublicKey Finalize(PolyShare aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        if (aggregate.Limbs != _context.KeyModuli.Count || !aggregate.IsNttForm)
        {
            throw new ArgumentException("A CKG aggregate is an NTT-form polynomial over all key primes.", nameof(aggregate));
        }

        return new PublicKey(_context, (ulong[])aggregate.Data.Clone(), _seed, (ulong[])_a.Clone());
    }
}
