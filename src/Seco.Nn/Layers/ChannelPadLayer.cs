using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>
/// Zero channels added before and after the input's channels (an ONNX <c>Pad</c> on the channel axis): the
/// padding half of ResNet's shortcut option A, which widens the shortcut to the block's new channel count.
/// </summary>
public sealed class ChannelPadLayer : LinearLayer
{
    public ChannelPadLayer(string name, Shape input, int before, int after)
        : base(name, input, new Shape(checked(input.Channels + before + after), input.Height, input.Width))
    {
        if (before < 0 || after < 0)
            throw new ArgumentException($"channel pad '{name}': negative padding ({before}, {after})");
        Before = before;
        After = after;
    }

    public int Before { get; }
    public int After { get; }

    public override string Kind => "ChannelPad";

    public override bool HasWeights => false;

    public override string Details => $"+{Before} channels before, +{After} after: {Input} → {Output}";

    public override T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        CheckInput(input);
        var y = new T[Output.Size];
        input.CopyTo(y.AsSpan(Before * Input.Height * Input.Width));
        return y;
    }

    public override void VisitTerms(TermVisitor visit)
    {
        int offset = Before * Input.Height * Input.Width;
        for (int i = 0; i < Input.Size; i++) visit(offset + i, i, -1);
    }
}
