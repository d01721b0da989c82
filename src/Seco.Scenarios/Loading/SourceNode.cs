namespace Seco.Scenarios.Loading;

/// <summary>
/// A node of the YAML document with its position. We build our own small tree from the parser's
/// events rather than use YamlDotNet's representation model, because that model throws on the
/// first duplicate key and we want to report every problem in one pass.
/// </summary>
internal abstract class SourceNode(SourceLocation location)
{
    public SourceLocation Location { get; } = location;

    /// <summary>What this node is, for "expected X, got Y" messages.</summary>
    public abstract string Describe();
}
