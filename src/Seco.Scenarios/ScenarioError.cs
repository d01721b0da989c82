namespace Seco.Scenarios;

/// <summary>
/// One problem in a scenario file (or a cluster configuration file): where it is (file, 1-based
/// line and column), which field (a path such as <c>hierarchy.tiers[0].servers[1]</c>, empty for
/// a problem with the file as a whole) and what is wrong. <see cref="ToString"/> gives the
/// one-line form that compilers use,
/// <c>scenarios/x.yaml:7:3: hierarchy.tiers[0].servrs: unknown key (did you mean 'servers'?)</c>,
/// so editors and CI logs can jump to it.
/// </summary>
/// <remarks>
/// The properties hold the text as found, which may come from a hostile file. <see cref="ToString"/>
/// is what goes to a terminal: it escapes control characters (<see cref="Printable.Escape"/>) in
/// every part, so a key holding <c>ESC ] 0 ; … BEL</c> cannot retitle the terminal, and it cuts an
/// overlong path or message so that one error stays one readable line.
/// </remarks>
public sealed record ScenarioError(string File, int Line, int Column, string Path, string Message)
{
    /// <summary>Longest path and message shown by <see cref="ToString"/>, in characters.</summary>
    public const int MaxShownPath = 200, MaxShownMessage = 600;

    public SourceLocation Location => new(Line, Column);

    public override string ToString()
    {
        string file = Printable.Escape(File);
        string where = Line > 0 ? $"{file}:{Line}:{Column}" : file;
        string message = Printable.Shorten(Message, MaxShownMessage);
        return Path.Length == 0 ? $"{where}: {message}" : $"{where}: {Printable.Shorten(Path, MaxShownPath)}: {message}";
    }
}
