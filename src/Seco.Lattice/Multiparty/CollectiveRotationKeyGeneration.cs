using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// Collective rotation-key generation, RTG (Mouchet et al. 2021, Protocol 6), for one Galois element g, producing the
/// same hybrid key-switching key from σ_g(s) to s that <see cref="KeyGenerator"/> makes for one key. With CRPs a_j
/// (one per data prime j), party i sends h_{i,j} = −a_j·s_i + e_{i,j} + [P·σ_g(s_i) in limb j only]; since σ_g is
/// linear, Σ_i h_{i,j} = −a_j·s + e_j + [P·σ_g(s) in limb j], the key for s = Σ_i s_i. One round, any N ≥ 2.
/// </summary>
public sealed class CollectiveRotationKeyGeneration
{
    private readonly BfvContext _context;
    private readonly byte[][] _seeds;
    private readonly ulong[][] _a;

    /// <summary>Sets up the protocol for Galois element <paramref name="galoisElement"/> (see <see cref="GaloisTool"/>).</summary>
    public CollectiveRotationKeyGeneration(BfvContext context, ReadOnlySpan<byte> sessionSeed, uint galoisElement)
    {
        ArgumentNullException.ThrowIfNull(context);
        GaloisTool.Validate(galoisElement, context.N);
        _context = context;
        GaloisElement = galoisElement;
        var seeds = new byte[context.MaxLevel][];
        for (int j = 0; j < seeds.Length; j++)
        {
            seeds[j] = CommonReference.DeriveSeed(sessionSeed, $"rtg/{galoisElement}/{j}");
        }

        _seeds = seeds;
        _a = seeds.Select(s => KeySwitchingKey.ExpandUniform(context, s)).ToArray();
    }

    /// <summary>The Galois element g of the key being generated.</summary>
    public uint GaloisElement { get; }

    /// <summary>Party i's share: L polynomials, NTT form over all key primes.</summary>
    public PolyShare GenShare(SecretKey secretShare)
    {
        ArgumentNullException.ThrowIfNull(secretShare);
        ulong[] s = secretShare.DataFor(_context);
        int n = _context.N, k = _context.KeyModuli.Count, len = k * n, dataCount = _context.MaxLevel;
        var data = new ulong[dataCount * len];
        using var rotated = new PooledBuffer(len);
        GaloisTool.ApplyNtt(s, rotated.Span, GaloisElement, k, n);
        using var random = new SystemRandomSource();
        RandomSource.EnsureNonDeterministic(random, nameof(secretShare));
        for (int j = 0; j < dataCount; j++)
        {
            Span<ulong> h = data.AsSpan(j * len, len);
            Rlwe.SampleNtt(_context, _a[j], s, random, h);
            Rlwe.AddGadgetTerm(_context, h, rotated.Span, j);
        }

        return new PolyShare(_context, k, isNttForm: true, data);
    }

    /// <summary>The sum of two shares.</summary>
    public static PolyShare Aggregate(PolyShare x, PolyShare y) => PolyShare.Aggregate(x, y);

    /// <summary>The collective key-switching key for σ_g, as <see cref="GaloisKeys"/> holding that one element.</summary>
    public GaloisKeys Finalize(PolyShare aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        int k = _context.KeyModuli.Count;
        if (aggregate.Limbs != k || !aggregate.IsNttForm || aggregate.Count != _context.MaxLevel)
        {
            throw new ArgumentException($"An RTG aggregate is {_context.MaxLevel} NTT-form polynomials over all key primes.", nameof(aggregate));
        }

        ulong[][] b = Enumerable.Range(0, aggregate.Count).Select(j => aggregate.Poly(j).ToArray()).ToArray();
        var key = new KeySwitchingKey(_context, b, _seeds.Select(s => (byte[])s.Clone()).ToArray(), _a.Select(a => (ulong[])a.Clone()).ToArray());
        return new GaloisKeys(_context, new Dictionary<uint, KeySwitchingKey> { [GaloisElement] = key });
    }

    /// <summary>Merges single-element key sets (e.g. one RTG run per step) into one <see cref="GaloisKeys"/>.</summary>
    public static GaloisKeys Merge(BfvContext context, IEnumerable<GaloisKeys> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var all = new Dictionary<uint, KeySwitchingKey>();
        foreach (GaloisKeys set in keys)
        {
            foreach ((uint g, KeySwitchingKey key) in set.Keys)
            {
                all[g] = key;
            }
        }

        return new GaloisKeys(context, all);
    }
}
