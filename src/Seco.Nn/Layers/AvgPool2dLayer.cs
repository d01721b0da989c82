using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>
/// Average pooling with a fixed divisor kH·kW (zero padding counts towards the divisor, i.e. ONNX
/// AveragePool with count_include_pad = 1, or a Pad node before it). Evaluated as sum pooling;
/// the divisor is applied by the reference that runs it (see <see cref="LinearLayer.Apply{T}"/>).
/// </summary>
public sealed class AvgPool2dLayer : LinearLayer
{
    public AvgPool2dLayer(string name, Shape input, int kernelH, int kernelW, int strideH, int strideW, Padding2d padding)
        : base(name, input, Conv2dLayer.OutputShape(name, input, input.Channels, kernelH, kernelW, strideH, strideW, padding))
    {
        if ((long)kernelH * kernelW > MaxWindow)
            throw new ArgumentException($"layer '{name}': a {kernelH}×{kernelW} window has more than {MaxWindow} values (its divisor would overflow)");
        KernelH = kernelH;
        KernelW = kernelW;
        StrideH = strideH;
        StrideW = strideW;
        Padding = padding;
    }

    /// <summary>The largest divisor kH·kW (2^30; a wider window over a padded input wrapped the int divisor).</summary>
    public const int MaxWindow = 1 << 30;

    public int KernelH { get; }
    public int KernelW { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public Padding2d Padding { get; }

    public override string Kind => "AvgPool2d";

    public override bool HasWeights => false;

    public override int PoolDivisor => KernelH * KernelW;

    public override string Details =>
        $"{KernelH}×{KernelW}, stride {StrideH}×{StrideW}" + (Padding.IsZero ? "" : $", pad {Padding}");

    public override T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        CheckInput(input);
        int ih = Input.Height, iw = Input.Width;
        int oh = Output.Height, ow = Output.Width;
        var y = new T[Output.Size];
        for (int ch = 0; ch < Output.Channels; ch++)
        {
            for (int r = 0; r < oh; r++)
            {
                for (int c = 0; c < ow; c++)
                {
                    T acc = T.Zero;
                    for (int u = 0; u < KernelH; u++)
                    {
                        int row = r * StrideH + u - Padding.Top;
                        if ((uint)row >= (uint)ih) continue;
                        for (int v = 0; v < KernelW; v++)
                        {
                            int col = c * StrideW + v - Padding.Left;
                            if ((uint)col >= (uint)iw) continue;
                            acc = checked(acc + input[(ch * ih + row) * iw + col]);
                        }
                    }
                    y[(ch * oh + r) * ow + c] = acc;
                }
            }
        }
        return y;
    }

    public override void VisitTerms(TermVisitor visit)
    {
        int ih = Input.Height, iw = Input.Width, oh = Output.Height, ow = Output.Width;
        for (int ch = 0; ch < Output.Channels; ch++)
            for (int r = 0; r < oh; r++)
                for (int c = 0; c < ow; c++)
                {
                    int output = (ch * oh + r) * ow + c, channel = ch;
                    Window2d.Taps(r, c, KernelH, KernelW, StrideH, StrideW, Padding, ih, iw, (row, col, _, _) =>
                        visit(output, (channel * ih + row) * iw + col, -1));
                }
    }
}
