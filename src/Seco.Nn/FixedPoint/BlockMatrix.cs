using Seco.Nn.Layers;

namespace Seco.Nn.FixedPoint;

/// <summary>
/// A block's linear part as one integer affine map y = W·x + b: the block's quantised layers (conv, sum-pool, flatten,
/// dense) composed into a dense row-major <see cref="Rows"/>×<see cref="Columns"/> matrix. This is the matrix F_i of
/// the paper's Lin-OP (Algs. 8 and 11): the HE layers multiply it into an encrypted (masked) input, and the result mod p
/// is exactly the fixed-point reference's pre-truncation block output, because the composition is computed over the
/// integers (checked) before any reduction.
/// </summary>
public sealed class BlockMatrix
{
    private BlockMatrix(int rows, int columns, long[] weights, long[] bias)
    {
        Rows = rows;
        Columns = columns;
        Weights = weights;
        Bias = bias;
    }

    /// <summary>Output length (the block's linear output size).</summary>
    public int Rows { get; }

    /// <summary>Input length (the block's input size).</summary>
    public int Columns { get; }

    /// <summary>W, row-major.</summary>
    public long[] Weights { get; }

    /// <summary>b: the block applied to the zero vector.</summary>
    public long[] Bias { get; }

    /// <summary>The fraction of zero entries of W (convolutions as matrices are sparse).</summary>
    public double Sparsity => Weights.Count(w => w == 0) / (double)Weights.Length;

    /// <summary>Composes the linear layers of <paramref name="block"/>.</summary>
    public static BlockMatrix Build(FixedPointBlock block) => Compose(block, structural: false);

    /// <summary>
    /// The entries of the block's matrix that are non-zero for the layer <i>shapes</i>, whatever the weight values (every
    /// weight taken as 1; the terms are all positive so nothing cancels). Weight shares are drawn uniformly on this
    /// support (decision D10), so a share reveals the public layer structure but not which weights quantised to zero.
    /// </summary>
    public static bool[] StructuralSupport(FixedPointBlock block)
    {
        BlockMatrix ones = Compose(block, structural: true);
        return Array.ConvertAll(ones.Weights, w => w != 0);
    }

    /// <summary>
    /// The block's shortcut as a matrix from the shortcut's source activation to the block output, scaled by the
    /// alignment multiplier M (docs/fixed-point.md, "Residual blocks"): M·S, its bias M·b_S. The block's linear output is
    /// then Build(block)·x_i + BuildShortcut(block)·x_j, biases included.
    /// </summary>
    public static BlockMatrix BuildShortcut(FixedPointBlock block, bool structural = false)
    {
        ArgumentNullException.ThrowIfNull(block);
        Layers.ResidualAddLayer skip = block.Block.Skip ?? throw new ArgumentException($"block {block.Block.Index} has no shortcut", nameof(block));
        BlockMatrix s = Compose(block.SkipLayers, skip.SourceShape.Size, structural);
        long m = structural ? 1 : block.SkipMultiplier;
        return new BlockMatrix(s.Rows, s.Columns, [.. s.Weights.Select(w => checked(w * m))], [.. s.Bias.Select(b => checked(b * m))]);
    }

    private static BlockMatrix Compose(FixedPointBlock block, bool structural)
    {
        ArgumentNullException.ThrowIfNull(block);
        return Compose(block.Layers, block.Layers[0].Layer.Input.Size, structural);
    }

    private static BlockMatrix Compose(IReadOnlyList<QuantizedLayer> layers, int columns, bool structural)
    {
        // rows[o] maps the block input to output o of the layers so far, as a sparse row (the identity at first);
        // convolutions and pools touch few inputs per output, so sparse rows keep composition cheap.
        Dictionary<int, long>[] rows = Enumerable.Range(0, columns).Select(i => new Dictionary<int, long> { [i] = 1 }).ToArray();
        long[] bias = new long[columns];
        foreach (QuantizedLayer q in layers)
        {
            var next = new Dictionary<int, long>[q.Layer.Output.Size];
            for (int o = 0; o < next.Length; o++)
            {
                next[o] = [];
            }

            long[] weights = q.Weights;
            q.Layer.VisitTerms((o, i, w) =>
            {
                long coefficient = w < 0 || structural ? 1 : weights[w];
                if (coefficient == 0)
                {
                    return;
                }

                Dictionary<int, long> target = next[o];
                foreach ((int c, long v) in rows[i])
                {
                    target[c] = checked(target.GetValueOrDefault(c) + (coefficient * v));
                }
            });
            bias = q.Apply(bias);
            rows = next;
        }

        var dense = new long[rows.Length * (long)columns];
        for (int o = 0; o < rows.Length; o++)
        {
            foreach ((int c, long v) in rows[o])
            {
                dense[(o * (long)columns) + c] = v;
            }
        }

        return new BlockMatrix(rows.Length, columns, dense, bias);
    }

    /// <summary>W·x + b in checked 64-bit integers.</summary>
    public long[] Apply(ReadOnlySpan<long> x)
    {
        if (x.Length != Columns)
        {
            throw new ArgumentException($"The block takes {Columns} inputs, not {x.Length}.", nameof(x));
        }

        var y = new long[Rows];
        for (int o = 0; o < Rows; o++)
        {
            long acc = Bias[o];
            ReadOnlySpan<long> row = Weights.AsSpan(o * Columns, Columns);
            for (int c = 0; c < Columns; c++)
            {
                acc = checked(acc + (row[c] * x[c]));
            }

            y[o] = acc;
        }

        return y;
    }
}
