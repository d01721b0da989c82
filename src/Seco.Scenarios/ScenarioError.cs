namespace Seco.Scenarios;

/// <summary>
/// One problem in a scenario file: where it is (file, 1-based line and column), which field
/// (a path such as <c>hierarchy.tiers[0].servers[1]</c>, empty for a problem with the file as a
/// whole) and what is wrong. <see cref="ToString"/> gives the one-line form that compilers use,
/// <c>scenarios/x.yaml:7:3: hierarchy.tiers[0].servrs: unknown key (did you mean 'servers'?)</c>,
/// so editors and CI logs can jump to it.
/// </summary>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Message)
{
    public SourceLocation Location => new(Line, Column);

    public override string ToString()
    {
        string where = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Path.Length == 0 ? $"{where}: {Message}" : $"{where}: {Path}: {Message}";
    }
}
