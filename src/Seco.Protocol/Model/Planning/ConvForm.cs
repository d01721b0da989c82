using Seco.Lattice.Linear;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;

namespace Seco.Protocol.Model.Planning;

/// <summary>
/// A block's main branch as one convolution, for the channel-packed form (<see cref="ConvPacked"/>): a Conv2d followed
/// only by average pools without padding and a flatten. Sum-pooling a convolution is again a convolution — pooling
/// k×k with stride s_p after a K×K conv with stride s reads a (K + s(k − 1))-wide window with stride s·s_p, each weight
/// the sum of the kernel taps it covers, the bias k² times — so MiniONN's and LeNet's conv + 2×2 pool blocks become one
/// 6×6 stride-2 convolution, exactly (integer weights, no rounding).
/// </summary>
public sealed record ConvForm(ConvShape Shape, long[] Weights, long[] Bias)
{
    /// <summary>The block's main branch as one convolution, or null with the reason it is not one.</summary>
    public static ConvForm? Of(FixedPointBlock block, out string reason)
    {
        ArgumentNullException.ThrowIfNull(block);
        IReadOnlyList<QuantizedLayer> layers = block.Layers;
        if (layers[0].Layer is not Conv2dLayer conv)
        {
            reason = $"starts with {layers[0].Layer.Kind}, not Conv2d";
            return null;
        }

        Shape input = conv.Input;
        var shape = new ConvShape(input.Channels, input.Height, input.Width, conv.Output.Channels, conv.KernelH, conv.KernelW,
            conv.StrideH, conv.StrideW, conv.Padding.Top, conv.Padding.Left, conv.Padding.Bottom, conv.Padding.Right);
        long[] w = layers[0].Weights, b = layers[0].Bias;
        foreach (QuantizedLayer q in layers.Skip(1))
        {
            switch (q.Layer)
            {
                case FlattenLayer:
                    continue;
                case AvgPool2dLayer pool when pool.Padding.IsZero && !q.Layer.Input.IsVector:
                    (shape, w, b) = Pooled(shape, w, b, pool);
                    if (shape.OutHeight != pool.Output.Height || shape.OutWidth != pool.Output.Width)
                    {
                        reason = $"the pool '{pool.Name}' does not compose with the convolution into one window ({pool.Details})";
                        return null;
                    }

                    continue;
                default:
                    reason = $"{q.Layer.Kind} '{q.Layer.Name}' follows the convolution";
                    return null;
            }
        }

        reason = "";
        return new ConvForm(shape, w, b);
    }

    /// <summary>conv(K, s) then a k×k sum pool with stride s_p: conv(K + s(k − 1), s·s_p).</summary>
    private static (ConvShape, long[], long[]) Pooled(ConvShape s, long[] w, long[] b, AvgPool2dLayer pool)
    {
        int kh = s.KernelH + (s.StrideH * (pool.KernelH - 1)), kw = s.KernelW + (s.StrideW * (pool.KernelW - 1));
        var composed = new long[s.OutChannels * s.InChannels * kh * kw];
        for (int oi = 0; oi < s.OutChannels * s.InChannels; oi++)
        {
            for (int p = 0; p < pool.KernelH; p++)
            {
                for (int q = 0; q < pool.KernelW; q++)
                {
                    for (int u = 0; u < s.KernelH; u++)
                    {
                        for (int v = 0; v < s.KernelW; v++)
                        {
                            int at = (((oi * kh) + (s.StrideH * p) + u) * kw) + (s.StrideW * q) + v;
                            composed[at] = checked(composed[at] + w[(((oi * s.KernelH) + u) * s.KernelW) + v]);
                        }
                    }
                }
            }
        }

        long k = pool.KernelH * pool.KernelW;
        var shape = s with { KernelH = kh, KernelW = kw, StrideH = s.StrideH * pool.StrideH, StrideW = s.StrideW * pool.StrideW };
        return (shape, composed, [.. b.Select(v => checked(v * k))]);
    }
}
