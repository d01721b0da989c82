using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>Flatten (or Reshape to [1, k]): C×H×W → C·H·W in row-major order; the data do not move.</summary>
public sealed class FlattenLayer : LinearLayer
{
    public FlattenLayer(string name, Shape input) : base(name, input, Shape.Vector(input.Size)) { }

    public override string Kind => "Flatten";

    public override bool HasWeights => false;

    public override string Details => $"{Input} → {Output}";

    public override T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        CheckInput(input);
        return input.ToArray();
    }

    public override void VisitTerms(TermVisitor visit)
    {
        for (int i = 0; i < Input.Size; i++)
            visit(i, i, -1);
    }
}
