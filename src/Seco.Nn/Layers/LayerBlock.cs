namespace Seco.Nn.Layers;

/// <summary>
/// A <i>linear block</i>: the run of linear layers between two ReLUs (e.g. conv + avg-pool),
/// followed by its ReLU — what the SECO paper calls "layer i" (paper Algs. 10 and 15
/// process F_i and its ReLU together). The last block of a model produces the logits and has no
/// ReLU. Split points fall between blocks.
/// </summary>
public sealed class LayerBlock
{
    internal LayerBlock(int index, IReadOnlyList<LinearLayer> linear, ReluLayer? relu, ResidualAddLayer? skip = null)
    {
        if (linear.Count == 0)
            throw new ArgumentException("a block needs at least one linear layer", nameof(linear));
        Index = index;
        Linear = linear;
        Relu = relu;
        Skip = skip;
    }

    /// <summary>1-based position of the block in the model (the paper's layer index i).</summary>
    public int Index { get; }

    public IReadOnlyList<LinearLayer> Linear { get; }

    /// <summary>The closing ReLU, or null for the last (logits) block.</summary>
    public ReluLayer? Relu { get; }

    public bool HasRelu => Relu is not null;

    /// <summary>The residual shortcut added before the ReLU, or null for a plain block.</summary>
    public ResidualAddLayer? Skip { get; }

    public bool HasSkip => Skip is not null;

    public Shape Input => Linear[0].Input;

    public Shape Output => Linear[^1].Output;

    /// <summary>The product of the block's average-pooling divisors.</summary>
    public long PoolDivisor => Linear.Aggregate(1L, (d, l) => checked(d * l.PoolDivisor));

    public int WeightedLayerCount => Linear.Count(l => l.HasWeights);

    public long ParameterCount => Linear.Sum(l => l.ParameterCount) + (Skip?.ParameterCount ?? 0);

    public string Describe() =>
        string.Join(" + ", Linear.Where(l => l is not FlattenLayer).Select(l => l.Kind))
        + (Skip is { } s ? $" + shortcut from block {s.Source} ({s.ShortcutKind})" : "")
        + (HasRelu ? " → ReLU" : " (logits)");
}
