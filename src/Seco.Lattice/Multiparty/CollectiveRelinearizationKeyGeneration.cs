using System.Security.Cryptography;
using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Multiparty;

/// <summary>
/// Collective relinearization-key generation, RKG (Mouchet, Troncoso-Pastoriza, Bossuat &amp; Hubaux 2021, Protocol 2;
/// Lattigo <c>mhe.RelinearizationKeyGenProtocol</c>): two rounds producing a hybrid key-switching key from s² to
/// s = Σ_i s_i, which no coalition short of all N parties can make alone. With CRPs a_j (one per data prime j) and the
/// gadget w_j = P·[limb j indicator]:
/// <list type="number">
/// <item>Round 1: party i samples an ephemeral ternary u_i and sends h0_{i,j} = −u_i·a_j + s_i·w_j + e0_{i,j} and
/// h1_{i,j} = s_i·a_j + e1_{i,j}; the aggregate is (h0_j, h1_j) = Σ_i.</item>
/// <item>Round 2: party i sends h'_{i,j} = s_i·h0_j + e2_{i,j} + (u_i − s_i)·h1_j + e3_{i,j}; the aggregate is
/// h'_j = Σ_i h'_{i,j}.</item>
/// <item>Finalize: the key is (b_j, a'_j) = (h'_j, h1_j), and b_j + a'_j·s = s²·w_j + s·e0_j + u·e1_j + e2_j + e3_j
/// with u = Σ u_i, e_j = Σ_i e_{i,j}: a key of the usual form b = −a'·s + s²·w + e with e of norm about N²·n·σ, which
/// hybrid key switching divides by P.</item>
/// </list>
/// </summary>
/// <remarks>
/// <para>
/// <b>Round-2 share.</b> The paper has party i disclose the pair (s_i·h0 + e2, (u_i − s_i)·h1 + e3), and only the sum
/// of the two is ever used (b = h'0 + h'1). Party i sends that sum, with both error terms: the message is a function of
/// the paper's, so it discloses no more (the paper's simulator composes), and round 2 costs L instead of 2L polynomials.
/// It also makes the rounds' shares distinguishable by shape (2L vs L polynomials), so a share of the wrong round is
/// rejected rather than silently summed.
/// </para>
/// <para>
/// <b>Key format.</b> a'_j = Σ_i (s_i·a_j + e1_{i,j}) is not the expansion of a seed, so the key is unseeded and
/// serializes with explicit a polynomials (<see cref="Serialization.BfvSerializer.ExplicitAFlag"/>), twice the size of
/// a seeded key.
/// </para>
/// <para>
/// <b>Secrets.</b> u_i lives in a <see cref="RelinearizationKeyEphemeral"/>, bound to this protocol instance; dispose
/// it after round 2 (never reuse it: two round-2 shares under one u_i leak s_i). All errors and u_i come from the
/// party's own OS-CSPRNG stream.
/// </para>
/// </remarks>
public sealed class CollectiveRelinearizationKeyGeneration
{
    private readonly BfvContext _context;
    private readonly byte[] _instance;
    private readonly ulong[][] _a;

    /// <summary>Sets up the protocol instance for the public <paramref name="sessionSeed"/> all parties share.</summary>
    public CollectiveRelinearizationKeyGeneration(BfvContext context, ReadOnlySpan<byte> sessionSeed)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        var seeds = new byte[context.MaxLevel][];
        for (int j = 0; j < seeds.Length; j++)
        {
            seeds[j] = CommonReference.DeriveSeed(sessionSeed, $"rkg/{j}");
        }

