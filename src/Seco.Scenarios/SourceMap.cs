using System.Collections.ObjectModel;

namespace Seco.Scenarios;

/// <summary>
/// Where each field of a loaded scenario came from: field path (as in <see cref="ScenarioError.Path"/>,
/// e.g. <c>split</c> or <c>hierarchy.tiers[0]</c>) to its position in the file. Checks that need
/// more than the file itself (the split against the model's block count, the hierarchy against
/// what the protocol version supports) use it to report errors in the loader's format.
/// </summary>
public sealed class SourceMap
{
    // A private copy behind a read-only view: an ImmutableDictionary (a balanced tree) cost a
    // large file of links or failures far more to build than the rest of loading.
    private readonly ReadOnlyDictionary<string, SourceLocation> _locations;

    public SourceMap(string file, IEnumerable<KeyValuePair<string, SourceLocation>> locations)
    {
        ArgumentNullException.ThrowIfNull(file);
        File = file;
        _locations = new Dictionary<string, SourceLocation>(locations, StringComparer.Ordinal).AsReadOnly();
    }

    /// <summary>A map for a scenario built in code: every lookup gives <see cref="SourceLocation.None"/>.</summary>
    public static SourceMap Empty(string file) => new(file, []);

    /// <summary>The file name as given to the loader (used verbatim in error messages).</summary>
    public string File { get; }

    public IReadOnlyDictionary<string, SourceLocation> Locations => _locations;

    /// <summary>
    /// The position of <paramref name="path"/>, or of its nearest recorded ancestor
    /// (<c>a.b[2].c</c> → <c>a.b[2]</c> → <c>a.b</c> → <c>a</c>); <see cref="SourceLocation.None"/> if none.
    /// </summary>
    public SourceLocation Locate(string path)
    {
        for (string? p = path; !string.IsNullOrEmpty(p); p = Parent(p))
        {
            if (_locations.TryGetValue(p, out SourceLocation location))
                return location;
        }
        return SourceLocation.None;
    }

    /// <summary>An error about <paramref name="path"/>, positioned with <see cref="Locate"/>.</summary>
    public ScenarioError ErrorAt(string path, string message)
    {
        SourceLocation at = Locate(path);
        return new ScenarioError(File, at.Line, at.Column, path, message);
    }

    private static string? Parent(string path)
    {
        int cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut <= 0 ? null : path[..cut];
    }
}
