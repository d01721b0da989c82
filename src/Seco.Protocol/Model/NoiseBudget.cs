using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;

namespace Seco.Protocol.Model;

/// <summary>
/// How much one key set may decrypt (docs/noise.md, decision D2). Every smudged decryption reveals n noise
/// coefficients to the decryptor, and each is hidden only to statistical distance 2^(B − b): so the smudging width
/// must cover every coefficient revealed over the key set's life, b = B + λ + ⌈log2(n · ciphertexts per query ·
/// queries)⌉, and it must still fit below Q/(4t). That caps the queries one key set may serve: the
/// <see cref="Queries"/> budget. The servers' key set decrypts L − l ciphertexts per query (A learns E¹ of every F_BC
/// block); the user's key set decrypts l flooded ciphertexts per query (F_A preprocessing). A node refuses a query past
/// the budget, and the run re-keys (a new setup).
/// </summary>
public sealed class NoiseBudget
{
    /// <summary>λ: the statistical distance over the whole key set is at most 2^−λ from smudging plus 2^−λ from the tail of the bound.</summary>
    public const int StatisticalSecurity = CollectiveDecryption.DefaultStatisticalSecurity;

    /// <summary>The largest budget considered (2^20 queries per key set).</summary>
    public const int MaxBudgetLog2 = 20;

    private const int Servers = 3;

    private readonly SecoParameters _p;

    internal NoiseBudget(SecoParameters p, int? limit)
    {
        _p = p;
        if (limit is < 1)
            throw new ArgumentOutOfRangeException(nameof(limit), $"a query budget of {limit} serves no query");
        int max = -1;
        for (int k = MaxBudgetLog2; k >= 0 && max < 0; k--)
            if (Fits(1 << k, out _)) max = 1 << k;
        if (max < 0)
        {
            Fits(1, out string? why);
            throw new ArgumentException($"the smudged decryptions cannot be sized for even one query at these parameters: {why}");
        }
        MaxQueries = max;
        if (limit > max)
            throw new ArgumentOutOfRangeException(nameof(limit), $"a query budget of {limit} exceeds what the smudging can cover at these parameters ({max} queries per key set, docs/noise.md)");
        Queries = limit ?? max;
    }

    /// <summary>The most queries one key set can serve at these parameters (a power of two).</summary>
    public int MaxQueries { get; }

    /// <summary>The queries one key set serves: the scenario's limit, or <see cref="MaxQueries"/>.</summary>
    public int Queries { get; }

    /// <summary>Why a node refuses query <paramref name="query"/> of this key set, or null while it is within the budget.</summary>
    public string? Refusal(int query) => query < Queries ? null :
        $"query {query} is past this key set's budget of {Queries} queries (the smudged decryptions are sized for that many, docs/noise.md): re-key with a new setup";

    /// <summary>log2 of the noise coefficients the decryptor A sees over the servers' key set (n per F_BC block per query).</summary>
    public double ServerCoefficientsLog2 => CoefficientsLog2(_p.BlockCount - _p.Split, Queries);

    /// <summary>log2 of the noise coefficients the user sees over its key set (n per F_A block per query).</summary>
    public double UserCoefficientsLog2 => CoefficientsLog2(_p.Split, Queries);

    /// <summary>The collective decryption of F_BC block <paramref name="block"/>'s ct_E, smudged for this budget.</summary>
    public CollectiveDecryption Decryption(int block) => Decryption(block, Queries);

    /// <summary>B of F_BC block <paramref name="block"/>: the public bound on its mod-switched ct_E's noise.</summary>
    public int DecryptionBoundBits(int block) => DecryptionBound(block, Queries);

    /// <summary>b of the noise flooding of F_A block <paramref name="block"/>'s Enc_pk0(F r − s) towards the user.</summary>
    public int FloodingBits(int block) => FloodingBound(block, Queries) + StatisticalSecurity + (int)Math.Ceiling(CoefficientsLog2(_p.Split, Queries));

    /// <summary>B of F_A block <paramref name="block"/> on the user path.</summary>
    public int FloodingBoundBits(int block) => FloodingBound(block, Queries);

    private CollectiveDecryption Decryption(int block, int queries) =>
        new(_p.Context, Servers, DecryptionBound(block, queries), StatisticalSecurity, CoefficientsLog2(_p.BlockCount - _p.Split, queries));

    private int DecryptionBound(int block, int queries) =>
        LinOpNoise.BoundBits(_p.Context, _p.Layout(block), block == _p.Split + 1 ? LinOpInput.Transition : LinOpInput.MaskShares, weightShares: 2,
            CoefficientsLog2(_p.BlockCount - _p.Split, queries), StatisticalSecurity);

    private int FloodingBound(int block, int queries) =>
        LinOpNoise.BoundBits(_p.Context, _p.Layout(block), LinOpInput.UserMask, weightShares: 1, CoefficientsLog2(_p.Split, queries), StatisticalSecurity);

    private double CoefficientsLog2(int ciphertextsPerQuery, int queries) =>
        ciphertextsPerQuery == 0 ? 0 : Math.Log2((double)_p.Context.N * ciphertextsPerQuery * queries);

    /// <summary>Whether every decryption of a key set serving <paramref name="queries"/> queries fits its capacity.</summary>
    private bool Fits(int queries, out string? why)
    {
        why = null;
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
                why = $"block {i}: {e.Message}";
                return false;
            }
            if (d.TotalNoiseLog2 > capacity)
            {
                why = $"block {i}: 2^{d.CiphertextNoiseBits} + 3 × 2^{d.SmudgingBits} smudging exceeds Q'/(4t) = 2^{capacity:F2}";
                return false;
            }
        }
        for (int i = 1; i <= _p.Split; i++)
        {
            int b = FloodingBound(i, queries) + StatisticalSecurity + (int)Math.Ceiling(CoefficientsLog2(_p.Split, queries));
            if (b + 0.01 > capacity)
            {
                why = $"block {i}: flooding with 2^{b} towards the user exceeds Q'/(4t) = 2^{capacity:F2}";
                return false;
            }
        }
        return true;
    }
}
