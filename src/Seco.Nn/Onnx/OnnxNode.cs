using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Onnx;

/// <summary>Typed access to one ONNX node's attributes, with errors that name the node.</summary>
internal sealed class OnnxNode
{
    private readonly NodeProto _node;
    private readonly string _source;

    public OnnxNode(NodeProto node, int index, string source)
    {
        _node = node;
        _source = source;
        Name = string.IsNullOrEmpty(node.Name) ? $"#{index}" : node.Name;
    }

    public string Name { get; }

    public string OpType => _node.OpType;

    public IReadOnlyList<string> Inputs => _node.Input;

    public IReadOnlyList<string> Outputs => _node.Output;

    public ModelFormatException Error(string reason) =>
        new($"{_source}: node '{Name}' ({OpType}): {reason}");

    private AttributeProto? Find(string name) => _node.Attribute.FirstOrDefault(a => a.Name == name);

    public bool Has(string name) => Find(name) is not null;

    public long Int(string name, long fallback)
    {
        AttributeProto? a = Find(name);
        if (a is null) return fallback;
        if (a.Type != AttributeProto.Types.AttributeType.Int && !a.HasI)
            throw Error($"attribute '{name}' should be an integer");
        return a.I;
    }

    public float Float(string name, float fallback)
    {
        AttributeProto? a = Find(name);
        if (a is null) return fallback;
        if (a.Type != AttributeProto.Types.AttributeType.Float && !a.HasF)
            throw Error($"attribute '{name}' should be a float");
        return a.F;
    }

    public string String(string name, string fallback)
    {
        AttributeProto? a = Find(name);
        return a is null ? fallback : a.S.ToStringUtf8();
    }

    public long[]? Ints(string name) => Find(name)?.Ints.ToArray();

    public TensorProto? Tensor(string name) => Find(name)?.T;

    /// <summary>Rejects any attribute this importer does not understand, naming it.</summary>
    public void AllowOnly(params string[] known)
    {
        foreach (AttributeProto a in _node.Attribute)
            if (Array.IndexOf(known, a.Name) < 0)
                throw Error($"unsupported attribute '{a.Name}' (supported: {(known.Length == 0 ? "none" : string.Join(", ", known))})");
    }
}
