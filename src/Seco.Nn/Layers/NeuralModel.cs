namespace Seco.Nn.Layers;

/// <summary>
/// A feed-forward network as a chain of layers, grouped into <see cref="LayerBlock"/>s. Building
/// one checks that shapes chain, that every ReLU follows a linear layer and that the model ends
/// with a linear layer (the logits), so every later stage may rely on that structure.
/// </summary>
public sealed class NeuralModel
{
    public NeuralModel(string name, Shape input, IReadOnlyList<Layer> layers)
    {
        if (layers.Count == 0)
            throw new ModelFormatException($"{name}: the model has no layers");
        Name = name;
        Input = input;
        Layers = layers;
        Blocks = GroupIntoBlocks(name, input, layers);
    }

    public string Name { get; }

    public Shape Input { get; }

    public Shape Output => Layers[^1].Output;

    public IReadOnlyList<Layer> Layers { get; }

    public IReadOnlyList<LayerBlock> Blocks { get; }

    public long ParameterCount => Layers.Sum(l => l.ParameterCount);

    /// <summary>The valid split points l: 0 (all remote) to the number of blocks (all on the gateway).</summary>
    public int MaxSplit => Blocks.Count;

    private static List<LayerBlock> GroupIntoBlocks(string name, Shape input, IReadOnlyList<Layer> layers)
    {
        var blocks = new List<LayerBlock>();
        var run = new List<LinearLayer>();
        var blockInputs = new List<Shape> { input }; // blockInputs[j - 1]: the input of block j
        ResidualAddLayer? skip = null;
        Shape expected = input;
        foreach (Layer layer in layers)
        {
            if (layer.Input != expected)
                throw new ModelFormatException(
                    $"{name}: layer '{layer.Name}' ({layer.Kind}) expects input {layer.Input} but the previous layer produces {expected}");
            expected = layer.Output;
            if (skip is not null && layer is not ReluLayer)
                throw new ModelFormatException(
                    $"{name}: layer '{layer.Name}' ({layer.Kind}) follows the residual add '{skip.Name}'; only a ReLU may follow a residual add");
            switch (layer)
            {
                case LinearLayer linear:
                    run.Add(linear);
                    break;
                case ReluLayer relu when run.Count == 0:
                    throw new ModelFormatException(
                        $"{name}: ReLU '{relu.Name}' does not follow a linear layer (each ReLU must close a run of linear layers)");
                case ReluLayer relu:
                    blocks.Add(new LayerBlock(blocks.Count + 1, run.ToArray(), relu, skip));
                    blockInputs.Add(relu.Output);
                    run.Clear();
                    skip = null;
                    break;
                case ResidualAddLayer add when run.Count == 0 || run.All(l => !l.HasWeights):
                    throw new ModelFormatException(
                        $"{name}: residual add '{add.Name}' needs a Conv or Dense layer on the block's main branch before it");
                case ResidualAddLayer add when add.Source > blocks.Count + 1:
                    throw new ModelFormatException(
                        $"{name}: residual add '{add.Name}' reads the input of block {add.Source}, which comes after its own block {blocks.Count + 1}");
                case ResidualAddLayer add when add.SourceShape != blockInputs[add.Source - 1]:
                    throw new ModelFormatException(
                        $"{name}: residual add '{add.Name}' expects block {add.Source}'s input to be {add.SourceShape}, but it is {blockInputs[add.Source - 1]}");
                case ResidualAddLayer add:
                    skip = add;
                    break;
                default:
                    throw new ModelFormatException($"{name}: layer '{layer.Name}' of kind {layer.Kind} is not supported");
            }
        }
        if (skip is not null)
            throw new ModelFormatException($"{name}: the residual add '{skip.Name}' ends the model; a residual add must be followed by a ReLU (the logits block has none)");
        if (run.Count == 0 || run.All(l => !l.HasWeights))
            throw new ModelFormatException(
                $"{name}: the model must end with a Dense or Conv layer producing the logits (the last layer of SECO is linear, paper §VI-D)");
        blocks.Add(new LayerBlock(blocks.Count + 1, run.ToArray(), relu: null));
        return blocks;
    }

    /// <summary>Whether any block adds a residual shortcut (the model is not a plain chain).</summary>
    public bool HasSkips => Blocks.Any(b => b.HasSkip);
}
