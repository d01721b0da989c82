using System.Xml.Linq;
using Seco.Actors.Simulation;
using Seco.Scenarios.Reporting;
using static Seco.Scenarios.Tests.Reporting.ChartXml;
using static Seco.Scenarios.Tests.Reporting.CostChartTests;

namespace Seco.Scenarios.Tests.Reporting;

/// <summary>Phase order, the per-party layout, the log axis and the subtitle of costs.svg.</summary>
public class CostChartLayoutTests
{
    private static readonly string[] ProtocolOrder = ["setup", "fbc-prep", "user-prep", "online", "output"];

    /// <summary>A secure-run shape: servers pay about 1000× what the user pays.</summary>
    private static readonly SimulationReport Secure = Report(
        ("user", [Costs("setup", 0.002, 4_000), Costs("online", 0.001, 2_000), Costs("user-prep", 0.003, 8_000), Costs("output", 0.0005, 0)]),
        ("A", [Costs("setup", 2.0, 4_000_000), Costs("online", 1.0, 2_000_000), Costs("fbc-prep", 3.0, 8_000_000), Costs("user-prep", 1.5, 1_000_000)]),
        ("B", [Costs("fbc-prep", 2.5, 6_000_000), Costs("setup", 2.0, 4_000_000), Costs("online", 1.0, 3_000_000)]));

    private static List<string> LegendPhases(XElement root) =>
        [.. root.Descendants(SvgNs + "g").Where(g => (string?)g.Attribute("class") == "legend-item").Select(g => (string)g.Attribute("data-phase")!)];

    private static string Layout(XElement root) =>
        (string)root.Descendants(SvgNs + "g").Single(g => (string?)g.Attribute("class") == "costs").Attribute("data-layout")!;

    [Fact]
    public void LegendAndBarsFollowThePhaseOrderNotTheOrderPartiesFirstUsedThem()
    {
        XElement root = Parse(CostChart.Render(Secure, new CostChartOptions { PhaseOrder = ProtocolOrder, Layout = CostLayout.Shared }));

        Assert.Equal(ProtocolOrder, LegendPhases(root));
        // Within party A's group the bars stand left to right in that order too.
        var a = Panel(root, "compute").Where(b => (string?)b.Attribute("data-party") == "A").OrderBy(b => Num(b, "x")).ToList();
        Assert.Equal(["setup", "fbc-prep", "user-prep", "online"], a.Select(b => (string)b.Attribute("data-phase")!));
    }

    [Fact]
    public void WithoutAPhaseOrderTheLegendFollowsTheReportsPhaseList()
    {
        // The report's phase list (what the "all" rows of the cost table show) rather than the first party's order.
        SimulationReport report = Secure with { Phases = [.. new[] { "output", "online", "setup", "user-prep", "fbc-prep" }.Select(p => new PhaseSummary(p, 1, 1, 1, 1))] };
        Assert.Equal(["output", "online", "setup", "user-prep", "fbc-prep"], LegendPhases(Parse(CostChart.Render(report))));
    }

    [Fact]
    public void PerPartyGivesEachPartyItsOwnAxisSoTheUsersCostsFillTheirPanel()
    {
        XElement root = Parse(CostChart.Render(Secure, new CostChartOptions { PhaseOrder = ProtocolOrder, Layout = CostLayout.PerParty }));
        Assert.Equal("PerParty", Layout(root));

        foreach (string quantity in new[] { "compute", "sent" })
        {
            List<XElement> panels = Panels(root, quantity);
            Assert.Equal(["user", "A", "B"], panels.Select(p => (string)p.Attribute("data-party")!));
            XElement user = panels[0];
            // The user's largest bar fills at least half its own axis (a nice maximum is under twice the data maximum).
            double plotHeight = 300 - 30 - 34;
            double tallest = user.Descendants(SvgNs + "rect").Where(r => (string?)r.Attribute("class") == "bar").Max(r => Num(r, "height"));
            Assert.InRange(tallest, plotHeight / 2, plotHeight);
            Assert.All(user.Descendants(SvgNs + "rect").Where(r => (string?)r.Attribute("class") == "bar"), r => Assert.True(Num(r, "width") > 5));
        }
        // Each party's axis has its own unit: the user's bytes in kB, the servers' in MB.
        Assert.Equal("sent (kB)", Shown(Panels(root, "sent")[0].Descendants(SvgNs + "text").Single(t => (string?)t.Attribute("class") == "axis-title")));
        Assert.Equal("sent (MB)", Shown(Panels(root, "sent")[1].Descendants(SvgNs + "text").Single(t => (string?)t.Attribute("class") == "axis-title")));
    }

