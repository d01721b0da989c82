using System.Globalization;

namespace Seco.Scenarios.Loading;

/// <summary>
/// State of one load: the errors found so far, where each field was, and the folder relative
/// paths resolve against. Its Read* methods convert a node to a typed value or report why not
/// (and return null); they stay silent for a node that was already reported.
/// </summary>
/// <param name="kind">Null means <see cref="DocumentKind.Scenario"/>.</param>
internal sealed class LoadContext(string file, string baseDirectory, ScenarioLimits limits, DocumentKind? kind = null)
{
    private readonly ErrorList _errors = new(limits.MaxErrors);
    private readonly Dictionary<string, SourceLocation> _locations = new(StringComparer.Ordinal);

    public string File { get; } = file;

    public string BaseDirectory { get; } = baseDirectory;

    public ScenarioLimits Limits { get; } = limits;

    public DocumentKind Kind { get; } = kind ?? DocumentKind.Scenario;

    /// <summary>How many errors were found, including those not kept; readers compare it before and after.</summary>
    public int ErrorCount => _errors.Count;

    /// <summary>
    /// The first <see cref="ScenarioLimits.MaxErrors"/> errors by position (stable, so
    /// same-position errors keep their order); <see cref="OmittedErrors"/> counts the rest.
    /// </summary>
    public IReadOnlyList<ScenarioError> Errors => _errors.Sorted();

    public int OmittedErrors => _errors.Omitted;

    public void Error(SourceLocation at, string path, string message) =>
        _errors.Add(new ScenarioError(File, at.Line, at.Column, path, message));

    /// <summary>
    /// Reports an error whose message is costly to compose (a spelling hint over many names)
    /// only if it would be kept; otherwise it is just counted.
    /// </summary>
    public void Error(SourceLocation at, string path, Func<string> message) =>
        _errors.Add(new ScenarioError(File, at.Line, at.Column, path, _errors.WouldKeep(at) ? message() : ""));

    /// <summary>An error found in another file this one names (a sweep's base scenario), kept as it is.</summary>
    public void Error(ScenarioError error) => _errors.Add(error);

    /// <summary>Forgets the errors found so far: a syntax error is reported alone.</summary>
    public void DiscardErrors() => _errors.Clear();

    public void Record(string path, SourceNode node) => _locations.TryAdd(path, node.Location);

    public SourceMap SourceMap() => new(File, _locations);

    public void TypeError(SourceNode node, string path, string expected)
    {
        if (node is SourceInvalid)
            return;
        // An integer is a number too: network.latency_ms: "5" also gets the hint.
        string hint = node is SourceScalar { IsQuoted: true } s && Unquoted(s.Value) is { Length: > 0 } unquoted
            && (unquoted == expected || (expected == "a number" && unquoted == "an integer")) ? " (remove the quotes)" : "";
        Error(node.Location, path, $"expected {expected}, got {node.Describe()}{hint}");
    }

    public SourceMapping? ExpectMapping(SourceNode node, string path)
    {
        if (node is SourceMapping mapping)
            return mapping;
        TypeError(node, path, "a mapping");
        return null;
    }

    public SourceSequence? ExpectSequence(SourceNode node, string path)
    {
        if (node is SourceSequence sequence)
            return sequence;
        TypeError(node, path, "a list");
        return null;
    }

    /// <summary>A non-empty string. Plain numbers and booleans are taken as their text.</summary>
    public string? ReadString(SourceNode node, string path)
    {
        if (node is not SourceScalar scalar || scalar.Kind == ScalarKind.Null)
        {
            TypeError(node, path, "a string");
            return null;
        }
        if (string.IsNullOrWhiteSpace(scalar.Value))
        {
            Error(node.Location, path, "must not be empty");
            return null;
        }
        return scalar.Value;
    }

    public bool? ReadBoolean(SourceNode node, string path)
    {
        if (node is SourceScalar { Kind: ScalarKind.Boolean } scalar)
            return scalar.Value is "true" or "True" or "TRUE";
        TypeError(node, path, "a boolean");
        return null;
    }

