namespace Seco.Scenarios.Loading;

/// <summary>A mapping in file order, duplicate keys included (the reader reports them with their field path).</summary>
internal sealed class SourceMapping(SourceLocation location, IReadOnlyList<KeyValuePair<SourceNode, SourceNode>> entries) : SourceNode(location)
{
    public IReadOnlyList<KeyValuePair<SourceNode, SourceNode>> Entries { get; } = entries;

    public override string Describe() => "a mapping";
}
