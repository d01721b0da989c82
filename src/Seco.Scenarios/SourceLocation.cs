namespace Seco.Scenarios;

/// <summary>
/// A 1-based line and column in a scenario file. <see cref="None"/> (0:0) marks a value that did
/// not come from a file (a scenario built in code).
/// </summary>
public readonly record struct SourceLocation(int Line, int Column)
{
    public static SourceLocation None => default;

    public bool IsKnown => Line > 0;

    public override string ToString() => IsKnown ? $"{Line}:{Column}" : "?";
}
