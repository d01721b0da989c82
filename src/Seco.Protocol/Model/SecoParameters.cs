using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;

namespace Seco.Protocol.Model;

/// <summary>
/// One block of the model as the protocol sees it: the linear map F_i (rows × columns, conv/pool/dense composed) and,
/// unless it is the last block, a ReLU whose circuit truncates by 2^<see cref="Shift"/> (decision D7).
/// </summary>
public sealed record BlockShape(int Index, int Rows, int Columns, bool HasRelu, int Shift);

/// <summary>
/// What the three servers share publicly: the HE parameters, every block's shape and the split point l
/// (paper §III-A: F_A = blocks 1..l on A in plaintext, F_BC = blocks l+1..L as shares on B and C).
/// The user gets only <see cref="UserView"/>.
/// </summary>
public sealed class SecoParameters
{
    private readonly Dictionary<int, MatVecLayout> _layouts = [];

    /// <param name="queryBudget">Queries per key set (null: the most the smudging can cover, <see cref="NoiseBudget"/>).</param>
    public SecoParameters(BfvContext context, IReadOnlyList<BlockShape> blocks, int split, int? queryBudget = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0)
            throw new ArgumentException("a model has at least one block", nameof(blocks));
        if (split < 0 || split > blocks.Count)
            throw new ArgumentOutOfRangeException(nameof(split), $"split point l = {split} is outside 0..{blocks.Count} (L = {blocks.Count} blocks)");
        if (context.PlainModulus.Value != Nn.Field.PrimeField.P)
            throw new ArgumentException($"the HE plaintext modulus must be the share field p = {Nn.Field.PrimeField.P}", nameof(context));
        for (int i = 0; i < blocks.Count; i++)
        {
            BlockShape b = blocks[i];
            if (b.Index != i + 1)
                throw new ArgumentException($"block {i + 1} is numbered {b.Index}", nameof(blocks));
            if (b.HasRelu != (i < blocks.Count - 1))
                throw new ArgumentException($"block {b.Index}: every block but the last must end in a ReLU (the protocol's layer i is linear + ReLU, the last is linear only)", nameof(blocks));
            if (i > 0 && blocks[i - 1].Rows != b.Columns)
                throw new ArgumentException($"block {b.Index} takes {b.Columns} inputs but block {i} gives {blocks[i - 1].Rows}", nameof(blocks));
            _layouts[b.Index] = new MatVecLayout(b.Rows, b.Columns, context.N); // throws if a block does not fit n/2 slots
        }
        Context = context;
        Blocks = blocks;
        Split = split;
        GaloisElements = split == blocks.Count ? [] :
            blocks.Skip(split).SelectMany(b => MatVec.GaloisElements(Layout(b.Index), context.N))
                .Append(GaloisTool.ElementFromStep(TransitionRotation, context.N))
                .Distinct().Order().ToArray();
        Budget = new NoiseBudget(this, queryBudget);
    }

    /// <summary>The smudging widths and the query budget of one key set (docs/noise.md).</summary>
    public NoiseBudget Budget { get; }

    public BfvContext Context { get; }

    public IReadOnlyList<BlockShape> Blocks { get; }

    /// <summary>l: blocks on the gateway.</summary>
    public int Split { get; }

    /// <summary>L.</summary>
    public int BlockCount => Blocks.Count;

    public bool HasRemoteTier => Split < BlockCount;

    public BlockShape Block(int index) => Blocks[index - 1];

    public MatVecLayout Layout(int index) => _layouts[index];

    /// <summary>The Galois elements of the collective rotation keys: every F_BC Lin-OP's plus the transition re-packing rotation.</summary>
    public IReadOnlyList<uint> GaloisElements { get; }

    /// <summary>h of block l+1's layout: A rotates the user's row-1 half of the transition mask by this (see <see cref="Crypto.TransitionPacking"/>).</summary>
    public int TransitionRotation => Math.Max(1, Layout(Split + 1).Half);

    /// <summary>What the user may know (paper §V-A, Table I): F_A's shapes, the input, transition and output sizes.</summary>
    public UserView ForUser() => new(
        Context,
        Blocks.Take(Split).ToArray(),
        Blocks[0].Columns,
        HasRemoteTier ? Blocks[Split].Columns : 0,
        Blocks[^1].Rows);
}

/// <summary>The user's knowledge of the model: F_A's architecture and the sizes it must handle, nothing of F_BC.</summary>
public sealed record UserView(BfvContext Context, IReadOnlyList<BlockShape> GatewayBlocks, int InputSize, int TransitionSize, int OutputSize)
{
    public int Split => GatewayBlocks.Count;

    public bool HasRemoteTier => TransitionSize > 0;
}
