using Seco.Nn;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Lattice.Linear;
using Seco.Protocol.Crypto;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;

namespace Seco.Protocol.Model;

/// <summary>
/// A remote server's additive share of F_BC: per block l+1..L, F_i^j (the weights in the block's form: matrix entries
/// row-major, or the kernel), the shortcut's S_i^j for a residual block, and b_i^j.
/// </summary>
public sealed class RemoteShare(IReadOnlyDictionary<int, ulong[]> weights, IReadOnlyDictionary<int, ulong[]> biases, IReadOnlyDictionary<int, ulong[]>? shortcutWeights = null)
{
    public ulong[] Weights(int block) => weights[block];

    /// <summary>The share of the shortcut's weights (empty for a plain block).</summary>
    public ulong[] ShortcutWeights(int block) => shortcutWeights?.GetValueOrDefault(block) ?? [];

    public ulong[] Bias(int block) => biases[block];
}

/// <summary>A's plaintext F_A: per block 1..l, the weights (and a residual block's shortcut weights) and bias as residues mod p.</summary>
public sealed class GatewayModel(IReadOnlyDictionary<int, ulong[]> weights, IReadOnlyDictionary<int, ulong[]> biases, IReadOnlyDictionary<int, ulong[]>? shortcutWeights = null)
{
    public ulong[] Weights(int block) => weights[block];

    /// <summary>The shortcut's weights (empty for a plain block).</summary>
    public ulong[] ShortcutWeights(int block) => shortcutWeights?.GetValueOrDefault(block) ?? [];

    public ulong[] Bias(int block) => biases[block];

    /// <summary>
    /// Queries whose F_A shares A has returned to a user, over the weights' whole life — across users and key sets, so
    /// a deployment keeps one GatewayModel (NoiseBudget.ModelLifetimeQueries caps it). It lives in memory: a deployment
    /// that restarts must persist it with the weights, or the lifetime guarantee holds per process only (docs/noise.md).
    /// </summary>
    public long ServedQueries { get; internal set; }
}

/// <summary>
/// The model owner's deployment of one split (paper §III-A; decisions D9 and D10; docs/hierarchy.md): F_A stays in
/// plaintext with A; every F_BC block's matrix and bias are split additively among the k servers of the tier that holds
/// it, F = Σ_j F^j mod p, every share but the last uniform over Z_p on the block's structural support (so a share
/// reveals the layer structure, not which weights are zero), from the OS CSPRNG; the last is F minus the others.
/// </summary>
/// <param name="Tiers">Per remote tier, per server (0 the garbler, 1 the evaluator, 2.. providers), its share.</param>
public sealed record ModelSplit(SecoParameters Parameters, GatewayModel Gateway, IReadOnlyList<IReadOnlyList<RemoteShare>> Tiers)
{
    /// <summary>The first tier's garbler's share (B in the paper's four-party setting).</summary>
    public RemoteShare Garbler => Tiers.Count == 0 ? NoShare : Tiers[0][0];

    /// <summary>The first tier's evaluator's share (C in the paper's four-party setting).</summary>
    public RemoteShare Evaluator => Tiers.Count == 0 ? NoShare : Tiers[0][1];

    /// <summary>What a server of the paper's setting holds when l = L leaves no remote block (party files still name B and C).</summary>
    private static readonly RemoteShare NoShare = new(new Dictionary<int, ulong[]>(), new Dictionary<int, ulong[]>());

    /// <summary>The share of remote server <paramref name="server"/>.</summary>
    public RemoteShare Share(Roles.Party server) => Tiers[server.Tier - 1][server.Index];

    /// <param name="queryBudget">Queries per key set (null: the most the smudging covers, <see cref="NoiseBudget"/>).</param>
    /// <param name="tiers">The remote tiers (null: one tier of two servers holding all of F_BC).</param>
    /// <param name="forms">How each block is computed on ciphertexts (<see cref="FormPolicy"/>).</param>
    /// <param name="protocol">Who evaluates F_BC's garbled circuits (<see cref="FbcProtocol"/>; the shares are dealt alike).</param>
    public static ModelSplit Create(FixedPointModel model, int split, Lattice.Parameters.BfvContext context, int? queryBudget = null, IReadOnlyList<TierSpec>? tiers = null,
        FormPolicy forms = FormPolicy.Matrix, FbcProtocol protocol = FbcProtocol.Seco)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The parameters first: they refuse a block past n/2 slots before its dense matrix (rows × columns) is composed.
        SecoParameters parameters = ParametersOf(model, split, context, queryBudget, tiers, forms, protocol);
        // Each block's weights in its form: the composed matrix, or the convolution's kernel (BlockOperator).
        var operators = model.Blocks.Select(b => BlockOperator.Build(b, context, parameters.Block(b.Block.Index).Conv is null ? LinearForm.Matrix : LinearForm.Conv)).ToArray();

