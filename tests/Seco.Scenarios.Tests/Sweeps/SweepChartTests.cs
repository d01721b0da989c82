using System.Xml.Linq;
using Seco.Scenarios.Sweeps;
using Seco.Scenarios.Tests.Reporting;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>Sweep charts are valid SVG with one series per value of the by axes; only finished points are drawn.</summary>
public sealed class SweepChartTests : IDisposable
{
    private readonly SweepFolder _folder = new();
    private readonly SweepPlan _plan;
    private readonly List<SweepRow> _rows;

    public SweepChartTests()
    {
        _plan = SweepPlan.Build(_folder.Load("""
            version: 1
            name: chart-test
            base: base.yaml
            grid:
              split: [0, 1, 2]
              network: [lan, wan]
            charts:
              - { x: split, y: [bytes_sent.total, rounds.online], by: network }
              - { x: network, y: user.waiting_s, scale: linear }
            """));
        // Bytes from 1 kB to 100 MB (five decades: a log axis); point 4 (split 1, wan) failed and has no measures.
        _rows = [.. _plan.Points.Select(p => p.Number == 4
            ? new SweepRow(p, PointStatus.Error, null, new Dictionary<string, double>(), "broke")
            : new SweepRow(p, PointStatus.Ok, true, new Dictionary<string, double>
            {
                [SweepMeasures.TotalBytesSent] = Math.Pow(10, 3 + p.Index),
                ["rounds.online"] = 6 + p.Index,
                [SweepMeasures.UserWaiting] = p.Number / 10.0,
            }))];
    }

    public void Dispose() => _folder.Dispose();

    private static IEnumerable<XElement> Els(XElement root, string name, string cls) =>
        root.Descendants(ChartXml.SvgNs + name).Where(e => (string?)e.Attribute("class") == cls);

    [Fact]
    public void ANumericAxisIsALineChartWithASeriesPerValueOfBy()
    {
        XElement root = ChartXml.Parse(SweepCharts.Render(_plan, _rows, 0));
        Assert.Equal("line", root.Descendants().Single(e => (string?)e.Attribute("class") == "sweep-chart").Attribute("data-kind")!.Value);
        Assert.Equal(["bytes_sent.total", "rounds.online"], ChartXml.Panels(root, "bytes_sent.total").Concat(ChartXml.Panels(root, "rounds.online"))
            .Select(p => p.Attribute("data-quantity")!.Value));
        XElement bytes = Assert.Single(ChartXml.Panels(root, "bytes_sent.total"));
        var series = Els(bytes, "g", "series").ToList();
        Assert.Equal(["lan", "wan"], series.Select(s => s.Attribute("data-series")!.Value));
        // lan: three points joined by one line; wan: split 1 failed, so two points and no line bridging the gap.
        Assert.Equal(["0", "1", "2"], Els(series[0], "circle", "point").Select(c => c.Attribute("data-x")!.Value));
        Assert.Single(Els(series[0], "polyline", "line"));
        Assert.Equal(["0", "2"], Els(series[1], "circle", "point").Select(c => c.Attribute("data-x")!.Value));
        Assert.Empty(Els(series[1], "polyline", "line"));
        Assert.Equal("100000000", Els(series[1], "circle", "point").Last().Attribute("data-value")!.Value); // point 6: 10^8
        Assert.Contains("bytes_sent.total (log scale)", ChartXml.Labels(bytes, "axis-title"));
        // Rounds 6..11 span less than two decades: a linear axis without a unit.
        Assert.Contains("rounds.online", ChartXml.Labels(Assert.Single(ChartXml.Panels(root, "rounds.online")), "axis-title"));
        Assert.Equal(["lan", "wan"], root.Descendants(ChartXml.SvgNs + "g").Where(g => (string?)g.Attribute("class") == "legend-item")
            .Select(g => g.Attribute("data-series")!.Value));
        Assert.Contains("5 of 6 points drawn: only those that finished bit-exact (status ok in results.csv)", ChartXml.Texts(root));
    }

    [Fact]
    public void ACategoricalAxisIsAGroupedBarChart()
    {
        XElement root = ChartXml.Parse(SweepCharts.Render(_plan, _rows, 1));
        Assert.Equal("bar", root.Descendants().Single(e => (string?)e.Attribute("class") == "sweep-chart").Attribute("data-kind")!.Value);
        var bars = ChartXml.Panel(root, SweepMeasures.UserWaiting);
        Assert.Equal(5, bars.Count); // six points, one failed
        Assert.Equal(["lan", "lan", "lan", "wan", "wan"], bars.Select(b => b.Attribute("data-x")!.Value));
        Assert.Equal(["0", "1", "2", "0", "2"], bars.Select(b => b.Attribute("data-series")!.Value));
        Assert.Equal("0.6", bars.Last().Attribute("data-value")!.Value); // point 6 (split 2, wan)
        Assert.Contains("user.waiting_s (ms)", ChartXml.Labels(root, "axis-title"));
    }

    [Fact]
    public void EveryChartIsWrittenUnderItsFileName()
    {
        IReadOnlyList<string> names = SweepCharts.Write(_plan, _rows, _folder.Root);
        Assert.Equal(["chart1-split.svg", "chart2-network.svg"], names);
        foreach (string name in names)
            ChartXml.Parse(File.ReadAllText(Path.Combine(_folder.Root, name)));
    }
}
