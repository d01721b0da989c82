using System.Text;

namespace Seco.Tests.Shared;

/// <summary>
/// A strict RFC 4180 reader for the tests: records end with CRLF, a quoted field may hold commas, CRLF and doubled
/// quotes, and anything else (a bare LF, a quote inside an unquoted field, a missing final CRLF) fails the test's
/// parse, so a writer that bends the format is caught.
/// </summary>
internal static class CsvText
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (i < text.Length)
        {
            if (text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FormatException("unterminated quoted field");
                    if (text[i] == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                    if (text[i] == '"') { i++; break; }
                    field.Append(text[i++]);
                }
            }
            else
            {
                while (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                {
                    if (text[i] == '"') throw new FormatException($"a quote inside an unquoted field at {i}");
                    field.Append(text[i++]);
                }
            }
            fields.Add(field.ToString());
            field.Clear();
            if (i < text.Length && text[i] == ',') { i++; continue; }
            if (i + 1 < text.Length && text[i] == '\r' && text[i + 1] == '\n')
            {
                records.Add([.. fields]);
                fields.Clear();
                i += 2;
                continue;
            }
            throw new FormatException(i >= text.Length ? "the last record does not end with CRLF" : $"expected ',' or CRLF at {i}, got {(int)text[i]}");
        }
        return records;
    }

    /// <summary>The records after the header as column → value maps; every record must have the header's width.</summary>
    public static List<Dictionary<string, string>> Rows(string text)
    {
        List<string[]> records = Parse(text);
        string[] header = records[0];
        return [.. records.Skip(1).Select(r =>
        {
            if (r.Length != header.Length) throw new FormatException($"a record of {r.Length} fields under a header of {header.Length}");
            return header.Zip(r).ToDictionary(p => p.First, p => p.Second);
        })];
    }
}