    [Fact]
    public void OnASharedLinearAxisATinyCostIsStillAVisibleBar()
    {
        XElement root = Parse(CostChart.Render(Secure));   // the defaults: shared linear axes
        Assert.Equal("Shared", Layout(root));
        XElement output = Bar(Panel(root, "compute"), "user", "output");   // 0.5 ms next to 3 s: 0.04 px at scale
        Assert.True(Num(output, "height") >= 1);
        Assert.Contains("500 µs", output.Element(SvgNs + "title")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ALogAxisHasATickPerDecadeLabelledWithItsUnitAndBarsAtTheirLogarithm()
    {
        XElement root = Parse(CostChart.Render(Secure, new CostChartOptions { Scale = CostScale.Log }));
        Assert.Equal("Shared", Layout(root));
        XElement sent = Assert.Single(Panels(root, "sent"));
        List<string> ticks = [.. sent.Descendants(SvgNs + "text").Where(t => (string?)t.Attribute("class") == "tick").Select(Shown)];
        // 1 kB (below the smallest, 2 kB) up to 10 MB (above the largest, 8 MB).
        Assert.Equal(["1 kB", "10 kB", "100 kB", "1 MB", "10 MB"], ticks);
        Assert.Contains(Texts(root), t => t == "sent (log scale)");

        List<XElement> bars = Panel(root, "sent");
        double H(string party, string phase) => Num(Bar(bars, party, phase), "height");
        double decade = (300 - 30 - 34) / 4.0;   // four decades over the plot
        Assert.Equal(Math.Log10(2), H("user", "online") / decade, 1);
        Assert.Equal(3 + Math.Log10(8), H("A", "fbc-prep") / decade, 1);
        // On a log axis a bar's label carries its own unit.
        Assert.Contains("2 kB", Labels(root, "value"));
        Assert.Contains("8 MB", Labels(root, "value"));
    }

    [Theory]
    [InlineData("Measured", "compute: measured wall time of each handler")]
    [InlineData("ChargedOnly", "compute: modelled charges only")]
    public void TheSubtitleSaysInWordsWhatComputeMeans(string timing, string expected)
    {
        XElement root = Parse(CostChart.Render(Secure with { ComputeTiming = timing }));
        List<string> subtitles = [.. Labels(root, "subtitle")];
        Assert.Contains(subtitles, t => t.StartsWith(expected, StringComparison.Ordinal));
        Assert.DoesNotContain(subtitles, t => t.Contains("compute " + timing, StringComparison.Ordinal));
    }

    [Fact]
    public void HostileNamesReachTheChartAsVisibleEscapesWithoutControlCharacters()
    {
        const string evil = "evil\u001b]0;pwned\u0007\u202egnp.exe\u0085\ttab\nline\uFFFF";
        SimulationReport report = Report((evil, [Costs("on\u0000line", 1, 1_000)]), ("A", [Costs("online", 2, 1_000)])) with { System = "sys\u009b2J" };
        string svg = CostChart.Render(report, new CostChartOptions { Title = "title\u001b[2J" });
        XElement root = Parse(svg);

        AssertNoControlCharacters(root);
        Assert.Contains(Labels(root, "party-label"), t => t.StartsWith(@"evil\e]0;pwned\a\u202egnp", StringComparison.Ordinal));
        Assert.Contains(Texts(root), t => t == @"title\e[2J");
        Assert.Contains(Panel(root, "compute"), b => (string?)b.Attribute("data-phase") == @"on\0line");
        Assert.Contains(Labels(root, "subtitle"), t => t.StartsWith(@"sys\x9b2J", StringComparison.Ordinal));
    }
}
