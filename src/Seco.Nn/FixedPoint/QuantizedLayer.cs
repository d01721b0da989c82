using Seco.Nn.Layers;

namespace Seco.Nn.FixedPoint;

/// <summary>
/// A linear layer with integer weights: weights at scale 2^f, the bias at the layer's output
/// scale (input scale + f), so W·x + b is exact integer arithmetic at one scale.
/// </summary>
public sealed class QuantizedLayer
{
    internal QuantizedLayer(LinearLayer layer, long[] weights, long[] bias, int inputScaleBits, int outputScaleBits)
    {
        Layer = layer;
        Weights = weights;
        Bias = bias;
        InputScaleBits = inputScaleBits;
        OutputScaleBits = outputScaleBits;
    }

    public LinearLayer Layer { get; }

    public long[] Weights { get; }

    public long[] Bias { get; }

    public int InputScaleBits { get; }

    public int OutputScaleBits { get; }

    /// <summary>W·x + b in exact 64-bit integers (checked: an overflow throws, it never wraps).</summary>
    public long[] Apply(ReadOnlySpan<long> input) => Layer.Apply<long>(input, Weights, Bias);
}
