using System.Xml.Linq;
using Seco.Actors.Messages;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.Scenarios.Reporting;
using static Seco.Scenarios.Tests.Reporting.ChartXml;
using static Seco.Scenarios.Tests.Reporting.TimelineChartTests;

namespace Seco.Scenarios.Tests.Reporting;

/// <summary>Query bands and failure markers on timeline.svg.</summary>
public class TimelineMarksTests
{
    private const long Ms = 1_000_000;
    private const double Left = 130, Right = 24;

    private static readonly HandlerSpan[] Spans = [Span("user", 0, 10 * Ms), Span("A", 20 * Ms, 30 * Ms), Span("B", 60 * Ms, 40 * Ms)];

    private static List<XElement> Lines(XElement root, string cls) =>
        [.. root.Descendants(SvgNs + "line").Where(l => (string?)l.Attribute("class") == cls)];

    private static XElement Failure(XElement root) =>
        Assert.Single(root.Descendants(SvgNs + "path"), p => (string?)p.Attribute("class") == "failure");

    [Fact]
    public void EachQueryIsANamedBandFromItsBeginToItsEndWithGuidesThroughTheLanes()
    {
        TimelineQuery[] queries = [new("q1", "user", 50 * Ms, 80 * Ms), new("q0", "user", 0, 40 * Ms), new("q2", "user", 60 * Ms, 100 * Ms)];
        XElement root = Parse(TimelineChart.Render(Spans, [], new TimelineOptions { Width = 1000, Queries = queries }));

        List<XElement> bands = Rects(root, "query");
        Assert.Equal(["q0", "q1", "q2"], bands.Select(b => (string)b.Attribute("data-query")!));   // by begin time
        double plot = 1000 - Left - Right;   // the window is 0–100 ms
        Assert.Equal([Left, Left + plot * 0.5, Left + plot * 0.6], bands.Select(b => Num(b, "x")), (a, b) => Math.Abs(a - b) < 0.5);
        Assert.Equal([plot * 0.4, plot * 0.3, plot * 0.4], bands.Select(b => Num(b, "width")), (a, b) => Math.Abs(a - b) < 0.5);
        // q1 and q2 overlap, so they sit in different rows; q0 ended before q1 began and shares q1's row.
        Assert.Equal(Num(bands[0], "y"), Num(bands[1], "y"));
        Assert.NotEqual(Num(bands[1], "y"), Num(bands[2], "y"));
        Assert.Equal(["q0", "q1", "q2"], Labels(root, "query-label"));
        Assert.Equal(3, Lines(root, "query-start").Count);
        Assert.Equal(bands.Select(b => Num(b, "x") + Num(b, "width")), Lines(root, "query-end").Select(l => Num(l, "x1")), (a, b) => Math.Abs(a - b) < 0.5);
        Assert.Contains("waiting 40 ms", bands[0].Element(SvgNs + "title")!.Value, StringComparison.Ordinal);
        // The strip sits above the lanes.
        Assert.All(bands, b => Assert.True(Num(b, "y") + Num(b, "height") <= Rects(root, "span").Min(s => Num(s, "y"))));
    }

    [Fact]
    public void AnUnfinishedQueryIsAnOpenDashedBandToTheRightEdgeMarkedNotFinished()
    {
        TimelineQuery[] queries = [new("q0", "user", 0, 30 * Ms), new("q1", "user", 40 * Ms, null)];
        XElement root = Parse(TimelineChart.Render(Spans, [], new TimelineOptions { Width = 1000, Queries = queries }));

        XElement open = Assert.Single(Rects(root, "unfinished"));
        Assert.Equal("q1", (string?)open.Attribute("data-query"));
        Assert.NotNull(open.Attribute("stroke-dasharray"));
        Assert.Equal(1000 - Right, Num(open, "x") + Num(open, "width"), 0);
        Assert.Contains("q1 not finished", Labels(root, "query-label"));
        Assert.Single(Lines(root, "query-end"));   // only q0 has an end
        Assert.Contains(Texts(root), t => t.Contains("1 query not finished", StringComparison.Ordinal));
    }

    [Fact]
    public void AShortBandsNameIsLeftToItsTooltipWhenTheNextBandOfItsRowFollowsClosely()
    {
        // q0 lasts 1 ms (8 px) and q1 begins 0.5 ms later: "q0" would run into q1's band and name.
        TimelineQuery[] queries = [new("q0", "user", 0, Ms), new("q1", "user", 3 * Ms / 2, 50 * Ms), new("q2", "user", 90 * Ms, 91 * Ms)];
        XElement root = Parse(TimelineChart.Render(Spans, [], new TimelineOptions { Width = 1000, Queries = queries }));
        Assert.Equal(3, Rects(root, "query").Count);
        Assert.Single(Rects(root, "query").Select(b => Num(b, "y")).Distinct());   // one row
        Assert.Equal(["q1", "q2"], Labels(root, "query-label"));   // q2 is as short as q0 but has room after it
    }

