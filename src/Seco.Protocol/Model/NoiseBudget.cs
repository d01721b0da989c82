using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;

namespace Seco.Protocol.Model;

/// <summary>
/// How much may be decrypted before the smudging runs out (docs/noise.md, decision D2). Every smudged decryption
/// reveals n noise coefficients to the decryptor, and each is hidden only to statistical distance 2^(B − b); so the
/// widths must cover every coefficient revealed while the secret they protect lives, and still fit below Q′/(4t).
/// <list type="bullet">
/// <item><b>The servers' key set</b> (A's collective decryptions of E¹, L − l per query). The noise depends on the key
/// shares' errors and the per-query masks, so a key set's life is what counts: b = B + λ + ⌈log2(n · (L − l) · Q)⌉
/// caps the queries Q one key set may serve — <see cref="Queries"/>. A node refuses a query past it; the run
/// re-keys (a new setup: new keys, new weight shares).</item>
/// <item><b>A's weights F_A</b> (the flooded Enc_pk0(F_i r_i − s_i) the user decrypts, l per query). Their noise
/// depends on F_A, which outlives every key set and every user — so the flooding is as wide as the capacity allows,
/// and that width fixes how many queries F_A may ever serve, across all users and key sets:
/// <see cref="ModelLifetimeQueries"/>. A refuses queries past it (<see cref="GatewayModel.ServedQueries"/>).</item>
/// </list>
/// </summary>
public sealed class NoiseBudget
{
    /// <summary>λ: the statistical distance is at most 2^−λ from smudging plus 2^−λ from the tail of the bound, per secret's life.</summary>
    public const int StatisticalSecurity = CollectiveDecryption.DefaultStatisticalSecurity;

    /// <summary>The largest budget considered (2^30 queries).</summary>
    public const int MaxBudgetLog2 = 30;

    private readonly SecoParameters _p;

    internal NoiseBudget(SecoParameters p, int? limit)
    {
        _p = p;
        if (limit is < 1)
            throw new ArgumentOutOfRangeException(nameof(limit), $"a query budget of {limit} serves no query");
        MaxQueries = Largest(ServersFit, "the smudged collective decryptions");
        if (limit > MaxQueries)
            throw new ArgumentOutOfRangeException(nameof(limit), $"a query budget of {limit} exceeds what the smudging can cover at these parameters ({MaxQueries} queries per key set, docs/noise.md)");
        Queries = limit ?? MaxQueries;
        ModelLifetimeQueries = Largest(UserFits, "the flooding of A's returned shares");
    }

    /// <summary>The most queries one servers' key set can serve at these parameters (a power of two).</summary>
    public int MaxQueries { get; }

    /// <summary>The queries one key set serves: the scenario's limit, or <see cref="MaxQueries"/>.</summary>
    public int Queries { get; }

    /// <summary>
    /// The most queries F_A may serve in its whole life, across users and key sets (a power of two; every query when
    /// l = 0, which decrypts nothing of F_A): the flooding towards the user is sized for that many.
    /// </summary>
    public int ModelLifetimeQueries { get; }

    /// <summary>Why a node refuses query <paramref name="query"/> of this key set, or null while it is within the budget.</summary>
    public string? Refusal(int query) => query < Queries ? null :
        $"query {query} is past this key set's budget of {Queries} queries (the smudged decryptions are sized for that many, docs/noise.md): re-key with a new setup";

    /// <summary>Why A refuses another query of F_A after <paramref name="served"/> of them, or null while F_A's lifetime budget lasts.</summary>
    public string? LifetimeRefusal(long served) => served < ModelLifetimeQueries ? null :
        $"F_A has served its lifetime budget of {ModelLifetimeQueries} queries (the flooding of A's returned shares is sized for that many, docs/noise.md): deploy new weights";

    /// <summary>log2 of the noise coefficients the decryptor A sees over tier 1's key set (n per block of the tier per query).</summary>
    public double ServerCoefficientsLog2 => CoefficientsLog2(_p.Tiers.Count == 0 ? 0 : Decrypted(_p.Tiers[0]), Queries);

    /// <summary>log2 of the noise coefficients users see of F_A over its life (n per F_A block per query).</summary>
    public double UserCoefficientsLog2 => CoefficientsLog2(UserDecrypted, ModelLifetimeQueries);

    /// <summary>Ciphertexts a tier's key set opens per query: every output ciphertext of its blocks' products.</summary>
    private int Decrypted(TierShape tier) => tier.Blocks.Sum(_p.OutputCiphertexts);

    /// <summary>Ciphertexts of F_A products the user decrypts per query.</summary>
    private int UserDecrypted => Enumerable.Range(1, _p.Split).Sum(_p.OutputCiphertexts);

    /// <summary>The collective decryption of F_BC block <paramref name="block"/>'s ct_E, smudged for this budget.</summary>
    public CollectiveDecryption Decryption(int block) => Decryption(block, Queries);

    /// <summary>B of F_BC block <paramref name="block"/>: the public bound on its mod-switched ct_E's noise.</summary>
    public int DecryptionBoundBits(int block) => DecryptionBound(block, Queries);

    /// <summary>b of the noise flooding of F_A blocks' Enc_pk0(F r − s) towards the user: the widest that decrypts.</summary>
    public int FloodingBits => (int)Math.Floor(FloodingCapacity - 0.01);

    /// <summary>B of F_A block <paramref name="block"/> on the user path, for F_A's lifetime budget.</summary>
    public int FloodingBoundBits(int block) => FloodingBound(block, ModelLifetimeQueries);

