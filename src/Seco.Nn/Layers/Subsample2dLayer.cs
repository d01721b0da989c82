using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>
/// Strided selection on the spatial axes, <c>x[:, :, h0::sh, w0::sw]</c> (an ONNX <c>Slice</c> with steps): the
/// subsampling half of ResNet's shortcut option A (He et al. 2016, §4.2). It has no weights, so it keeps the
/// fixed-point scale; each output is one input value.
/// </summary>
public sealed class Subsample2dLayer : LinearLayer
{
    public Subsample2dLayer(string name, Shape input, int startH, int startW, int stepH, int stepW)
        : base(name, input, OutputShape(name, input, startH, startW, stepH, stepW))
    {
        StartH = startH;
        StartW = startW;
        StepH = stepH;
        StepW = stepW;
    }

    public int StartH { get; }
    public int StartW { get; }
    public int StepH { get; }
    public int StepW { get; }

    public override string Kind => "Subsample2d";

    public override bool HasWeights => false;

    public override string Details => $"every {StepH}×{StepW} from ({StartH},{StartW}): {Input} → {Output}";

    private static Shape OutputShape(string name, Shape input, int startH, int startW, int stepH, int stepW)
    {
        if (stepH < 1 || stepW < 1 || startH < 0 || startW < 0 || startH >= input.Height || startW >= input.Width)
            throw new ArgumentException($"subsample '{name}': start ({startH},{startW}) and step ({stepH},{stepW}) do not select from {input}");
        return new Shape(input.Channels, (input.Height - startH + stepH - 1) / stepH, (input.Width - startW + stepW - 1) / stepW);
    }

    /// <summary>The input index that output <paramref name="o"/> copies.</summary>
    private int Source(int o)
    {
        int ow = Output.Width, oh = Output.Height;
        int c = o % ow, r = o / ow % oh, ch = o / (ow * oh);
        return (ch * Input.Height + StartH + r * StepH) * Input.Width + StartW + c * StepW;
    }

    public override T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        CheckInput(input);
        var y = new T[Output.Size];
        for (int o = 0; o < y.Length; o++) y[o] = input[Source(o)];
        return y;
    }

    public override void VisitTerms(TermVisitor visit)
    {
        for (int o = 0; o < Output.Size; o++) visit(o, Source(o), -1);
    }
}