        _a = seeds.Select(s => KeySwitchingKey.ExpandUniform(context, s)).ToArray();
        _instance = CommonReference.DeriveSeed(sessionSeed, "rkg");
    }

    /// <summary>Number of polynomials in a round-1 share or aggregate: 2L (h0_j, then h1_j).</summary>
    public int RoundOneCount => 2 * _context.MaxLevel;

    /// <summary>Number of polynomials in a round-2 share or aggregate: L.</summary>
    public int RoundTwoCount => _context.MaxLevel;

    /// <summary>
    /// Party i's round-1 share: 2L NTT-form polynomials over all key primes, h0_{i,0..L−1} then h1_{i,0..L−1}.
    /// <paramref name="ephemeral"/> receives the fresh secret u_i that round 2 needs; dispose it after round 2.
    /// </summary>
    public PolyShare GenShareRoundOne(SecretKey secretShare, out RelinearizationKeyEphemeral ephemeral)
    {
        ArgumentNullException.ThrowIfNull(secretShare);
        ulong[] s = secretShare.DataFor(_context);
        int n = _context.N, k = _context.KeyModuli.Count, len = k * n, dataCount = _context.MaxLevel;
        var data = new ulong[2 * dataCount * len];
        var u = new ulong[len];
        try
        {
            using var random = new SystemRandomSource();
            RandomSource.EnsureNonDeterministic(random, nameof(secretShare));
            new TernarySampler(random).Sample(_context.KeyModuli, n, u);
            RnsPoly.ForwardNtt(u, _context.NttTables, k);
            for (int j = 0; j < dataCount; j++)
            {
                Span<ulong> h0 = data.AsSpan(j * len, len), h1 = data.AsSpan((dataCount + j) * len, len);
                Rlwe.SampleNtt(_context, _a[j], u, random, h0);            // −u_i·a_j + e0
                Rlwe.AddGadgetTerm(_context, h0, s, j);                    // + s_i·w_j
                Rlwe.SampleNtt(_context, _a[j], s, random, h1);            // −s_i·a_j + e
                RnsPoly.Negate(h1, h1, _context.KeyModuli, n);             // s_i·a_j + e1 (e1 = −e, same distribution)
            }
        }
        catch
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(u.AsSpan()));
            throw;
        }

        ephemeral = new RelinearizationKeyEphemeral(_context, _instance, u);
        return new PolyShare(_context, k, isNttForm: true, data);
    }

    /// <summary>
    /// Party i's round-2 share from the round-1 aggregate (the sum of all N round-1 shares): L NTT-form polynomials
    /// over all key primes, h'_{i,j} = s_i·h0_j + (u_i − s_i)·h1_j + e2_{i,j} + e3_{i,j}.
    /// </summary>
    public PolyShare GenShareRoundTwo(SecretKey secretShare, RelinearizationKeyEphemeral ephemeral, PolyShare roundOneAggregate)
    {
        ArgumentNullException.ThrowIfNull(secretShare);
        ArgumentNullException.ThrowIfNull(ephemeral);
        ulong[] s = secretShare.DataFor(_context);
        ulong[] u = CheckEphemeral(ephemeral);
        CheckShare(roundOneAggregate, RoundOneCount, "round-1 aggregate", nameof(roundOneAggregate));
        int n = _context.N, k = _context.KeyModuli.Count, len = k * n, dataCount = _context.MaxLevel;
        var data = new ulong[dataCount * len];
        using var uMinusS = new PooledBuffer(len);
        using var term = new PooledBuffer(len);
        RnsPoly.Sub(u, s, uMinusS.Span, _context.KeyModuli, n);
        using var random = new SystemRandomSource();
        RandomSource.EnsureNonDeterministic(random, nameof(secretShare));
        for (int j = 0; j < dataCount; j++)
        {
            Span<ulong> h = data.AsSpan(j * len, len);
            Rlwe.SampleNtt(_context, roundOneAggregate.Poly(j), s, random, h);                        // −s_i·h0_j + e
            Rlwe.SampleNtt(_context, roundOneAggregate.Poly(dataCount + j), uMinusS.Span, random, term.Span); // −(u_i − s_i)·h1_j + e'
            RnsPoly.Add(h, term.Span, h, _context.KeyModuli, n);
            RnsPoly.Negate(h, h, _context.KeyModuli, n);
        }

        return new PolyShare(_context, k, isNttForm: true, data);
    }

    /// <summary>The sum of two shares of the same round (a share of the other round has a different count and is refused).</summary>
    public static PolyShare Aggregate(PolyShare x, PolyShare y) => PolyShare.Aggregate(x, y);

    /// <summary>The collective relinearization key (b_j, a'_j) = (Σ h'_j, Σ h1_j), unseeded.</summary>
    public RelinKeys Finalize(PolyShare roundOneAggregate, PolyShare roundTwoAggregate)
    {
        CheckShare(roundOneAggregate, RoundOneCount, "round-1 aggregate", nameof(roundOneAggregate));
        CheckShare(roundTwoAggregate, RoundTwoCount, "round-2 aggregate", nameof(roundTwoAggregate));
        int dataCount = _context.MaxLevel;
        ulong[][] b = Enumerable.Range(0, dataCount).Select(j => roundTwoAggregate.Poly(j).ToArray()).ToArray();
        ulong[][] a = Enumerable.Range(0, dataCount).Select(j => roundOneAggregate.Poly(dataCount + j).ToArray()).ToArray();
        return new RelinKeys(KeySwitchingKey.Unseeded(_context, b, a));
    }

    private void CheckShare(PolyShare share, int count, string what, string paramName)
    {
        ArgumentNullException.ThrowIfNull(share, paramName);
        Guard.SameContext(_context, share.Context, $"RKG {what}");
        int k = _context.KeyModuli.Count;
        if (share.Count != count)
        {
            string hint = share.Count == (count == RoundOneCount ? RoundTwoCount : RoundOneCount) ? " (a share of the other round?)" : "";
            throw new ArgumentException(
                $"An RKG {what} has {count} polynomials; this one has {share.Count}{hint}.", paramName);
        }

        if (!share.IsNttForm)
        {
            throw new ArgumentException($"An RKG {what} is in NTT form; this one is in coefficient form.", paramName);
        }

        if (share.Limbs != k)
        {
            throw new ArgumentException($"An RKG {what} spans all {k} key primes; this one has {share.Limbs} limbs.", paramName);
        }
    }

    private ulong[] CheckEphemeral(RelinearizationKeyEphemeral ephemeral)
    {
        Guard.SameContext(_context, ephemeral.Context, "RKG ephemeral secret");
        if (ephemeral.IsDisposed)
        {
            throw new ObjectDisposedException(nameof(RelinearizationKeyEphemeral), "The RKG ephemeral secret u_i was disposed (wiped) before round 2.");
        }

        if (!CryptographicOperations.FixedTimeEquals(ephemeral.Instance, _instance))
        {
            throw new ArgumentException("The RKG ephemeral secret u_i belongs to another protocol instance (session seed); reusing u_i across sessions leaks s_i.", nameof(ephemeral));
        }

        return ephemeral.Data;
    }
}

/// <summary>
/// A party's ephemeral ternary secret u_i between the two RKG rounds, in NTT form over all key primes, bound to the
/// protocol instance that made it. Never serializable; dispose to wipe it (as <see cref="SecretKey"/>).
/// </summary>
public sealed class RelinearizationKeyEphemeral : IDisposable
{
    internal RelinearizationKeyEphemeral(BfvContext context, byte[] instance, ulong[] nttData)
    {
        Context = context;
        Instance = instance;
        Data = nttData;
    }

    /// <summary>The parameters u_i belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>True once <see cref="Dispose"/> has wiped u_i.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Public tag of the protocol instance (derived from its session seed).</summary>
    internal byte[] Instance { get; }

    internal ulong[] Data { get; }

    /// <summary>Overwrites u_i with zeros.</summary>
    public void Dispose()
    {
        CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(Data.AsSpan()));
        IsDisposed = true;
    }
}
