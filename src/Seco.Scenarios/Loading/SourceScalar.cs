using System.Text.RegularExpressions;

namespace Seco.Scenarios.Loading;

/// <summary>
/// A scalar and its YAML 1.2 core-schema type: a plain <c>8</c> is an integer, a quoted
/// <c>"8"</c> is a string. Hex, octal and YAML 1.1 forms (<c>yes</c>, <c>0x10</c>) are strings.
/// </summary>
internal sealed partial class SourceScalar : SourceNode
{
    public SourceScalar(SourceLocation location, string value, bool plain) : base(location)
    {
        Value = value;
        Kind = plain ? Classify(value) : ScalarKind.String;
        IsQuoted = !plain;
    }

    public string Value { get; }

    public ScalarKind Kind { get; }

    public bool IsQuoted { get; }

    public override string Describe() => Kind switch
    {
        ScalarKind.Null => "an empty value (null)",
        ScalarKind.Boolean => $"a boolean ({Value})",
        ScalarKind.Integer => $"an integer ({Shorten(Value)})",
        ScalarKind.Float => $"a number ({Shorten(Value)})",
        _ => IsQuoted ? $"a quoted string \"{Shorten(Value)}\"" : $"a string '{Shorten(Value)}'",
    };

    private static ScalarKind Classify(string value)
    {
        if (value is "" or "~" or "null" or "Null" or "NULL")
            return ScalarKind.Null;
        if (value is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
            return ScalarKind.Boolean;
        if (IntegerRegex().IsMatch(value))
            return ScalarKind.Integer;
        if (FloatRegex().IsMatch(value))
            return ScalarKind.Float;
        return ScalarKind.String;
    }

    /// <summary>The value as quoted in messages: escaped (it may hold control characters) and at most 40 characters.</summary>
    public static string Shorten(string value) => Printable.Shorten(value, 40);

    [GeneratedRegex("^[-+]?[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerRegex();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatRegex();
}
