namespace Seco.Scenarios.Sweeps;

/// <summary>
/// RFC 4180 records: fields separated by commas, records ended by CRLF, a field quoted (and its quotes doubled)
/// when it holds a comma, a quote, a CR or an LF, or starts or ends with a space (which some readers trim).
/// </summary>
public static class Csv
{
    public const string RecordEnd = "\r\n";

    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        bool quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value[0] == ' ' || value[^1] == ' ';
        return quote ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    public static string Record(IEnumerable<string?> fields) => string.Join(",", fields.Select(Field)) + RecordEnd;
}
