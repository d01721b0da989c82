using Seco.Scenarios.Reporting;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// The sweep's charts (docs/sweeps.md): per <see cref="ChartPlan"/>, one SVG with a panel per measure against the
/// chart's x axis, one series per combination of its series axes. Only points with status ok are drawn: a point
/// that did not finish bit-exact has measures of a different run, and results.csv keeps them for whoever wants them.
/// </summary>
public static class SweepCharts
{
    /// <summary>Values spanning this ratio or more get a log axis under <see cref="ChartScale.Auto"/> (two decades).</summary>
    public const double LogSpan = 100;

    /// <summary>chart1-split.svg: the chart's place in the file and its x axis.</summary>
    public static string FileName(SweepPlan plan, int chart) => $"chart{chart + 1}-{AxisNames.Of(plan.Charts[chart].Spec.X)}.svg";

    /// <summary>Writes every chart into <paramref name="folder"/>; returns the file names.</summary>
    public static IReadOnlyList<string> Write(SweepPlan plan, IReadOnlyList<SweepRow> rows, string folder)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var names = new List<string>();
        for (int i = 0; i < plan.Charts.Count; i++)
        {
            string name = FileName(plan, i);
            Svg.Write(Path.Combine(folder, name), Render(plan, rows, i));
            names.Add(name);
        }
        return names;
    }

    public static string Render(SweepPlan plan, IReadOnlyList<SweepRow> rows, int chart)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rows);
        ChartPlan c = plan.Charts[chart];
        Sweep sweep = plan.Sweep;
        int xAt = IndexOf(sweep, c.Spec.X);
        int[] seriesAt = [.. c.SeriesAxes.Select(k => IndexOf(sweep, k))];

        // Every x value and series of the grid, so a point that did not finish leaves a visible gap, not a shorter axis.
        List<AxisValue> xs = [.. plan.Points.Select(p => p.Values[xAt]).DistinctBy(v => v.Label)];
        bool numeric = xs.All(v => v.Number is not null) && c.Spec.Style != ChartStyle.Bars;
        if (c.Spec.Style == ChartStyle.Bars && xs.All(v => v.Number is not null)) xs = [.. xs.OrderBy(v => v.Number)];
        if (numeric) xs = [.. xs.OrderBy(v => v.Number)];
        List<string> series = [.. plan.Points.Select(p => SeriesOf(p, seriesAt)).Distinct()];
        if (seriesAt.Length == 0) series = [sweep.Name];
        string Series(SweepPoint p) => seriesAt.Length == 0 ? sweep.Name : SeriesOf(p, seriesAt);

        var ok = rows.Where(r => r.Status == PointStatus.Ok).ToList();
        var panels = c.Spec.Y.Select(y =>
        {
            Measure m = SweepMeasures.Find(y)!;
            double?[][] values = [.. series.Select(s => xs.Select(x =>
                ok.FirstOrDefault(r => Series(r.Point) == s && r.Point.Values[xAt].Label == x.Label)?.Value(y)).ToArray())];
            bool log = c.Spec.Scale switch
            {
                ChartScale.Log => true,
                ChartScale.Linear => false,
                _ => Spans(values.SelectMany(v => v).OfType<double>()),
            };
            return new SeriesPanelData(y, Heading(y, m), QuantityOf(m.Kind), values, log);
        }).ToList();

        int drawn = ok.Count, points = plan.Points.Count;
        var subtitles = new List<string>
        {
            $"sweep {sweep.Name}: {points} points on base scenario {sweep.Base.Name}" +
                (seriesAt.Length > 0 ? $"; one series per {string.Join(" × ", c.SeriesAxes.Select(AxisNames.Of))}" : ""),
            drawn == points ? "every point finished bit-exact" : $"{drawn} of {points} points drawn: only those that finished bit-exact (status ok in results.csv)",
        };
        string title = c.Spec.Title ?? $"{sweep.Name}: {string.Join(", ", c.Spec.Y)} against {AxisNames.Of(c.Spec.X)}";
        return SeriesChart.Render(new SeriesChartData(title, subtitles, AxisNames.Of(c.Spec.X), [.. xs.Select(x => x.Label)],
            numeric ? [.. xs.Select(x => x.Number!.Value)] : null, series, panels));
    }

    private static string SeriesOf(SweepPoint p, int[] at) => string.Join(", ", at.Select(i => p.Values[i].Label));

    private static bool Spans(IEnumerable<double> values)
    {
        var positive = values.Where(v => v > 0 && double.IsFinite(v)).ToList();
        return positive.Count > 1 && positive.Max() / positive.Min() >= LogSpan;
    }

    private static string Heading(string column, Measure m) => $"{column}: {m.Description}";

    private static Quantity QuantityOf(MeasureKind kind) => kind switch
    {
        MeasureKind.Seconds => Quantity.Seconds,
        MeasureKind.Bytes => Quantity.Bytes,
        _ => Quantity.Count,
    };

    private static int IndexOf(Sweep sweep, AxisKind kind) => sweep.Axes.Select(a => a.Kind).ToList().IndexOf(kind);
}