    [Fact]
    public void AFailureIsARedMarkerOnTheFailingPartysLaneAtItsTimeWithTheErrorInItsTooltip()
    {
        TimelineFailure[] failures = [new(75 * Ms, "A", "session 1 failed at A: MAC check <failed> & aborted")];
        XElement root = Parse(TimelineChart.Render(Spans, [], new TimelineOptions { Width = 1000, Failures = failures }));

        XElement marker = Failure(root);
        Assert.Equal("A", (string?)marker.Attribute("data-party"));
        Assert.Equal("#d62728", (string?)marker.Attribute("fill"));
        Assert.Equal("session 1 failed at A: MAC check <failed> & aborted", marker.Element(SvgNs + "title")!.Value);
        // The path starts at the diamond's top corner: x at 75 of 100 ms, y inside A's lane.
        string[] start = marker.Attribute("d")!.Value[1..].Split(' ')[0].Split(',');
        double x = double.Parse(start[0], System.Globalization.CultureInfo.InvariantCulture), y = double.Parse(start[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Left + (1000 - Left - Right) * 0.75, x, 0);
        XElement laneA = Rects(root, "span").Single(r => (string?)r.Attribute("data-party") == "A");
        Assert.InRange(y, Num(laneA, "y") - 6, Num(laneA, "y") + Num(laneA, "height"));
    }

    [Fact]
    public void TheReportOverloadMarksTheReportsQueriesAndFailuresAndTheWindowReachesTheLastFailure()
    {
        SimulationReport report = CostChartTests.Report(("user", []), ("A", [])) with
        {
            Queries = [new QueryReport("q0", "user", 0, 40, 0.04, 0.01), new QueryReport("q1", "user", 50, null, null, null)],
            Failures = [new SessionFailure(150 * Ms, "node-7", "/seco", new SessionId(3), "online", "seco.step", "peer vanished", false)],
            InjectedFailures = [new InjectedFailure(120 * Ms, "party B stopped")],
        };
        XElement root = Parse(TimelineChart.Render(report, Spans, []));

        Assert.Equal(["q0", "q1"], Rects(root, "query").Select(b => (string)b.Attribute("data-query")!));
        Assert.Single(Rects(root, "unfinished"));
        XElement marker = Failure(root);
        Assert.Contains("peer vanished", marker.Element(SvgNs + "title")!.Value, StringComparison.Ordinal);
        Assert.Contains("node-7", Labels(root, "lane-label"));   // a party that only failed still gets its lane
        Assert.Contains(Texts(root), t => t.Contains("and 150 ms of virtual time", StringComparison.Ordinal));
        // The injected stop is a line through all lanes at 120 of 150 ms.
        XElement incident = Assert.Single(root.Descendants(SvgNs + "g"), g => (string?)g.Attribute("class") == "incident");
        Assert.Equal("injected at 120 ms: party B stopped", incident.Element(SvgNs + "title")!.Value);
        XElement line = incident.Elements(SvgNs + "line").Last();
        Assert.Equal(Left + (1200 - Left - Right) * 0.8, Num(line, "x1"), 0);
        Assert.True(Num(line, "y1") <= Rects(root, "span").Min(s => Num(s, "y")));
        Assert.True(Num(line, "y2") >= Rects(root, "span").Max(s => Num(s, "y") + Num(s, "height")));
    }

    [Fact]
    public void HostileNamesAndErrorsReachTheTimelineWithoutControlCharacters()
    {
        const string evil = "B\u001b]0;x\u0007\u202e";
        TimelineQuery[] queries = [new("q\u00000", evil, 0, 10 * Ms)];
        TimelineFailure[] failures = [new(5 * Ms, evil, "error\u001b[2J\r\ncleared")];
        XElement root = Parse(TimelineChart.Render([Span(evil, 0, 10 * Ms)], [],
            new TimelineOptions { Title = "t\u0085", Queries = queries, Failures = failures }));

        AssertNoControlCharacters(root);
        Assert.Equal(@"error\e[2J\r\ncleared", Failure(root).Element(SvgNs + "title")!.Value);
        Assert.Equal([@"B\e]0;x\a\u202e"], Labels(root, "lane-label"));
        Assert.Equal([@"q\00"], Labels(root, "query-label"));
    }
}
