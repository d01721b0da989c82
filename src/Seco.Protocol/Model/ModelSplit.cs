using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;

namespace Seco.Protocol.Model;

/// <summary>A remote server's additive share of F_BC: per block l+1..L, F_i^j (row-major residues) and b_i^j.</summary>
public sealed class RemoteShare(IReadOnlyDictionary<int, ulong[]> weights, IReadOnlyDictionary<int, ulong[]> biases)
{
    public ulong[] Weights(int block) => weights[block];

    public ulong[] Bias(int block) => biases[block];
}

/// <summary>A's plaintext F_A: per block 1..l, the weights and bias as residues mod p.</summary>
public sealed class GatewayModel(IReadOnlyDictionary<int, ulong[]> weights, IReadOnlyDictionary<int, ulong[]> biases)
{
    public ulong[] Weights(int block) => weights[block];

    public ulong[] Bias(int block) => biases[block];

    /// <summary>
    /// Queries whose F_A shares A has returned to a user, over the weights' whole life — across users and key sets, so
    /// a deployment keeps one GatewayModel (NoiseBudget.ModelLifetimeQueries caps it). It lives in memory: a deployment
    /// that restarts must persist it with the weights, or the lifetime guarantee holds per process only (docs/noise.md).
    /// </summary>
    public long ServedQueries { get; internal set; }
}

/// <summary>
/// The model owner's deployment of one split (paper §III-A; decisions D9 and D10): F_A stays in plaintext with A;
/// every F_BC block's matrix and bias are split additively, F = F² + F³ mod p, F² uniform over Z_p on the block's
/// structural support (so the share reveals the layer structure, not which weights are zero), from the OS CSPRNG.
/// </summary>
public sealed record ModelSplit(SecoParameters Parameters, GatewayModel Gateway, RemoteShare Garbler, RemoteShare Evaluator)
{
    /// <param name="queryBudget">Queries per key set (null: the most the smudging covers, <see cref="NoiseBudget"/>).</param>
    public static ModelSplit Create(FixedPointModel model, int split, Lattice.Parameters.BfvContext context, int? queryBudget = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var matrices = model.Blocks.Select(BlockMatrix.Build).ToArray();
        var parameters = new SecoParameters(context, Shapes(model, matrices), split, queryBudget);

        var gw = new Dictionary<int, ulong[]>();
        var gb = new Dictionary<int, ulong[]>();
        var w2 = new Dictionary<int, ulong[]>();
        var w3 = new Dictionary<int, ulong[]>();
        var b2 = new Dictionary<int, ulong[]>();
        var b3 = new Dictionary<int, ulong[]>();
        for (int i = 1; i <= matrices.Length; i++)
        {
            BlockMatrix m = matrices[i - 1];
            ulong[] weights = Residues(m.Weights), bias = Residues(m.Bias);
            if (i <= split)
            {
                gw[i] = weights;
                gb[i] = bias;
                continue;
            }
            bool[] support = BlockMatrix.StructuralSupport(model.Blocks[i - 1]);
            ulong[] share2 = ZpRandom.Uniform(weights.Length);
            for (int e = 0; e < share2.Length; e++)
                if (!support[e]) share2[e] = 0;
            w2[i] = share2;
            w3[i] = ZpVector.Subtract(weights, share2);
            b2[i] = ZpRandom.Uniform(bias.Length);
            b3[i] = ZpVector.Subtract(bias, b2[i]);
        }
        return new ModelSplit(parameters, new GatewayModel(gw, gb), new RemoteShare(w2, b2), new RemoteShare(w3, b3));
    }

    /// <summary>
    /// The parameters a split would have (shapes, noise and query budgets) without dealing any weights: what a
    /// deployment is checked against before it is made (`seco validate`).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The query budget exceeds what the smudging covers.</exception>
    public static SecoParameters ParametersOf(FixedPointModel model, int split, Lattice.Parameters.BfvContext context, int? queryBudget = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The shapes only: block i's matrix is output × input (BlockMatrix), so no matrix is composed.
        BlockShape[] shapes = [.. model.Blocks.Select((b, i) => new BlockShape(i + 1, b.Block.Output.Size, b.Block.Input.Size, b.Block.HasRelu, b.TruncationShift))];
        return new SecoParameters(context, shapes, split, queryBudget);
    }

    private static BlockShape[] Shapes(FixedPointModel model, BlockMatrix[] matrices) =>
        [.. model.Blocks.Select((b, i) => new BlockShape(i + 1, matrices[i].Rows, matrices[i].Columns, b.Block.HasRelu, b.TruncationShift))];

    private static ulong[] Residues(long[] values) => Array.ConvertAll(values, PrimeField.FromSigned);
}
