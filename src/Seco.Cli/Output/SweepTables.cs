using Seco.Scenarios.Sweeps;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>The table that ends a sweep: one row per point that ran, its axis values, status and a few headline measures.</summary>
internal static class SweepTables
{
    public static void Summary(IAnsiConsole con, SweepPlan plan, SweepResult result)
    {
        IReadOnlyList<SweepRow> rows = result.Rows;
        if (rows.Count == 0) return;
        long Bytes(SweepRow r, string column) => (long)(r.Value(column) ?? 0);
        Units.ByteUnit bytes = Units.BytesFor(rows.SelectMany(r => new[] { Bytes(r, SweepMeasures.TotalBytesSent), Bytes(r, "online.inter_server_bytes") }));
        Units.TimeUnit waiting = Units.SecondsFor(rows.Select(r => r.Value(SweepMeasures.UserWaiting) ?? 0));
        var table = new FittedTable("Sweep: one row per point (results.csv has every measure)", "results.csv has every figure").Number("point");
        foreach (SweepAxis axis in plan.Sweep.Axes) table.Text(axis.Name);
        table.Text("status").Number(bytes.Header("bytes sent"), 3).Number(bytes.Header("online inter-server"), 2)
            .Number(waiting.Header("user waiting"), 4).Number("wall (s)", 1);
        foreach (SweepRow r in rows)
        {
            string status = r.Status == PointStatus.Ok ? "[green]ok[/]" : $"[red]{SweepRow.StatusText(r.Status)}[/]";
            string Or(double? v, Func<double, string> f) => v is { } x ? f(x) : "-";
            table.Row([
                r.Point.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
                .. r.Point.Values.Select(v => FittedTable.Cell(v.Label)),
                status,
                Or(r.Value(SweepMeasures.TotalBytesSent), v => bytes.Of((long)v)),
                Or(r.Value("online.inter_server_bytes"), v => bytes.Of((long)v)),
                Or(r.Value(SweepMeasures.UserWaiting), waiting.Of),
                Or(r.Value("wall_s"), v => v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)),
            ]);
        }
        table.Write(con);
        foreach (SweepRow r in rows.Where(r => r.Error is not null))
            con.MarkupLine($"[red]point {r.Point.Number} failed[/]: {FittedTable.Cell(r.Error)}");
    }

    /// <summary>The published values beside ours (comparison.csv has every row, in base units).</summary>
    public static void Comparison(IAnsiConsole con, IReadOnlyList<ComparisonRow> rows)
    {
        if (rows.Count == 0) return;
        var table = new FittedTable("Published values beside ours (comparison.csv)", "comparison.csv has every row")
            .Text("claim").Text("network").Text("model").Text("split").Number("paper", 3).Number("ours", 3).Number("ours / paper", 2);
        string Show(PublishedClaim c, double v) => c.IsRatio ? $"{v:0.00}×" : SweepMeasures.Find(c.Measure)!.Kind switch
        {
            MeasureKind.Seconds => $"{v:0.000} s",
            MeasureKind.Bytes => $"{v / 1e6:0.00} MB",
            MeasureKind.Rate => $"{v:0.000}/s",
            _ => $"{v:0}",
        };
        foreach (ComparisonRow r in rows)
        {
            table.Row([
                FittedTable.Cell(r.Claim.Claim), FittedTable.Cell(r.Network), FittedTable.Cell(r.Model),
                r.Split?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                Show(r.Claim, r.Paper), r.Ours is { } o ? Show(r.Claim, o) : "-",
                r.OursOverPaper is { } q ? q.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-",
            ]);
        }
        table.Write(con);
    }
}