        var gw = new Dictionary<int, ulong[]>();
        var gb = new Dictionary<int, ulong[]>();
        var gs = new Dictionary<int, ulong[]>();
        for (int i = 1; i <= split; i++)
        {
            gw[i] = operators[i - 1].Weights;
            gb[i] = operators[i - 1].Bias;
            gs[i] = operators[i - 1].ShortcutWeights;
        }
        var shares = new List<IReadOnlyList<RemoteShare>>();
        foreach (TierShape tier in parameters.Tiers)
        {
            var w = Enumerable.Range(0, tier.Servers).Select(_ => new Dictionary<int, ulong[]>()).ToArray();
            var sw = Enumerable.Range(0, tier.Servers).Select(_ => new Dictionary<int, ulong[]>()).ToArray();
            var b = Enumerable.Range(0, tier.Servers).Select(_ => new Dictionary<int, ulong[]>()).ToArray();
            foreach (int i in tier.Blocks)
            {
                BlockOperator op = operators[i - 1];
                bool[] support = op.Main.StructuralSupport, shortcutSupport = op.Shortcut?.StructuralSupport ?? [];
                ulong[] restW = op.Weights, restB = op.Bias, restS = op.ShortcutWeights;
                for (int j = 0; j < tier.Servers - 1; j++)
                {
                    ulong[] share = OnSupport(ZpRandom.Uniform(restW.Length), support);
                    w[j][i] = share;
                    sw[j][i] = OnSupport(ZpRandom.Uniform(restS.Length), shortcutSupport);
                    restS = ZpVector.Subtract(restS, sw[j][i]);
                    b[j][i] = ZpRandom.Uniform(restB.Length);
                    restW = ZpVector.Subtract(restW, share);
                    restB = ZpVector.Subtract(restB, b[j][i]);
                }
                w[^1][i] = restW;
                b[^1][i] = restB;
                sw[^1][i] = restS;
            }
            shares.Add([.. Enumerable.Range(0, tier.Servers).Select(j => new RemoteShare(w[j], b[j], sw[j]))]);
        }
        return new ModelSplit(parameters, new GatewayModel(gw, gb, gs), shares);
    }

    /// <summary>A uniform share kept on the structural support only (D10): zero where the structure makes the weight zero.</summary>
    private static ulong[] OnSupport(ulong[] share, bool[] support)
    {
        for (int e = 0; e < share.Length; e++)
            if (!support[e]) share[e] = 0;
        return share;
    }

    /// <summary>
    /// The parameters a split would have (shapes, noise and query budgets) without dealing any weights: what a
    /// deployment is checked against before it is made (`seco validate`).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The query budget exceeds what the smudging covers.</exception>
    /// <param name="protocol">Who evaluates F_BC's garbled circuits (<see cref="FbcProtocol"/>).</param>
    public static SecoParameters ParametersOf(FixedPointModel model, int split, Lattice.Parameters.BfvContext context, int? queryBudget = null, IReadOnlyList<TierSpec>? tiers = null,
        FormPolicy forms = FormPolicy.Matrix, FbcProtocol protocol = FbcProtocol.Seco)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The shapes and the planner's forms only (block i's matrix is output × input, BlockMatrix): no matrix is composed.
        BlockShape[] shapes = [.. model.Blocks.Select((b, i) => new BlockShape(i + 1, b.Block.Output.Size, b.Block.Input.Size, b.Block.HasRelu, b.TruncationShift)
        {
            Conv = forms == FormPolicy.Planner ? FormOf(b, context, transition: i == split) : null,
            Input = b.Block.Input,
            ShortcutSource = b.Block.Skip?.Source ?? 0,
            ShortcutStride = ShortcutStride(b),
        })];
        if (shapes.FirstOrDefault(s => s.ShortcutSource != 0 && s.Index > split && s.ShortcutSource < split) is { } across)
        {
            int[] fine = [.. Enumerable.Range(0, shapes.Length + 1).Where(l => !shapes.Any(s => s.ShortcutSource != 0 && s.Index > l && s.ShortcutSource < l))];
            throw new ModelFormatException(
                $"{model.Model.Name}: block {across.Index} adds a residual shortcut from block {across.ShortcutSource}'s input, more than one block before the split l = {split}; " +
                $"a shortcut across the split may read x_l or x_(l+1) only (the user's masks, docs/protocol-decisions.md D23) — splits that allow every shortcut: {string.Join(", ", fine)}");
        }
        return new SecoParameters(context, shapes, split, queryBudget, tiers, protocol);
    }

    /// <summary>
    /// The planner's form of a block (LinearPlanner: the cheaper of the mat-vec and the channel-packed convolution), as
    /// the convolution's shape or null for the matrix. The block taking the transition must take its input in the
    /// canonical channel-planar packing the user can make from the activation's shape alone, else the matrix form.
    /// </summary>
    private static ConvShape? FormOf(FixedPointBlock block, Lattice.Parameters.BfvContext context, bool transition)
    {
        BlockPlan plan;
        try
        {
            plan = LinearPlanner.Plan(block, context);
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"block {block.Block.Index}: {e.Message}");
        }
        if (plan.Form == LinearForm.Matrix)
            return null;
        bool canonical = new ConvolutionForm(plan.ConvShape!, null, context.N).HasCanonicalInput && !block.Block.Input.IsVector;
        if (!transition || canonical)
            return plan.ConvShape;
        return plan.Matrix is not null ? null
            : throw new ModelFormatException($"block {block.Block.Index} takes the transition, but its convolution ({plan.ConvShape}) does not take the canonical C×H×W packing and its matrix {plan.MatrixUnavailable}");
    }

    /// <summary>The stride of a residual block's shortcut gather (Subsample2d, or a strided 1×1 convolution); 1 for identity or a plain block.</summary>
    private static int ShortcutStride(FixedPointBlock block) =>
        block.SkipLayers.Select(q => q.Layer switch
        {
            Nn.Layers.Subsample2dLayer sub => sub.StepH,
            Nn.Layers.Conv2dLayer conv => conv.StrideH,
            _ => 1,
        }).Aggregate(1, (a, b) => a * b);
}
