using Seco.Lattice.Linear;
using Seco.Nn.Layers;

namespace Seco.Protocol.Model.Linear;

/// <summary>
/// A residual block's shortcut S·g(x_j) as the protocol computes it (issue 20; BlockOperator): in the main branch's
/// family and into the same output slots — a matrix M·S over all of x_j beside a matrix, or a public gather g (the
/// stride-s subsample of ResNet's stride-2 shortcut, identity for s = 1) and a 1×1 channel map beside a convolution.
/// Everything here is public structure: the source block, its input shape, the stride.
/// </summary>
public static class Shortcuts
{
    /// <summary>The shortcut's form for <paramref name="block"/>, whose source x_j has shape <paramref name="source"/>; null for a plain block.</summary>
    public static HeForm? Form(BlockShape block, Shape source, int n)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.ShortcutSource == 0)
            return null;
        if (block.Conv is not { } main)
            return new MatrixForm(block.Rows, source.Size, null, n);
        var shape = new ConvShape(source.Channels, main.OutHeight, main.OutWidth, main.OutChannels, 1, 1);
        if ((source.Height + block.ShortcutStride - 1) / block.ShortcutStride != main.OutHeight || (source.Width + block.ShortcutStride - 1) / block.ShortcutStride != main.OutWidth)
            throw new ArgumentException($"block {block.Index}: the shortcut from {source} with stride {block.ShortcutStride} does not give the {main.OutHeight}×{main.OutWidth} output grid");
        var form = new ConvolutionForm(shape, null, n);
        if (!form.OutputSlots.SequenceEqual(new ConvolutionForm(main, null, n).OutputSlots))
            throw new ArgumentException($"block {block.Index}: the shortcut's outputs ({shape}) do not land in the main convolution's slots ({main})");
        return form;
    }

    /// <summary>
    /// The gather g as indices into x_j (C×H×W order): every <paramref name="stride"/>-th row and column from (0, 0);
    /// null for the identity (stride 1, or a matrix shortcut, which reads all of x_j).
    /// </summary>
    public static int[]? Gather(Shape source, int stride, bool convolution)
    {
        if (!convolution || stride == 1)
            return null;
        int outH = (source.Height + stride - 1) / stride, outW = (source.Width + stride - 1) / stride;
        return [.. Enumerable.Range(0, source.Channels).SelectMany(c => Enumerable.Range(0, outH).SelectMany(y => Enumerable.Range(0, outW)
            .Select(x => (((c * source.Height) + (stride * y)) * source.Width) + (stride * x))))];
    }

    /// <summary>The shortcut form's operand for <paramref name="block"/>: g(x_j) for a convolution, all of x_j for a matrix.</summary>
    public static ulong[] Input(BlockShape block, BlockShape source, ReadOnlySpan<ulong> xj) =>
        Apply(Gather(source.Input, block.ShortcutStride, block.Conv is not null), xj);

    /// <summary>
    /// F·x + S·g(x_j) + b + s mod p for plaintext operands — a holder's online share of a block (the Lin-OP on masked
    /// values, paper Alg. 10): the main form, the shortcut form if any, the bias and the output mask.
    /// </summary>
    public static ulong[] Evaluate(HeForm main, ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> x, HeForm? shortcut, ReadOnlySpan<ulong> shortcutWeights,
        ReadOnlySpan<ulong> shortcutInput, ReadOnlySpan<ulong> bias, ReadOnlySpan<ulong> mask)
    {
        ArgumentNullException.ThrowIfNull(main);
        ulong[] y = main.Apply(weights, x);
        if (shortcut is not null)
        {
            ulong[] s = shortcut.Apply(shortcutWeights, shortcutInput);
            for (int i = 0; i < y.Length; i++) y[i] = Nn.Field.PrimeField.Add(y[i], s[i]);
        }
        for (int i = 0; i < y.Length; i++) y[i] = Nn.Field.PrimeField.Add(Nn.Field.PrimeField.Add(y[i], bias[i]), mask[i]);
        return y;
    }

    /// <summary>The encrypted products of the main branch and the shortcut added slot by slot (both land in the same output slots).</summary>
    public static Lattice.Bfv.Ciphertext[] Sum(Lattice.Bfv.Evaluator evaluator, Lattice.Bfv.Ciphertext[] main, Lattice.Bfv.Ciphertext[]? shortcut)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(main);
        if (shortcut is null)
            return main;
        if (shortcut.Length != main.Length)
            throw new ArgumentException($"the shortcut's product has {shortcut.Length} ciphertexts, the main branch's {main.Length}");
        for (int k = 0; k < main.Length; k++) evaluator.AddInplace(main[k], shortcut[k]);
        return main;
    }

    /// <summary>g(x_j): the gathered entries, or x_j itself.</summary>
    public static ulong[] Apply(int[]? gather, ReadOnlySpan<ulong> xj)
    {
        if (gather is null)
            return xj.ToArray();
        var g = new ulong[gather.Length];
        for (int i = 0; i < g.Length; i++) g[i] = xj[gather[i]];
        return g;
    }
}
