using System.Globalization;
using System.Xml.Linq;
using Seco.Actors.Metering;
using Seco.Actors.Simulation;
using Seco.Scenarios.Reporting;
using static Seco.Scenarios.Tests.Reporting.ChartXml;

namespace Seco.Scenarios.Tests.Reporting;

public class CostChartTests
{
    internal static PhaseCosts Costs(string phase, double computeSeconds, long bytesSent) =>
        new(phase, computeSeconds, computeSeconds, 0, 1, bytesSent == 0 ? 0 : 1, bytesSent, 0, 0, 1, [], []);

    internal static SimulationReport Report(params (string Party, PhaseCosts[] Phases)[] parties) =>
        new("test", "ChargedOnly", 1.5, 10,
            parties.Select(p => new PartyReport(p.Party, "addr-" + p.Party, 1, null, p.Phases)).ToList(),
            [], [], [], 0, [], 0, [], 0, [], 0, []);

    private static readonly SimulationReport ThreeParties = Report(
        ("A", [Costs("keygen", 2.0, 4_000_000), Costs("online", 1.0, 1_000_000)]),
        ("B", [Costs("online", 0.5, 0)]),
        ("C", []));

    [Fact]
    public void EachNonZeroPartyPhaseHasOneBarWithHeightProportionalToItsValue()
    {
        XElement root = Parse(CostChart.Render(ThreeParties));

        List<XElement> compute = Panel(root, "compute"), sent = Panel(root, "sent");
        Assert.Equal(3, compute.Count);   // A keygen, A online, B online
        Assert.Equal(2, sent.Count);      // B sent nothing: no bar
        double aOnline = Num(Bar(compute, "A", "online"), "height");
        Assert.Equal(2.0, Num(Bar(compute, "A", "keygen"), "height") / aOnline, 2);
        Assert.Equal(0.5, Num(Bar(compute, "B", "online"), "height") / aOnline, 2);
        Assert.Equal(4.0, Num(Bar(sent, "A", "keygen"), "height") / Num(Bar(sent, "A", "online"), "height"), 2);
        // Bars stand on the same baseline.
        Assert.Equal(Num(Bar(compute, "A", "keygen"), "y") + Num(Bar(compute, "A", "keygen"), "height"),
            Num(Bar(compute, "B", "online"), "y") + Num(Bar(compute, "B", "online"), "height"), 1);
        Assert.Contains(Texts(root), t => t.Contains("sent (MB)", StringComparison.Ordinal));
        Assert.Contains(Texts(root), t => t.Contains("compute (s)", StringComparison.Ordinal));
    }

    [Fact]
    public void APhaseKeepsItsColourAndSlotAcrossParties()
    {
        List<XElement> compute = Panel(Parse(CostChart.Render(ThreeParties)), "compute");
        XElement a = Bar(compute, "A", "online"), b = Bar(compute, "B", "online"), k = Bar(compute, "A", "keygen");
        Assert.Equal((string?)a.Attribute("fill"), (string?)b.Attribute("fill"));
        Assert.NotEqual((string?)a.Attribute("fill"), (string?)k.Attribute("fill"));
        Assert.True(Num(k, "x") < Num(a, "x") && Num(a, "x") < Num(b, "x"));
    }

    [Fact]
    public void LegendListsEveryPhaseInFirstAppearanceOrderAndEveryPartyIsLabelled()
    {
        SimulationReport report = Report(
            ("gateway", [Costs("keygen", 1, 10), Costs("fbc-prep", 1, 10), Costs("online", 1, 10)]),
            ("S1", [Costs("user-prep", 1, 10), Costs("online", 1, 10), Costs("output", 1, 10)]),
            ("idle", []));
        XElement root = Parse(CostChart.Render(report));

        var legend = root.Descendants(SvgNs + "g").Where(g => (string?)g.Attribute("class") == "legend-item").ToList();
        Assert.Equal(["keygen", "fbc-prep", "online", "user-prep", "output"], legend.Select(g => (string)g.Attribute("data-phase")!));
        Assert.Equal(5, legend.Select(g => (string?)g.Element(SvgNs + "rect")!.Attribute("fill")).Distinct().Count());
        Assert.Equal(2, Labels(root, "party-label").Count(l => l == "idle"));   // one per panel, though it has no phase at all
    }

