using System.Xml.Linq;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.Scenarios.Reporting;
using Seco.Scenarios.Running;
using static Seco.Scenarios.Tests.Reporting.ChartXml;

namespace Seco.Scenarios.Tests.Reporting;

/// <summary>Both charts drawn from a real run of the echo workload in the simulator.</summary>
public class EchoChartsTests
{
    private const string Echo = """
        version: 1
        name: echo-charts
        workload:
          echo: { request_bytes: 4000, reply_bytes: 1000, rounds: 2 }
        hierarchy:
          tiers:
            - name: t1
              servers: [B, C]
            - name: t2
              servers: [D, E]
        network:
          profile: lan
        queries: { count: 3 }
        """;

    [Fact]
    public void ChartsOfAnEchoRunShowEveryPartyAndMessage()
    {
        using var folder = new ScenarioFolder();
        EchoRunResult result = EchoRun.Run(folder.Load(Echo), ComputeTiming.Measured);
        SimulationReport report = result.Report;
        Assert.Empty(result.Failed);

        XElement costs = Parse(CostChart.Render(report, new CostChartOptions { Title = "echo-charts" }));
        List<XElement> sent = Panel(costs, "sent");
        Assert.Equal(report.Parties.Count(p => p.BytesSent > 0), sent.Count);
        PartyReport user = report.Parties.Single(p => p.Party == "user"), a = report.Parties.Single(p => p.Party == "A");
        Assert.Equal((double)a.BytesSent / user.BytesSent,
            Num(Bar(sent, "A", EchoRun.Phase), "height") / Num(Bar(sent, "user", EchoRun.Phase), "height"), 1);
        Assert.NotEmpty(Panel(costs, "compute"));   // measured compute: every handler took some time

        XElement timeline = Parse(TimelineChart.Render(result.Simulator.Spans, result.Simulator.Messages));
        // Lanes follow the request down the hierarchy, though actors start from the last tier up. Within a tier the
        // order is the parties' first activity, which measured compute can swap (D after E when B's handler ran longer).
        List<string> lanes = [.. Labels(timeline, "lane-label")];
        Assert.Equal(["user", "A"], lanes[..2]);
        Assert.Equal(["B", "C"], lanes[2..4].Order());
        Assert.Equal(["D", "E"], lanes[4..6].Order());
        int messages = timeline.Descendants(SvgNs + "g").Single(g => (string?)g.Attribute("class") == "messages").Elements(SvgNs + "line").Count();
        Assert.Equal(result.Simulator.Messages.Count, messages);
        Assert.Equal(60, messages);   // 3 queries × 2 rounds × 10 messages
        // With the report, each query the user marked is a band; all finished, nothing failed.
        XElement marked = Parse(TimelineChart.Render(report, result.Simulator.Spans, result.Simulator.Messages));
        Assert.Equal(3, report.Queries.Count);
        Assert.Equal(report.Queries.Select(q => q.Query), Rects(marked, "query").Select(b => (string)b.Attribute("data-query")!));
        Assert.Empty(Rects(marked, "unfinished"));
        Assert.DoesNotContain(marked.Descendants(SvgNs + "path"), p => (string?)p.Attribute("class") == "failure");
        Assert.Equal(result.Simulator.Spans.Count, Rects(timeline, "span").Sum(r => r.Attribute("data-count") is { } c ? int.Parse(c.Value, System.Globalization.CultureInfo.InvariantCulture) : 1));
    }

    [Fact]
    public void ChartsOfAnEchoRunAreWrittenToFiles()
    {
        using var folder = new ScenarioFolder();
        EchoRunResult result = EchoRun.Run(folder.Load(Echo), ComputeTiming.ChargedOnly);
        string costs = Path.Combine(folder.Root, "out", "costs.svg"), timeline = Path.Combine(folder.Root, "out", "timeline.svg");

        CostChart.Write(result.Report, costs);
        TimelineChart.Write(result.Simulator.Spans, result.Simulator.Messages, timeline);

        // Charged-only timing charges no compute to echo handlers: the compute panel says so instead of drawing bars.
        XElement c = Parse(File.ReadAllText(costs));
        Assert.Empty(Panel(c, "compute"));
        Assert.Contains(Texts(c), t => t == "no compute recorded");
        Assert.NotEmpty(Rects(Parse(File.ReadAllText(timeline)), "span"));
    }
}
