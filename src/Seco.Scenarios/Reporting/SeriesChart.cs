using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>One measure of a <see cref="SeriesChart"/>: values[series][x] in base units, null where nothing was measured.</summary>
internal sealed record SeriesPanelData(string Measure, string Heading, Quantity Kind, double?[][] Values, bool Log);

/// <summary>
/// What a <see cref="SeriesChart"/> draws: x values (numbers for a line chart, or categories for a grouped bar chart),
/// the series (one colour each), and one panel per measure.
/// </summary>
/// <param name="XNumbers">Ascending positions of <paramref name="XLabels"/> on a numeric axis; null for categories.</param>
internal sealed record SeriesChartData(string Title, IReadOnlyList<string> Subtitles, string XTitle, IReadOnlyList<string> XLabels,
    IReadOnlyList<double>? XNumbers, IReadOnlyList<string> Series, IReadOnlyList<SeriesPanelData> Panels);

/// <summary>
/// A chart of measures against one swept variable (docs/sweeps.md, docs/charts.md): a line chart when x is numeric,
/// a grouped bar chart (a group per x value, a bar per series) when it is a category; one panel per measure, stacked,
/// sharing the legend; each panel's y axis in the unit that suits it, or log with a tick per decade.
/// </summary>
internal static class SeriesChart
{
    private const double Width = 960, PanelHeight = 300, Margin = 16, HeaderTop = 28, PanelGap = 12;

    public static string Render(SeriesChartData d)
    {
        ArgumentNullException.ThrowIfNull(d);
        if (d.XLabels.Count == 0 || d.Panels.Count == 0)
            return Svg.Serialize(Svg.NoData(Width, PanelHeight, d.Title, "no data: no point to draw"));
        var palette = new PhasePalette(d.Series, []);
        double top = HeaderTop + 18 * d.Subtitles.Count + 12;
        XElement legend = palette.Legend(Margin, top, Width - 2 * Margin, out double legendHeight, dataAttribute: "data-series");
        top += legendHeight + PanelGap;

        var panels = new List<XElement>();
        foreach (SeriesPanelData p in d.Panels)
        {
            panels.Add(d.XNumbers is { } numbers ? Line(d, p, numbers, palette, top) : Bars(d, p, palette, top));
            top += PanelHeight + PanelGap;
        }

        XElement root = Svg.Root(Width, top + Margin, d.Title);
        // A long list of measures would run off the right edge; the root's <title> keeps the whole heading.
        root.Add(Svg.Text(Margin, HeaderTop, Svg.Fit(d.Title, Width - 2 * Margin, 18), "start", 18, Svg.A("font-weight", "bold"), Svg.A("class", "title")));
        for (int i = 0; i < d.Subtitles.Count; i++)
            root.Add(Svg.Text(Margin, HeaderTop + 18 * (i + 1), Svg.Fit(d.Subtitles[i], Width - 2 * Margin, 12), "start", 12,
                Svg.A("fill", "#555555"), Svg.A("class", "subtitle")));
        root.Add(Svg.El("g", Svg.A("class", "sweep-chart"), Svg.A("data-kind", d.XNumbers is null ? "bar" : "line"), Svg.A("data-x", d.XTitle),
            legend, panels));
        return Svg.Serialize(root);
    }

    private static XElement Line(SeriesChartData d, SeriesPanelData p, IReadOnlyList<double> x, PhasePalette palette, double top) =>
        new LinePanel
        {
            Heading = p.Heading,
            Quantity = p.Measure,
            XTitle = d.XTitle,
            X = x,
            XLabels = d.XLabels,
            Series = d.Series,
            Values = p.Values,
            Axis = AxisFor(p),
            Palette = palette,
        }.Draw(Margin, top, Width - 2 * Margin, PanelHeight);

    /// <summary>A group per x value, a bar per series; a missing value draws no bar (the tooltip-less gap says so).</summary>
    private static XElement Bars(SeriesChartData d, SeriesPanelData p, PhasePalette palette, double top) =>
        new BarPanel
        {
            Heading = p.Heading,
            Quantity = p.Measure,
            Parties = d.XLabels,
            Phases = d.Series,
            Values = [.. Enumerable.Range(0, d.XLabels.Count).Select(i => p.Values.Select(s => Math.Max(0, s[i] ?? 0)).ToArray())],
            Axis = AxisFor(p),
            Palette = palette,
            GroupAttribute = "data-x",
            SlotAttribute = "data-series",
        }.Draw(Margin, top, Width - 2 * Margin, PanelHeight);

    private static ValueAxis AxisFor(SeriesPanelData p)
    {
        var all = p.Values.SelectMany(v => v).OfType<double>().Where(double.IsFinite).ToList();
        double max = all.DefaultIfEmpty(0).Max(), minPositive = all.Where(v => v > 0).DefaultIfEmpty(0).Min();
        return p.Log ? new LogAxis(p.Measure, p.Kind, minPositive, max) : new LinearAxis(p.Measure, p.Kind, max);
    }
}