    [Fact]
    public void PhaseOrderFromOptionsDecidesColours()
    {
        string first = CostChart.Render(ThreeParties);
        string swapped = CostChart.Render(ThreeParties, new CostChartOptions { PhaseOrder = ["online", "keygen"] });
        string Fill(string svg) => (string)Bar(Panel(Parse(svg), "compute"), "A", "online").Attribute("fill")!;
        Assert.NotEqual(Fill(first), Fill(swapped));
    }

    [Fact]
    public void PartyNamesAndTitleAreEscaped()
    {
        SimulationReport report = Report(("A&<B>", [Costs("on\"line", 1, 100)]), ("ctl\u0001", [Costs("online", 1, 100)]));
        string svg = CostChart.Render(report, new CostChartOptions { Title = "x < y & z" });

        Assert.Contains("A&amp;&lt;B&gt;", svg, StringComparison.Ordinal);
        XElement root = Parse(svg);
        Assert.Contains(Texts(root), t => t == "A&<B>");
        Assert.Contains(Texts(root), t => t == "x < y & z");
        Assert.Single(Panel(root, "compute"), b => (string?)b.Attribute("data-party") == "A&<B>");
        Assert.Contains(Texts(root), t => t == "ctl\\x01");   // a control character becomes a visible escape, not an XML error
    }

    [Fact]
    public void AnEmptyReportIsAValidNoDataChart()
    {
        XElement root = Parse(CostChart.Render(Report()));
        Assert.Contains(Texts(root), t => t.StartsWith("no data", StringComparison.Ordinal));
        Assert.Empty(Rects(root, "bar"));
    }

    [Fact]
    public void AllZeroOrNonFiniteValuesDrawNoBarsAndNoNaN()
    {
        SimulationReport report = Report(("A", [Costs("online", double.NaN, 0)]), ("B", [Costs("online", double.PositiveInfinity, 0)]));
        XElement root = Parse(CostChart.Render(report));   // Parse rejects NaN and Infinity anywhere
        Assert.Empty(Rects(root, "bar"));
        Assert.Contains(Texts(root), t => t == "no compute recorded");
        Assert.Contains(Texts(root), t => t == "no sent recorded");
    }

    [Fact]
    public void NumbersUseAPointEvenWhenTheCurrentCultureUsesAComma()
    {
        CultureInfo saved = CultureInfo.CurrentCulture;
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        comma.NumberFormat.NumberGroupSeparator = ".";
        try
        {
            CultureInfo.CurrentCulture = comma;
            Assert.Equal("1,5", 1.5.ToString(CultureInfo.CurrentCulture));   // the culture really is in effect
            SimulationReport report = Report(("A", [Costs("online", 1.5, 1_234_567)]), ("B", [Costs("online", 0.75, 7_654_321)]));
            XElement root = Parse(CostChart.Render(report));
            Assert.Contains(Texts(root), t => t == "1.5");    // a bar's value
            Assert.Contains(Texts(root), t => t == "0.5");    // a tick
            Assert.Contains(Texts(root), t => t == "1.23");   // MB sent by A
            Assert.DoesNotContain(Texts(root), t => t.Contains(',', StringComparison.Ordinal) && char.IsDigit(t[0]));
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void WriteCreatesTheFile()
    {
        string dir = Path.Combine(Path.GetTempPath(), "seco-charts-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = Path.Combine(dir, "out", "costs.svg");
            CostChart.Write(ThreeParties, path);
            Assert.Equal(3, Panel(Parse(File.ReadAllText(path)), "compute").Count);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
