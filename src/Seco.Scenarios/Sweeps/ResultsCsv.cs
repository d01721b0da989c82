using System.Globalization;
using System.Text;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// results.csv (docs/sweeps.md): a header row, then one row per point in grid order — <c>point</c>, the axis values,
/// <c>status</c>, <c>bit_exact</c>, the point's measures, each party's measures as <c>&lt;party&gt;.&lt;measure&gt;</c>
/// for every party of any point (empty where the point lacks the party), and <c>error</c> last. The header is known
/// before the first point runs, so rows are appended and flushed as points end: Ctrl-C or a crash keeps them.
/// Numbers are invariant culture; counts and bytes are integers, seconds have up to nine decimals (the simulator's ns).
/// </summary>
public sealed class ResultsCsv : IDisposable
{
    public const string FileName = "results.csv";

    private readonly SweepPlan _plan;
    private readonly StreamWriter _writer;

    private ResultsCsv(SweepPlan plan, StreamWriter writer)
    {
        _plan = plan;
        _writer = writer;
    }

    /// <summary>Creates (or replaces) the file at <paramref name="path"/> and writes the header.</summary>
    public static ResultsCsv Create(string path, SweepPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var csv = new ResultsCsv(plan, writer);
        writer.Write(Csv.Record(Columns(plan)));
        writer.Flush();
        return csv;
    }

    public void Append(SweepRow row)
    {
        _writer.Write(Record(_plan, row));
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();

    /// <summary>Every column, in order.</summary>
    public static IReadOnlyList<string> Columns(SweepPlan plan) =>
    [
        "point",
        .. plan.Sweep.Axes.Select(a => a.Name),
        "status",
        "bit_exact",
        .. SweepMeasures.PointMeasures.Select(m => m.Name),
        .. plan.Parties.SelectMany(p => SweepMeasures.PartyMeasures.Select(m => $"{p}.{m.Name}")),
        "error",
    ];

    /// <summary>One row as a CSV record (with its CRLF).</summary>
    public static string Record(SweepPlan plan, SweepRow row)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(row);
        var fields = new List<string?> { row.Point.Number.ToString(CultureInfo.InvariantCulture) };
        fields.AddRange(row.Point.Values.Select(v => v.Label));
        fields.Add(SweepRow.StatusText(row.Status));
        fields.Add(row.BitExact is { } exact ? (exact ? "true" : "false") : null);
        fields.AddRange(SweepMeasures.PointMeasures.Select(m => Format(m.Kind, row.Value(m.Name))));
        fields.AddRange(plan.Parties.SelectMany(p => SweepMeasures.PartyMeasures.Select(m => Format(m.Kind, row.Value($"{p}.{m.Name}")))));
        // One line however the message reads: a reader should not have to cope with line breaks inside a field.
        fields.Add(row.Error is null ? null : Printable.Escape(row.Error.ReplaceLineEndings(" | ")));
        return Csv.Record(fields);
    }

    public static string? Format(MeasureKind kind, double? value) => value switch
    {
        null => null,
        { } v when !double.IsFinite(v) => null,
        { } v when kind is MeasureKind.Seconds or MeasureKind.Rate => v.ToString("0.#########", CultureInfo.InvariantCulture),
        { } v => Math.Round(v).ToString("0", CultureInfo.InvariantCulture),
    };
}
