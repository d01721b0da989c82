using System.Globalization;
using System.Text;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// One number a paper published, as a row of a sweep's <c>paper:</c> file (docs/sweeps.md, "Published values"): either
/// the value of a results.csv measure for one protocol (<see cref="Versus"/> null), or the ratio
/// measure(<see cref="Versus"/>) / measure(<see cref="Protocol"/>) — "SECO's user participation is up to 9.9× lower than
/// DELPHI's" is protocol seco, versus delphi, split max, value 9.9.
/// </summary>
/// <param name="Model">The model's label (file name without extension); null: every model of the sweep.</param>
/// <param name="Split">The split; null with <paramref name="MaxOverSplits"/> false: every split the sweep ran.</param>
/// <param name="MaxOverSplits">The claim is the largest ratio over the splits ("up to").</param>
/// <param name="Line">The claim's line in its file, for messages.</param>
public sealed record PublishedClaim(string Claim, string Measure, InferenceProtocol Protocol, InferenceProtocol? Versus, string? Model, int? Split,
    bool MaxOverSplits, double Value, string Source, int Line)
{
    public bool IsRatio => Versus is not null;
}

/// <summary>Reads a sweep's published-values file: CSV with the header <see cref="Header"/>, every field checked.</summary>
public static class PublishedClaims
{
    public static IReadOnlyList<string> Header { get; } = ["claim", "measure", "protocol", "versus", "model", "split", "value", "source"];

    /// <summary>Enough for any paper's tables; a file past it is not a list of published numbers.</summary>
    public const int MaxBytes = 1 << 20;

    /// <exception cref="ScenarioValidationException">Every problem, as <c>file:line:column: column: message</c>.</exception>
    public static IReadOnlyList<PublishedClaim> Load(string path, string shown)
    {
        var info = new FileInfo(path);
        if (info.Length > MaxBytes)
            throw Invalid([new ScenarioError(shown, 1, 1, "", $"the file is {info.Length:N0} bytes; a published-values file is limited to {MaxBytes:N0}")]);
        return Parse(File.ReadAllText(path, Encoding.UTF8), shown);
    }

    public static IReadOnlyList<PublishedClaim> Parse(string text, string shown)
    {
        ArgumentNullException.ThrowIfNull(text);
        var errors = new List<ScenarioError>();
        var claims = new List<PublishedClaim>();
        string[] lines = text.ReplaceLineEndings("\n").Split('\n');
        if (lines.Length == 0 || !Fields(lines[0]).SequenceEqual(Header))
            throw Invalid([new ScenarioError(shown, 1, 1, "", $"the first line must be the header {string.Join(",", Header)}")]);
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0 || lines[i].StartsWith('#'))
                continue;
            int line = i + 1;
            string[] f = Fields(lines[i]);
            void Error(string column, string message) => errors.Add(new ScenarioError(shown, line, 1, column, message));
            if (f.Length != Header.Count)
            {
                Error("", $"{f.Length} fields; a claim has {Header.Count} ({string.Join(",", Header)})");
                continue;
            }
            int before = errors.Count;
            if (f[0].Length == 0) Error("claim", "empty: name the claim (\"Table II SECO MiniONN time\")");
            if (SweepMeasures.Find(f[1]) is null) Error("measure", $"unknown measure '{Printable.Shorten(f[1], 40)}' (a results.csv column, docs/sweeps.md)");
            InferenceProtocol? protocol = InferenceProtocols.Parse(f[2]);
            if (protocol is null) Error("protocol", $"unknown protocol '{Printable.Shorten(f[2], 40)}' ({string.Join(", ", InferenceProtocols.Names)})");
            InferenceProtocol? versus = f[3].Length == 0 ? null : InferenceProtocols.Parse(f[3]);
            if (f[3].Length > 0 && versus is null) Error("versus", $"unknown protocol '{Printable.Shorten(f[3], 40)}' ({string.Join(", ", InferenceProtocols.Names)})");
            if (versus is not null && versus == protocol) Error("versus", "a ratio compares two different protocols");
            bool max = f[5] == "max";
            int? split = null;
            if (f[5].Length > 0 && !max)
            {
                if (int.TryParse(f[5], NumberStyles.None, CultureInfo.InvariantCulture, out int s)) split = s;
                else Error("split", $"'{Printable.Shorten(f[5], 40)}' is not a split: a whole number, 'max' (the largest ratio over the splits) or empty (every split)");
            }
            if (max && versus is null) Error("split", "'max' is for a ratio (give versus)");
            if (!double.TryParse(f[6], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value <= 0)
                Error("value", $"'{Printable.Shorten(f[6], 40)}' is not a positive number (seconds, bytes or a ratio)");
            if (errors.Count == before)
                claims.Add(new PublishedClaim(f[0], f[1], protocol!.Value, versus, f[4].Length == 0 ? null : f[4], split, max, value, f[7], line));
        }
        if (errors.Count > 0) throw Invalid(errors);
        return claims;
    }

    private static ScenarioValidationException Invalid(List<ScenarioError> errors) =>
        new([.. errors.Take(ScenarioLimits.Default.MaxErrors)], Math.Max(0, errors.Count - ScenarioLimits.Default.MaxErrors));

    /// <summary>One CSV record's fields (RFC 4180 quoting; a record on one line).</summary>
    private static string[] Fields(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