    private double FloodingCapacity => LinOpNoise.Capacity(_p.Context, _p.Context.MaxLevel - 1);

    /// <summary>
    /// Each tier's key set is its own (docs/hierarchy.md): A and the tier's k servers decrypt (k + 1 parties), over the
    /// tier's blocks only, and each block's ciphertext adds the k servers' plaintext weight shares.
    /// </summary>
    private CollectiveDecryption Decryption(int block, int queries)
    {
        TierShape tier = _p.TierOf(block);
        return new(_p.Context, tier.Servers + 1, DecryptionBound(block, queries), StatisticalSecurity, CoefficientsLog2(Decrypted(tier), queries));
    }

    private int DecryptionBound(int block, int queries)
    {
        TierShape tier = _p.TierOf(block);
        // A residual block's shortcut product lands in the same slots: its g(r_j) is the owners' encryptions of their
        // shares of r_j (A and the servers of the tier holding block j − 1) under this tier's key.
        // Across the split it is the user's mask as encrypted (halves rotated by A for a matrix, planes as they are; D23).
        LinOpInput? shortcut = _p.ShortcutForm(block) is not { } form ? null
            : _p.ShortcutCrossesSplit(block) ? (form is Linear.MatrixForm ? new LinOpInput(2, tier.Servers + 1, PreRotated: true) : new LinOpInput(1, tier.Servers + 1))
            : new LinOpInput(_p.TierOf(_p.Block(block).ShortcutSource - 1).Servers + 1, tier.Servers + 1);
        return Bound(block, InputOf(tier, block), shortcut, tier.Servers, CoefficientsLog2(Decrypted(tier), queries));
    }

    /// <summary>
    /// Where block i's Enc(r_i) came from: tier 1's first block, the user's transition mask (two halves, one rotated, for
    /// the matrix form; the channel planes as encrypted, for the convolution);
    /// a deeper tier's first block, the mask shares of A and the previous tier's servers; any other, A's and the tier's.
    /// </summary>
    private LinOpInput InputOf(TierShape tier, int block)
    {
        int keyParties = tier.Servers + 1;
        if (block != tier.FirstBlock)
            return new LinOpInput(keyParties, keyParties);
        if (tier.Tier == 1)
            return _p.TransitionIsMatrix ? new LinOpInput(2, keyParties, PreRotated: true) : new LinOpInput(1, keyParties);
        return new LinOpInput(_p.Tier(tier.Tier - 1).Servers + 1, keyParties);
    }

    private int FloodingBound(int block, int queries) =>
        Bound(block, LinOpInput.UserMask, _p.ShortcutForm(block) is null ? null : LinOpInput.UserMask, 1, CoefficientsLog2(UserDecrypted, queries));

    /// <summary>The bound of block <paramref name="block"/>'s product: the main branch's variance plus the shortcut's (independent noises into the same slots).</summary>
    private int Bound(int block, LinOpInput input, LinOpInput? shortcutInput, int weightShares, double coefficientsLog2)
    {
        double variance = _p.Form(block).ProductVariance(_p.Context, input, weightShares);
        if (shortcutInput is not null)
            variance += _p.ShortcutForm(block)!.ProductVariance(_p.Context, shortcutInput, weightShares);
        return LinOpNoise.BoundBitsOfVariance(_p.Context, variance, input, coefficientsLog2, StatisticalSecurity);
    }

    private double CoefficientsLog2(int ciphertextsPerQuery, int queries) =>
        ciphertextsPerQuery == 0 ? 0 : Math.Log2((double)_p.Context.N * ciphertextsPerQuery * queries);

    /// <summary>The largest power of two that <paramref name="fits"/>; throws, naming what does not fit, when even 1 does not.</summary>
    private static int Largest(Func<int, string?> fits, string what)
    {
        for (int k = MaxBudgetLog2; k >= 0; k--)
            if (fits(1 << k) is null) return 1 << k;
        throw new ArgumentException($"{what} cannot be sized for even one query at these parameters: {fits(1)}");
    }

    /// <summary>Null when every collective decryption of a key set serving <paramref name="queries"/> queries fits, else why not.</summary>
    private string? ServersFit(int queries)
    {
        double capacity = LinOpNoise.Capacity(_p.Context, _p.Context.MaxLevel - 1); // every decrypted ciphertext is mod-switched once
        for (int i = _p.Split + 1; i <= _p.BlockCount; i++)
        {
            CollectiveDecryption d;
            try
            {
                d = Decryption(i, queries);
            }
            catch (ArgumentException e)
            {
                return $"block {i}: {e.Message}";
            }
            if (d.TotalNoiseLog2 > capacity)
                return $"block {i}: 2^{d.CiphertextNoiseBits} + {d.Parties} × 2^{d.SmudgingBits} smudging exceeds Q'/(4t) = 2^{capacity:F2}";
        }
        return null;
    }

    /// <summary>Null when the widest flooding covers F_A over <paramref name="queries"/> queries, else why not.</summary>
    private string? UserFits(int queries)
    {
        for (int i = 1; i <= _p.Split; i++)
        {
            int needed = FloodingBound(i, queries) + StatisticalSecurity + (int)Math.Ceiling(CoefficientsLog2(UserDecrypted, queries));
            if (needed > FloodingBits)
                return $"block {i}: flooding must be 2^{needed}, above the widest that decrypts, 2^{FloodingBits}";
        }
        return null;
    }
}
