using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Protocol.Model.Planning;

namespace Seco.Protocol.Model.Linear;

/// <summary>
/// A block's linear part as the protocol computes it (issue 20): F_i·x_i + S_i·g(x_j) + b — the main branch in the
/// planner's form (<see cref="MatrixForm"/> or <see cref="ConvolutionForm"/>) and, for a residual block, the shortcut
/// from the input x_j of block <see cref="ShortcutSource"/> in the same family with the same output slots: a matrix
/// M·S beside a matrix, or a public gather g (ResNet's stride-2 subsample) and a 1×1 channel map beside a convolution
/// (M·I for the identity, M at (i + pad, i) for option A, M times the folded conv for option B). Weights, shortcut
/// weights and bias are flat residue arrays that weight holders share additively, uniform on
/// <see cref="HeForm.StructuralSupport"/> (D10); every operation is linear in them.
/// <para>Not wired into the roles yet: the protocol still runs chain blocks as one matrix (issue 20's next step).</para>
/// </summary>
public sealed class BlockOperator
{
    private BlockOperator(int block, LinearForm form, HeForm main, HeForm? shortcut, int shortcutSource, int[]? gather, ulong[] weights, ulong[] shortcutWeights, ulong[] bias)
    {
        Block = block;
        Form = form;
        Main = main;
        Shortcut = shortcut;
        ShortcutSource = shortcutSource;
        Gather = gather;
        Weights = weights;
        ShortcutWeights = shortcutWeights;
        Bias = bias;
    }

    public int Block { get; }

    public LinearForm Form { get; }

    public HeForm Main { get; }

    /// <summary>The shortcut's form (null for a plain block).</summary>
    public HeForm? Shortcut { get; }

    /// <summary>The block whose input the shortcut reads (0 for a plain block).</summary>
    public int ShortcutSource { get; }

    /// <summary>The shortcut's public gather from x_j (indices into x_j), or null for all of x_j in order.</summary>
    public int[]? Gather { get; }

    /// <summary>The main branch's weights (matrix entries or kernel), residues mod p.</summary>
    public ulong[] Weights { get; }

    /// <summary>The shortcut's weights (empty for a plain block).</summary>
    public ulong[] ShortcutWeights { get; }

    /// <summary>The block's bias per output (the shortcut's included), residues mod p.</summary>
    public ulong[] Bias { get; }

    public int Rows => Main.Rows;

    /// <summary>The shortcut's operand: g(x_j).</summary>
    public ulong[] ShortcutInput(ReadOnlySpan<ulong> xj) => Shortcuts.Apply(Gather, xj);

    /// <summary>F·x + S·g(x_j) + b mod p with the given weights (or one holder's shares of them) — the online Lin-OP.</summary>
    public ulong[] Apply(ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> shortcutWeights, ReadOnlySpan<ulong> bias, ReadOnlySpan<ulong> x, ReadOnlySpan<ulong> xj) =>
        Shortcuts.Evaluate(Main, weights, x, Shortcut, shortcutWeights, Shortcut is null ? [] : ShortcutInput(xj), bias, new ulong[Rows]);

    /// <summary>The Galois elements of both operands.</summary>
    public uint[] GaloisElements() => [.. Main.GaloisElements().Concat(Shortcut?.GaloisElements() ?? []).Distinct().Order()];

