namespace Seco.Nn.Layers;

/// <summary>
/// The residual connection of a block (He et al. 2016): adds a <i>shortcut</i> — an earlier activation, the input
/// of block <see cref="Source"/>, passed through the linear <see cref="Branch"/> (empty for the identity shortcut;
/// subsample + channel pad for option A; a 1×1 conv with its folded BatchNorm for option B) — to the output of the
/// block's linear layers, just before the block's ReLU. The block's linear part is then the affine map
/// F_i(x_i) + S_i(x_j) of two activations (docs/fixed-point.md, "Residual blocks").
/// </summary>
public sealed class ResidualAddLayer : Layer
{
    public ResidualAddLayer(string name, Shape shape, int source, Shape sourceShape, IReadOnlyList<LinearLayer> branch)
        : base(name, shape, shape)
    {
        if (source < 1) throw new ArgumentException($"residual add '{name}': source block {source} is not a block index");
        Shape at = sourceShape;
        foreach (LinearLayer layer in branch)
        {
            if (layer.Input != at)
                throw new ArgumentException($"residual add '{name}': shortcut layer '{layer.Name}' expects {layer.Input} but gets {at}");
            at = layer.Output;
        }
        if (at != shape)
            throw new ArgumentException($"residual add '{name}': the shortcut gives {at} but the block's main branch gives {shape}");
        Source = source;
        SourceShape = sourceShape;
        Branch = branch;
    }

    /// <summary>The block whose <i>input</i> the shortcut reads (1 = the model input).</summary>
    public int Source { get; }

    public Shape SourceShape { get; }

    /// <summary>The shortcut's linear layers, applied to the source activation (empty: identity).</summary>
    public IReadOnlyList<LinearLayer> Branch { get; }

    public override string Kind => "ResidualAdd";

    public override long ParameterCount => Branch.Sum(l => l.ParameterCount);

    /// <summary>The shortcut in words: "identity", "Subsample2d + ChannelPad", "Conv2d".</summary>
    public string ShortcutKind => Branch.Count == 0 ? "identity" : string.Join(" + ", Branch.Select(l => l.Kind));

    public override string Details => $"+ input of block {Source} ({SourceShape}) via {ShortcutKind}";

    /// <summary>The product of the shortcut's pooling divisors.</summary>
    public long PoolDivisor => Branch.Aggregate(1L, (d, l) => checked(d * l.PoolDivisor));
}
