using System.Xml.Linq;
using Seco.Actors.Metering;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// costs.svg: what each party paid in each phase — compute seconds (virtual, i.e. after the party's CPU
/// slowdown) and bytes sent — as bars coloured by <see cref="PhasePalette"/> with one legend. Parties share
/// one axis per quantity, linear or log (<see cref="CostScale"/>), or get a small panel each
/// (<see cref="CostLayout"/>). Phases are in <see cref="CostChartOptions.PhaseOrder"/>, then the report's
/// order, the same order the cost tables use (docs/charts.md).
/// </summary>
public static class CostChart
{
    private const double HeaderTop = 28, LegendTop = 78, Margin = 16, PanelGap = 12, SectionHeading = 24, MinSmallPanel = 220;

    public static string Render(SimulationReport report, CostChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= new CostChartOptions();
        double width = Math.Clamp(Finite(options.Width, 960), 320, 20_000);
        double panelHeight = Math.Clamp(Finite(options.PanelHeight, 300), 120, 5_000);

        if (report.Parties.Count == 0)
            return Svg.Serialize(Svg.NoData(width, 2 * panelHeight, options.Title, "no data: the report has no parties"));

        IEnumerable<string> reportOrder = report.Phases.Select(s => s.Phase).Concat(report.Parties.SelectMany(p => p.Phases).Select(c => c.Phase));
        var palette = new PhasePalette(options.PhaseOrder, reportOrder);
        var present = report.Parties.SelectMany(p => p.Phases).Select(c => c.Phase).ToHashSet(StringComparer.Ordinal);
        var data = new Data(
            report.Parties.Select(p => p.Party).ToList(),
            palette.Phases.Where(present.Contains).ToList(),
            palette, options);
        double[][] compute = Table(report, data.Phases, c => c.ComputeSeconds);
        double[][] sent = Table(report, data.Phases, c => c.BytesSent);
        CostLayout layout = options.Layout;

        double inner = width - 2 * Margin;
        XElement legend = palette.Legend(Margin, LegendTop, inner, out double legendHeight, present);
        double top = LegendTop + legendHeight + PanelGap;
        var sections = new List<XElement>();
        foreach (var (values, name, kind, heading) in new[]
                 {
                     (compute, "compute", Quantity.Seconds, "Compute time per party and phase"),
                     (sent, "sent", Quantity.Bytes, "Bytes sent per party and phase"),
                 })
        {
            XElement section = layout == CostLayout.PerParty
                ? PerParty(data, values, name, kind, heading, top, inner, panelHeight, out double used)
                : Shared(data, values, name, kind, heading, top, inner, panelHeight, out used);
            sections.Add(section);
            top += used + PanelGap;
        }

        XElement root = Svg.Root(width, top + Margin, options.Title);
        root.Add(Svg.Text(Margin, HeaderTop, options.Title, "start", 18, Svg.A("font-weight", "bold")));
        root.Add(Svg.Text(Margin, HeaderTop + 18, Subtitle(report), "start", 12, Svg.A("fill", "#555555"), Svg.A("class", "subtitle")));
        root.Add(Svg.Text(Margin, HeaderTop + 34, TimingNote(report.ComputeTiming), "start", 12, Svg.A("fill", "#555555"), Svg.A("class", "subtitle")));
        root.Add(Svg.El("g", Svg.A("class", "costs"), Svg.A("data-layout", layout.ToString()), Svg.A("data-scale", options.Scale.ToString()),
            legend, sections));
        return Svg.Serialize(root);
    }

    public static void Write(SimulationReport report, string path, CostChartOptions? options = null) =>
        Svg.Write(path, Render(report, options));

    /// <summary>What every panel of one chart shares.</summary>
    private sealed record Data(List<string> Parties, List<string> Phases, PhasePalette Palette, CostChartOptions Options);

    private static XElement Shared(Data d, double[][] values, string name, Quantity kind, string heading,
        double top, double width, double height, out double used)
    {
        used = height;
        return Panel(d, heading, name, kind, d.Parties, values).Draw(Margin, top, width, height);
    }

    /// <summary>Small multiples: one panel per party with its own axis, as many per row as fit at a readable width.</summary>
    private static XElement PerParty(Data d, double[][] values, string name, Quantity kind, string heading,
        double top, double width, double height, out double used)
    {
        int n = d.Parties.Count;
        int columns = Math.Clamp((int)(width / MinSmallPanel), 1, n);
        int rows = (n + columns - 1) / columns;
        double cell = width / columns;
        var g = Svg.El("g", Svg.A("class", "per-party"), Svg.A("data-quantity", name));
        g.Add(Svg.Text(Margin, top + 16, $"{heading} · each party on its own axis", "start", 14, Svg.A("font-weight", "bold")));
        for (int p = 0; p < n; p++)
        {
            double x = Margin + p % columns * cell, y = top + SectionHeading + p / columns * height;
            BarPanel panel = Panel(d, d.Parties[p], name, kind, [d.Parties[p]], [values[p]]);
            g.Add(panel.Draw(x, y, cell - PanelGap / 2, height, Svg.A("data-party", d.Parties[p])));
        }
        used = SectionHeading + rows * height;
        return g;
    }

    private static BarPanel Panel(Data d, string heading, string name, Quantity kind, IReadOnlyList<string> parties, double[][] values)
    {
        var all = values.SelectMany(v => v).ToList();
        double max = all.DefaultIfEmpty(0).Max(), minPositive = all.Where(v => v > 0).DefaultIfEmpty(0).Min();
        return new BarPanel
        {
            Heading = heading,
            Quantity = name,
            Parties = parties,
            Phases = d.Phases,
            Values = values,
            Axis = d.Options.Scale == CostScale.Log ? new LogAxis(name, kind, minPositive, max) : new LinearAxis(name, kind, max),
            Palette = d.Palette,
            ShowValues = d.Options.ShowValues,
        };
    }

    /// <summary>values[party][phase]; a party without a phase (or a NaN or negative figure) counts as 0 so no bar is drawn for it.</summary>
    private static double[][] Table(SimulationReport report, IReadOnlyList<string> phases, Func<PhaseCosts, double> measure) =>
        report.Parties.Select(p => phases.Select(phase =>
            Math.Max(0, Finite(p.Phases.Where(c => c.Phase == phase).Sum(measure), 0))).ToArray()).ToArray();

    private static double Max(double[][] values) => values.SelectMany(v => v).DefaultIfEmpty(0).Max();

    private static double Finite(double value, double fallback) => double.IsFinite(value) ? value : fallback;

    private static string Subtitle(SimulationReport r) =>
        $"{r.System} · {r.Parties.Count} parties · {DisplayUnit.Seconds(Math.Max(0, Finite(r.VirtualSeconds, 0)))} of virtual time";

    /// <summary>What the compute figures are, from <c>SimulationReport.ComputeTiming</c> (the name of a <c>ComputeTiming</c> value).</summary>
    internal static string TimingNote(string timing) => timing switch
    {
        "Measured" => "compute: measured wall time of each handler (plus any modelled charge), times the party's CPU slowdown",
        "ChargedOnly" => "compute: modelled charges only (no wall-clock measurement), times the party's CPU slowdown",
        _ => $"compute timing: {timing}",
    };
}