    /// <summary>The block's operator in the planner's form, or in <paramref name="form"/> if given.</summary>
    public static BlockOperator Build(FixedPointBlock block, BfvContext context, LinearForm? form = null)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(context);
        LinearForm chosen = form ?? LinearPlanner.Plan(block, context).Form;
        return chosen == LinearForm.Matrix ? AsMatrix(block, context.N) : AsConvolution(block, context.N);
    }

    private static BlockOperator AsMatrix(FixedPointBlock block, int n)
    {
        BlockMatrix m = BlockMatrix.Build(block);
        var main = new MatrixForm(m.Rows, m.Columns, BlockMatrix.StructuralSupport(block), n);
        ulong[] bias = Residues(m.Bias);
        if (block.Block.Skip is not { } skip)
        {
            return new BlockOperator(block.Block.Index, LinearForm.Matrix, main, null, 0, null, Residues(m.Weights), [], bias);
        }

        BlockMatrix s = BlockMatrix.BuildShortcut(block);
        bool[] support = Array.ConvertAll(BlockMatrix.BuildShortcut(block, structural: true).Weights, w => w != 0);
        var shortcut = new MatrixForm(s.Rows, s.Columns, support, n);
        return new BlockOperator(block.Block.Index, LinearForm.Matrix, main, shortcut, skip.Source, null, Residues(m.Weights), Residues(s.Weights), Add(bias, Residues(s.Bias)));
    }

    private static BlockOperator AsConvolution(FixedPointBlock block, int n)
    {
        ConvForm form = ConvForm.Of(block, out string reason) ?? throw new ArgumentException($"block {block.Block.Index}: not a convolution ({reason})");
        var main = new ConvolutionForm(form.Shape, null, n);
        ulong[] bias = PerOutput(form.Shape, form.Bias);
        if (block.Block.Skip is not { } skip)
        {
            return new BlockOperator(block.Block.Index, LinearForm.Conv, main, null, 0, null, Residues(form.Weights), [], bias);
        }

        (int[]? gather, ConvShape shape, long[] kernel, bool[] support, long[] skipBias) = ChannelMap(block, skip, form.Shape);
        var shortcut = new ConvolutionForm(shape, support, n);
        if (!shortcut.Layout.OutputSlots().SequenceEqual(main.Layout.OutputSlots()))
        {
            throw new ArgumentException($"block {block.Block.Index}: the shortcut's outputs ({shape}) do not land in the main convolution's slots ({form.Shape}); " +
                                        "a strided or padded-differently main branch needs the matrix form");
        }

        return new BlockOperator(block.Block.Index, LinearForm.Conv, main, shortcut, skip.Source, gather, Residues(form.Weights), Residues(kernel), Add(bias, PerOutput(shape, skipBias)));
    }

    /// <summary>
    /// A shortcut as a public gather and a 1×1 convolution on the block's output grid: identity, option A (subsample,
    /// zero channels) or option B (a 1×1 conv, strided) — each times M.
    /// </summary>
    private static (int[]? Gather, ConvShape Shape, long[] Kernel, bool[] Support, long[] Bias) ChannelMap(FixedPointBlock block, ResidualAddLayer skip, ConvShape main)
    {
        long m = block.SkipMultiplier;
        Shape source = skip.SourceShape;
        int outC = main.OutChannels, outH = main.OutHeight, outW = main.OutWidth;
        int stride = 1, before = 0, inC = source.Channels;
        long[]? learned = null, learnedBias = null;
        foreach (QuantizedLayer q in block.SkipLayers)
        {
            switch (q.Layer)
            {
                case Subsample2dLayer sub when sub.StartH == 0 && sub.StartW == 0 && sub.StepH == sub.StepW && stride == 1 && learned is null:
                    stride = sub.StepH;
                    break;
                case ChannelPadLayer pad when learned is null:
                    before = pad.Before;
                    break;
                case Conv2dLayer conv when conv.KernelH == 1 && conv.KernelW == 1 && conv.StrideH == conv.StrideW && conv.Padding.IsZero && stride == 1 && learned is null:
                    stride = conv.StrideH;
                    learned = q.Weights;
                    learnedBias = q.Bias;
                    break;
                default:
                    throw new ArgumentException($"block {block.Block.Index}: the shortcut's {q.Layer.Kind} '{q.Layer.Name}' has no convolution form (identity, subsample + channel pad, or a 1×1 conv)");
            }
        }

        if ((source.Height + stride - 1) / stride != outH || (source.Width + stride - 1) / stride != outW)
        {
            throw new ArgumentException($"block {block.Block.Index}: the shortcut from {source} with stride {stride} does not give the {outH}×{outW} output grid");
        }

        int[]? gather = Shortcuts.Gather(source, stride, convolution: true);
        var shape = new ConvShape(inC, outH, outW, outC, 1, 1);
        var kernel = new long[outC * inC];
        var support = new bool[outC * inC];
        for (int o = 0; o < outC; o++)
        {
            for (int i = 0; i < inC; i++)
            {
                if (learned is not null)
                {
                    kernel[(o * inC) + i] = checked(learned[(o * inC) + i] * m);
                    support[(o * inC) + i] = true;
                }
                else if (o == i + before)
                {
                    kernel[(o * inC) + i] = m;
                    support[(o * inC) + i] = true;
                }
            }
        }

        long[] bias = learnedBias is null ? new long[outC] : [.. learnedBias.Select(b => checked(b * m))];
        return (gather, shape, kernel, support, bias);
    }

    /// <summary>A per-channel bias repeated over the output grid, as residues.</summary>
    private static ulong[] PerOutput(ConvShape s, long[] perChannel) =>
        [.. Enumerable.Range(0, s.OutputSize).Select(i => PrimeField.FromSigned(perChannel[i / (s.OutHeight * s.OutWidth)]))];

    private static ulong[] Residues(long[] values) => Array.ConvertAll(values, PrimeField.FromSigned);

    private static ulong[] Add(ulong[] a, ulong[] b) => [.. a.Select((v, i) => PrimeField.Add(v, b[i]))];
}
