namespace Seco.Nn.Layers;

/// <summary>ReLU, the activation that closes a <see cref="LayerBlock"/> (evaluated inside a garbled circuit).</summary>
public sealed class ReluLayer : Layer
{
    public ReluLayer(string name, Shape shape) : base(name, shape, shape) { }

    public override string Kind => "ReLU";
}
