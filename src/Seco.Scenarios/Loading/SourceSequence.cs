namespace Seco.Scenarios.Loading;

internal sealed class SourceSequence(SourceLocation location, IReadOnlyList<SourceNode> items) : SourceNode(location)
{
    public IReadOnlyList<SourceNode> Items { get; } = items;

    public override string Describe() => "a list";
}
