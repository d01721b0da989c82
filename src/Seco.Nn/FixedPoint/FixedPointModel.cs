using Seco.Nn.Layers;

namespace Seco.Nn.FixedPoint;

/// <summary>
/// A <see cref="NeuralModel"/> quantised to fixed point with f fractional bits (docs/fixed-point.md).
/// Weights become round(w · 2^f); a bias becomes round(b · 2^s) where s is the scale of its
/// layer's output; the input is round(x · 2^f).
/// </summary>
public sealed class FixedPointModel
{
    public FixedPointModel(NeuralModel model, FixedPointFormat format)
    {
        Model = model;
        Format = format;
        int f = format.FractionalBits;
        var blocks = new List<FixedPointBlock>();
        foreach (LayerBlock block in model.Blocks)
        {
            blocks.Add(new FixedPointBlock(block, QuantizeRun(block.Linear, f), block.Skip is { } skip ? QuantizeRun(skip.Branch, f) : null, f));
        }
        Blocks = blocks;
    }

    public NeuralModel Model { get; }

    public FixedPointFormat Format { get; }

    public IReadOnlyList<FixedPointBlock> Blocks { get; }

    /// <summary>The scale of the logits (the last block is never truncated).</summary>
    public int LogitScaleBits => Blocks[^1].OutputScaleBits;

    /// <summary>The logits are additionally multiplied by any pooling divisor of the last block.</summary>
    public long LogitPoolDivisor => Blocks[^1].Block.PoolDivisor;

    /// <summary>The real value of a logit.</summary>
    public double DecodeLogit(long logit) => FixedPointFormat.Decode(logit, LogitScaleBits) / LogitPoolDivisor;

    /// <summary>
    /// A run of linear layers from activations at scale 2^f: each weighted layer adds f bits. Average pools sum
    /// (their divisor is deferred to the truncation), so the values after a pool carry its divisor too, and a later
    /// layer's bias is quantised at its output scale times the pooling divisors so far (ResNet's global average pool
    /// feeds the logits' dense layer inside one block).
    /// </summary>
    private static List<QuantizedLayer> QuantizeRun(IReadOnlyList<LinearLayer> run, int f)
    {
        int scale = f; // every block (and every shortcut) starts from activations at scale 2^f
        long pooled = 1;
        var layers = new List<QuantizedLayer>();
        foreach (LinearLayer layer in run)
        {
            int outScale = layer.HasWeights ? scale + f : scale;
            long[] w = Quantize(layer.Weights, f, layer);
            long[] b = Quantize(Scaled(layer.Bias, pooled), outScale, layer);
            if (pooled > long.MaxValue / layer.PoolDivisor)
                throw new ModelFormatException(
                    $"layer '{layer.Name}' ({layer.Kind}): the product of the pooling divisors up to this layer exceeds 64 bits");
            pooled *= layer.PoolDivisor;
            layers.Add(new QuantizedLayer(layer, w, b, scale, outScale));
            scale = outScale;
        }
        return layers;
    }

    private static double[] Scaled(ReadOnlySpan<double> values, long factor)
    {
        var scaled = values.ToArray();
        for (int i = 0; i < scaled.Length; i++) scaled[i] *= factor;
        return scaled;
    }

    private static long[] Quantize(ReadOnlySpan<double> values, int scaleBits, LinearLayer layer)
    {
        var q = new long[values.Length];
        for (int i = 0; i < q.Length; i++)
        {
            // past 2^63 Quantize throws OverflowException; anything that large exceeds p/2 anyway
            long v = Math.Abs(Math.ScaleB(values[i], scaleBits)) < 9e18 ? FixedPointFormat.Quantize(values[i], scaleBits) : long.MaxValue;
            if (Math.Abs(v) > Field.PrimeField.HalfP)
                throw new ModelFormatException(
                    $"layer '{layer.Name}' ({layer.Kind}): parameter {values[i]} at scale 2^{scaleBits} exceeds p/2 and cannot be represented in Z_p");
            q[i] = v;
        }
        return q;
    }
}
