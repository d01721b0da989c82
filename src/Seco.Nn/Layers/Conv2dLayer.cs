using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>Zero padding of a 2-D window operation: rows added on top/bottom, columns left/right.</summary>
public readonly record struct Padding2d(int Top, int Left, int Bottom, int Right)
{
    public static Padding2d None => default;

    public bool IsZero => Top == 0 && Left == 0 && Bottom == 0 && Right == 0;

    public Padding2d Plus(Padding2d other) =>
        new(Top + other.Top, Left + other.Left, Bottom + other.Bottom, Right + other.Right);

    public override string ToString() => $"[{Top},{Left},{Bottom},{Right}]";
}

/// <summary>
/// 2-D convolution (cross-correlation, as ONNX Conv) with weights [outC, inC, kH, kW], a bias per
/// output channel, stride and zero padding. Groups and dilation other than 1 are rejected at import.
/// </summary>
public sealed class Conv2dLayer : LinearLayer
{
    private readonly double[] _weights;
    private readonly double[] _bias;

    public Conv2dLayer(string name, Shape input, int outChannels, int kernelH, int kernelW,
        int strideH, int strideW, Padding2d padding, double[] weights, double[] bias)
        : base(name, input, OutputShape(name, input, outChannels, kernelH, kernelW, strideH, strideW, padding))
    {
        if (weights.Length != (long)outChannels * input.Channels * kernelH * kernelW)
            throw new ArgumentException($"conv layer '{name}': {weights.Length} weights for {outChannels}×{input.Channels}×{kernelH}×{kernelW}");
        if (bias.Length != outChannels)
            throw new ArgumentException($"conv layer '{name}': {bias.Length} biases for {outChannels} output channels");
        KernelH = kernelH;
        KernelW = kernelW;
        StrideH = strideH;
        StrideW = strideW;
        Padding = padding;
        _weights = weights;
        _bias = bias;
    }

    public int KernelH { get; }
    public int KernelW { get; }
    public int StrideH { get; }
    public int StrideW { get; }
    public Padding2d Padding { get; }

    public override string Kind => "Conv2d";

    public override bool HasWeights => true;

    public override ReadOnlySpan<double> Weights => _weights;

    public override ReadOnlySpan<double> Bias => _bias;

    public override long ParameterCount => _weights.Length + _bias.Length;

    public override string Details =>
        $"{KernelH}×{KernelW}, {Input.Channels}→{Output.Channels} ch, stride {StrideH}×{StrideW}" +
        (Padding.IsZero ? "" : $", pad {Padding}");

    internal static Shape OutputShape(string name, Shape input, int channels, int kh, int kw, int sh, int sw, Padding2d pad)
    {
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1)
            throw new ArgumentException($"layer '{name}': kernel and stride must be positive");
        int h = input.Height + pad.Top + pad.Bottom - kh;
        int w = input.Width + pad.Left + pad.Right - kw;
        if (h < 0 || w < 0)
            throw new ArgumentException($"layer '{name}': kernel {kh}×{kw} larger than padded input {input}");
        return new Shape(channels, h / sh + 1, w / sw + 1);
    }

    public override T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        CheckInput(input);
        int ic = Input.Channels, ih = Input.Height, iw = Input.Width;
        int oc = Output.Channels, oh = Output.Height, ow = Output.Width;
        var y = new T[Output.Size];
        for (int o = 0; o < oc; o++)
        {
            for (int r = 0; r < oh; r++)
            {
                for (int c = 0; c < ow; c++)
                {
                    T acc = bias[o];
                    for (int i = 0; i < ic; i++)
                    {
                        for (int u = 0; u < KernelH; u++)
                        {
                            int row = r * StrideH + u - Padding.Top;
                            if ((uint)row >= (uint)ih) continue; // zero padding
                            int wBase = ((o * ic + i) * KernelH + u) * KernelW;
                            int xBase = (i * ih + row) * iw;
                            for (int v = 0; v < KernelW; v++)
                            {
                                int col = c * StrideW + v - Padding.Left;
                                if ((uint)col >= (uint)iw) continue;
                                acc = checked(acc + weights[wBase + v] * input[xBase + col]);
                            }
                        }
                    }
                    y[(o * oh + r) * ow + c] = acc;
                }
            }
        }
        return y;
    }

    public override void VisitTerms(TermVisitor visit)
    {
        int ic = Input.Channels, ih = Input.Height, iw = Input.Width, oh = Output.Height, ow = Output.Width;
        for (int o = 0; o < Output.Channels; o++)
            for (int r = 0; r < oh; r++)
                for (int c = 0; c < ow; c++)
                    for (int i = 0; i < ic; i++)
                    {
                        int output = (o * oh + r) * ow + c, channel = i, wBase = (o * ic + i) * KernelH;
                        Window2d.Taps(r, c, KernelH, KernelW, StrideH, StrideW, Padding, ih, iw, (row, col, u, v) =>
                            visit(output, (channel * ih + row) * iw + col, (wBase + u) * KernelW + v));
                    }
    }
}
