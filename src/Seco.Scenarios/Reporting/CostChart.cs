using System.Globalization;
using System.Xml.Linq;
using Seco.Actors.Metering;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// costs.svg: what each party paid in each phase, as two grouped bar charts stacked — compute seconds
/// (virtual, i.e. after the party's CPU slowdown) and bytes sent. One group per party in report order,
/// one bar per phase coloured by <see cref="PhasePalette"/>, one legend for both panels (docs/charts.md).
/// </summary>
public static class CostChart
{
    private const double HeaderTop = 28, LegendTop = 58, Margin = 16, PanelGap = 12;

    public static string Render(SimulationReport report, CostChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= new CostChartOptions();
        double width = Math.Clamp(Finite(options.Width, 960), 320, 20_000);
        double panelHeight = Math.Clamp(Finite(options.PanelHeight, 300), 120, 5_000);

        if (report.Parties.Count == 0)
            return Svg.Serialize(Svg.NoData(width, 2 * panelHeight, options.Title, "no data: the report has no parties"));

        var palette = new PhasePalette(options.PhaseOrder, report.Parties.SelectMany(p => p.Phases).Select(c => c.Phase));
        var present = report.Parties.SelectMany(p => p.Phases).Select(c => c.Phase).ToHashSet(StringComparer.Ordinal);
        var phases = palette.Phases.Where(present.Contains).ToList();
        var parties = report.Parties.Select(p => p.Party).ToList();
        double[][] compute = Table(report, phases, c => c.ComputeSeconds);
        double[][] sent = Table(report, phases, c => c.BytesSent);

        XElement legend = palette.Legend(Margin, LegendTop, width - 2 * Margin, out double legendHeight, present);
        double top = LegendTop + legendHeight + PanelGap;
        double height = top + 2 * panelHeight + PanelGap + Margin;

        XElement root = Svg.Root(width, height, options.Title);
        root.Add(Svg.Text(Margin, HeaderTop, options.Title, "start", 18, Svg.A("font-weight", "bold")));
        root.Add(Svg.Text(Margin, HeaderTop + 18, Subtitle(report), "start", 12, Svg.A("fill", "#555555")));
        root.Add(legend);

        var computePanel = new BarPanel
        {
            Heading = "Compute time per party and phase",
            Quantity = "compute",
            Parties = parties,
            Phases = phases,
            Values = compute,
            Unit = DisplayUnit.ForSeconds(Max(compute)),
            Palette = palette,
            ShowValues = options.ShowValues,
        };
        root.Add(computePanel.Draw(Margin, top, width - 2 * Margin, panelHeight));
        root.Add(new BarPanel
        {
            Heading = "Bytes sent per party and phase",
            Quantity = "sent",
            Parties = parties,
            Phases = phases,
            Values = sent,
            Unit = DisplayUnit.ForBytes(Max(sent)),
            Palette = palette,
            ShowValues = options.ShowValues,
        }.Draw(Margin, top + panelHeight + PanelGap, width - 2 * Margin, panelHeight));
        return Svg.Serialize(root);
    }

    public static void Write(SimulationReport report, string path, CostChartOptions? options = null) =>
        Svg.Write(path, Render(report, options));

    /// <summary>values[party][phase]; a party without a phase (or a NaN or negative figure) counts as 0 so no bar is drawn for it.</summary>
    private static double[][] Table(SimulationReport report, IReadOnlyList<string> phases, Func<PhaseCosts, double> measure) =>
        report.Parties.Select(p => phases.Select(phase =>
            Math.Max(0, Finite(p.Phases.Where(c => c.Phase == phase).Sum(measure), 0))).ToArray()).ToArray();

    private static double Max(double[][] values) => values.SelectMany(v => v).DefaultIfEmpty(0).Max();

    private static double Finite(double value, double fallback) => double.IsFinite(value) ? value : fallback;

    private static string Subtitle(SimulationReport r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.System} · compute {r.ComputeTiming} · {NiceScale.Short(r.VirtualSeconds)} s virtual · {r.Parties.Count} parties");
}