    public int? ReadInt(SourceNode node, string path, int min, int max = int.MaxValue)
    {
        if (node is not SourceScalar { Kind: ScalarKind.Integer } scalar)
        {
            TypeError(node, path, "an integer");
            return null;
        }
        bool parsed = long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value);
        // Too many digits for a long is too large (or too small, with a minus sign), not "must be >= 0".
        bool tooSmall = parsed ? value < min : scalar.Value.StartsWith('-');
        if (!parsed || value < min || value > max)
        {
            string got = SourceScalar.Shorten(scalar.Value);
            string rule = max != int.MaxValue ? $"must be between {min} and {max}"
                : tooSmall ? $"must be >= {min}"
                : $"too large: the largest allowed is {max.ToString("N0", CultureInfo.InvariantCulture)}";
            Error(node.Location, path, $"out of range: got {got}, {rule}");
            return null;
        }
        return (int)value;
    }

    public ulong? ReadUInt64(SourceNode node, string path)
    {
        if (node is not SourceScalar { Kind: ScalarKind.Integer } scalar)
        {
            TypeError(node, path, "an integer");
            return null;
        }
        if (!ulong.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out ulong value))
        {
            Error(node.Location, path, $"out of range: got {SourceScalar.Shorten(scalar.Value)}, must be between 0 and {ulong.MaxValue}");
            return null;
        }
        return value;
    }

    /// <summary>A finite number &gt;= min (or &gt; min when <paramref name="exclusive"/>); integers are numbers too.</summary>
    public double? ReadNumber(SourceNode node, string path, double min, bool exclusive)
    {
        if (node is not SourceScalar { Kind: ScalarKind.Integer or ScalarKind.Float } scalar)
        {
            TypeError(node, path, "a number");
            return null;
        }
        if (!double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            Error(node.Location, path, $"expected a finite number, got {SourceScalar.Shorten(scalar.Value)}");
            return null;
        }
        if (exclusive ? value <= min : value < min)
        {
            Error(node.Location, path, $"out of range: got {SourceScalar.Shorten(scalar.Value)}, must be {(exclusive ? ">" : ">=")} {min.ToString(CultureInfo.InvariantCulture)}");
            return null;
        }
        return value;
    }

    /// <summary>
    /// A path to an existing file, resolved against <see cref="BaseDirectory"/> when relative;
    /// the returned path is absolute.
    /// </summary>
    public string? ReadExistingFile(SourceNode node, string path) =>
        ReadString(node, path) is { } text ? CheckExistingFile(text, BaseDirectory, node.Location, path) : null;

    /// <summary>
    /// <see cref="ReadExistingFile"/> for a path that did not come from the file (an environment
    /// variable that overrides a key): resolved against <paramref name="baseDirectory"/>, and
    /// reported at <paramref name="at"/> with <paramref name="origin"/> (such as
    /// "SECO_TLS_CERTIFICATE (overrides this key): ") before the reason.
    /// </summary>
    public string? CheckExistingFile(string text, string baseDirectory, SourceLocation at, string path, string origin = "")
    {
        string full;
        try
        {
            full = Path.GetFullPath(Path.Combine(baseDirectory, text));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Error(at, path, $"{origin}invalid path '{SourceScalar.Shorten(text)}': {e.Message}");
            return null;
        }
        if (Directory.Exists(full))
        {
            Error(at, path, $"{origin}expected a file, found a directory: {Printable.Shorten(full, 300)}");
            return null;
        }
        if (!System.IO.File.Exists(full))
        {
            Error(at, path, $"{origin}file not found: {Printable.Shorten(full, 300)}");
            return null;
        }
        if (new FileInfo(full).Length == 0)
        {
            // Models and IDX files are never empty; /dev/zero, /dev/tty or a FIFO would be read
            // for ever or block validate, so they are refused here without being opened.
            Error(at, path, $"{origin}{Printable.Shorten(full, 300)}: the file is empty (a device or pipe, with no length, is not read)");
            return null;
        }
        return full;
    }

    /// <summary>A string of at most <paramref name="max"/> characters, printable but for <paramref name="allowed"/>.</summary>
    /// <param name="what">What the value must be, as in "must be {what}": "printable text on one line".</param>
    public string? ReadText(SourceNode node, string path, int max, string allowed, string what)
    {
        if (ReadString(node, path) is not { } text)
            return null;
        if (text.Length > max)
        {
            Error(node.Location, path, $"too long: {text.Length:N0} characters, at most {max:N0}");
            return null;
        }
        int bad = Printable.IndexOfUnsafe(text, allowed);
        if (bad < 0)
            return text;
        string kind = text[bad] is >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069' ? "a bidirectional-text control" : "a control character";
        Error(node.Location, path, $"must be {what}; character {bad + 1} is {kind} ({Printable.Escape(text[bad].ToString())})");
        return null;
    }

    /// <summary>What a quoted string would be without its quotes, in the words of "expected ..." messages.</summary>
    private static string Unquoted(string value) =>
        new SourceScalar(SourceLocation.None, value, plain: true).Kind switch
        {
            ScalarKind.Integer => "an integer",
            ScalarKind.Float => "a number",
            ScalarKind.Boolean => "a boolean",
            _ => "",
        };
}
