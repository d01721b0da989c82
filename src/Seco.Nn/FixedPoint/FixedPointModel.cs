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
            int scale = f; // every block starts from activations at scale 2^f
            var layers = new List<QuantizedLayer>();
            foreach (LinearLayer layer in block.Linear)
            {
                int outScale = layer.HasWeights ? scale + f : scale;
                long[] w = Quantize(layer.Weights, f, layer);
                long[] b = Quantize(layer.Bias, outScale, layer);
                layers.Add(new QuantizedLayer(layer, w, b, scale, outScale));
                scale = outScale;
            }
            blocks.Add(new FixedPointBlock(block, layers, f));
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

    private static long[] Quantize(ReadOnlySpan<double> values, int scaleBits, LinearLayer layer)
    {
        var q = new long[values.Length];
        for (int i = 0; i < q.Length; i++)
        {
            long v = FixedPointFormat.Quantize(values[i], scaleBits);
            if (Math.Abs(v) > Field.PrimeField.HalfP)
                throw new ModelFormatException(
                    $"layer '{layer.Name}' ({layer.Kind}): parameter {values[i]} at scale 2^{scaleBits} exceeds p/2 and cannot be represented in Z_p");
            q[i] = v;
        }
        return q;
    }
}
