using System.Globalization;
using Seco.Scenarios.Reporting;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// The latency–throughput curve of a sweep over an open loop's rate (issue 22): for each combination of the other
/// axes, one SVG with the finished queries' latency percentiles (p50, p95, p99) against the throughput each rate
/// achieved — flat while the deployment keeps up, rising steeply past its knee, where throughput stops following λ.
/// </summary>
public static class LatencyThroughputChart
{
    private static readonly string[] Percentiles = ["p50", "p95", "p99"];

    /// <summary>Writes the charts (none without a <c>rate_per_s</c> axis of two rates or more); returns the file names.</summary>
    public static IReadOnlyList<string> Write(SweepPlan plan, IReadOnlyList<SweepRow> rows, string folder)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rows);
        Sweep sweep = plan.Sweep;
        int rateAt = sweep.Axes.Select(a => a.Kind).ToList().IndexOf(AxisKind.Rate);
        if (rateAt < 0 || sweep.Axes[rateAt].Values.Count < 2) return []; // one rate draws no curve
        int[] others = [.. Enumerable.Range(0, sweep.Axes.Count).Where(i => i != rateAt)];
        string Group(SweepPoint p) => string.Join(", ", others.Select(i => $"{sweep.Axes[i].Name}={p.Values[i].Label}"));
        var names = new List<string>();
        var groups = rows.Where(r => r.Status == PointStatus.Ok && r.Value("load.throughput_per_s") is not null)
            .GroupBy(r => Group(r.Point)).ToList();
        foreach (var (group, k) in groups.Select((g, k) => (g, k)))
        {
            var points = group.OrderBy(r => r.Value("load.throughput_per_s")).ToList();
            double[] x = [.. points.Select(r => r.Value("load.throughput_per_s")!.Value)];
            var panel = new SeriesPanelData("latency", "latency per query, arrival to prediction (percentiles over the finished queries)", Quantity.Seconds,
                [.. Percentiles.Select(p => points.Select(r => r.Value($"load.latency_{p}_s")).ToArray())], Log: false);
            string rates = string.Join(", ", points.Select(r => r.Point.Values[rateAt].Label));
            var data = new SeriesChartData($"{sweep.Name}: latency against throughput" + (group.Key.Length > 0 ? $" ({group.Key})" : ""),
                [$"one point per arrival rate λ (queries/s): {rates}", "x: the throughput each rate achieved; the knee is where latency climbs while throughput stops following λ"],
                "throughput (queries/s)", [.. x.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture))], x, Percentiles, [panel]);
            string name = groups.Count == 1 ? "latency-throughput.svg" : $"latency-throughput-{k + 1}.svg";
            Svg.Write(Path.Combine(folder, name), SeriesChart.Render(data));
            names.Add(name);
        }
        return names;
    }
}
