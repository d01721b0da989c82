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
}
