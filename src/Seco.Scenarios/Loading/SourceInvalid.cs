namespace Seco.Scenarios.Loading;

/// <summary>
/// Stands in for a node that has already been reported (an alias, a too-deep nesting); readers
/// skip it without a second error.
/// </summary>
internal sealed class SourceInvalid(SourceLocation location) : SourceNode(location)
{
    public override string Describe() => "an invalid value";
}
