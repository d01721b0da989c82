using System.Xml.Linq;
using Seco.Actors.Messages;
using Seco.Actors.Simulation;
using Seco.Scenarios.Reporting;
using static Seco.Scenarios.Tests.Reporting.ChartXml;

namespace Seco.Scenarios.Tests.Reporting;

public class TimelineChartTests
{
    private const long Ms = 1_000_000;

    internal static HandlerSpan Span(string party, long startNs, long durationNs, string phase = "online", string kind = "seco.step") =>
        new(party, startNs, durationNs, "actor", kind, new SessionId(1), phase, 0);

    internal static MessageRecord Message(long id, string from, string to, long sentNs, long arrivedNs, string? dropReason = null) =>
        new(id, from, to, "seco.msg", new SessionId(1), "online", 1000, 1, sentNs, sentNs, sentNs, arrivedNs, arrivedNs, dropReason);

    private static List<XElement> SpanRects(XElement root) => Rects(root, "span");

    private static List<XElement> Arrows(XElement root) =>
        root.Descendants(SvgNs + "g").Single(g => (string?)g.Attribute("class") == "messages").Elements(SvgNs + "line").ToList();

    [Fact]
    public void SpansArePlacedAtXProportionalToTimeWithWidthProportionalToDuration()
    {
        HandlerSpan[] spans = [Span("A", 0, 100 * Ms), Span("A", 1000 * Ms, 100 * Ms), Span("A", 3000 * Ms, 200 * Ms, "output")];
        List<XElement> rects = SpanRects(Parse(TimelineChart.Render(spans, [])));

        Assert.Equal(3, rects.Count);
        double x0 = Num(rects[0], "x"), x1 = Num(rects[1], "x"), x2 = Num(rects[2], "x");
        Assert.Equal(3.0, (x2 - x0) / (x1 - x0), 2);
        Assert.Equal(2.0, Num(rects[2], "width") / Num(rects[0], "width"), 1);
        Assert.Equal((x1 - x0) / 10, Num(rects[0], "width"), 1);   // 100 ms of the 1000 ms between the first two starts
        Assert.NotEqual((string?)rects[0].Attribute("fill"), (string?)rects[2].Attribute("fill"));
    }

    [Fact]
    public void ASpanTooltipNamesKindPhaseAndDuration()
    {
        XElement root = Parse(TimelineChart.Render([Span("A", 0, 250 * Ms, "keygen", "seco.keygen.share")], []));
        string tip = SpanRects(root).Single().Element(SvgNs + "title")!.Value;
        Assert.Contains("seco.keygen.share", tip, StringComparison.Ordinal);
        Assert.Contains("keygen", tip, StringComparison.Ordinal);
        Assert.Contains("250 ms", tip, StringComparison.Ordinal);
    }

    [Fact]
    public void HundredThousandTinySpansMergeIntoFewRectsThatStillCountEverySpan()
    {
        // 2 parties × 50,000 handlers of 10 µs every 40 µs (2 s); the phase changes every 0.5 s.
        var spans = new List<HandlerSpan>();
        string[] phases = ["keygen", "fbc-prep", "online", "output"];
        for (int i = 0; i < 50_000; i++)
        {
            long t = i * 40_000L;
            spans.Add(Span("A", t, 10_000, phases[t / (500 * Ms)]));
            spans.Add(Span("B", t + 20_000, 10_000, phases[t / (500 * Ms)]));
        }
        var options = new TimelineOptions { Width = 1000 };
        string svg = TimelineChart.Render(spans, [], options);
        XElement root = Parse(svg);

        List<XElement> rects = SpanRects(root);
        Assert.InRange(rects.Count, 2 * phases.Length, 2 * 2 * 1000);
        Assert.True(rects.Count <= 40, $"{rects.Count} rects: adjacent columns of one phase should be one rect");
        Assert.Equal(100_000, rects.Sum(r => (int)Num(r, "data-count")));
        Assert.True(svg.Length < 200_000, $"{svg.Length} characters");
        // Each party is busy a quarter of the time; the merged rects' opacity says so (0.3 + 0.7 × 0.25).
        Assert.All(rects, r => Assert.InRange(Num(r, "fill-opacity"), 0.45, 0.5));
        Assert.Equal(phases, root.Descendants(SvgNs + "g").Where(g => (string?)g.Attribute("class") == "legend-item").Select(g => (string)g.Attribute("data-phase")!));
    }

    [Fact]
    public void InterleavedPhasesStillGiveAtMostAboutOneRectPerPixelColumn()
    {
        // Worst case for merging: the phase alternates at every span.
        var spans = Enumerable.Range(0, 100_000).Select(i => Span("A", i * 1000L, 500, i % 2 == 0 ? "online" : "output")).ToList();
        XElement root = Parse(TimelineChart.Render(spans, [], new TimelineOptions { Width = 800 }));
        Assert.InRange(SpanRects(root).Count, 1, 800);
    }

    [Fact]
    public void AMessageIsAnArrowFromTheSendersLaneAtSendTimeToTheReceiversLaneAtArrival()
    {
        HandlerSpan[] spans = [Span("A", 0, 10 * Ms), Span("B", 400 * Ms, 10 * Ms)];
        MessageRecord[] messages = [Message(1, "A", "B", 100 * Ms, 300 * Ms), Message(2, "B", "A", 500 * Ms, 1000 * Ms)];
        XElement root = Parse(TimelineChart.Render(spans, messages));

        List<XElement> arrows = Arrows(root);
        Assert.Equal(2, arrows.Count);
        XElement ab = arrows[0], ba = arrows[1];
        double laneA = Num(ab, "y1"), laneB = Num(ab, "y2");
        Assert.True(laneA < laneB);   // A appeared first: the upper lane
        Assert.Equal(laneB, Num(ba, "y1"));
        Assert.Equal(laneA, Num(ba, "y2"));
        // 100 → 300 ms and 500 → 1000 ms: x differences in ratio 200 : 500, starts 400 ms apart.
        Assert.Equal(2.5, (Num(ba, "x2") - Num(ba, "x1")) / (Num(ab, "x2") - Num(ab, "x1")), 2);
        Assert.Equal(2.0, (Num(ba, "x1") - Num(ab, "x1")) / (Num(ab, "x2") - Num(ab, "x1")), 2);
    }

    [Fact]
    public void ManyMessagesAreSampledAndTheChartSaysSo()
    {
        var messages = Enumerable.Range(0, 5000).Select(i => Message(i, "A", "B", i * Ms, i * Ms + 5 * Ms)).ToList();
        XElement root = Parse(TimelineChart.Render([], messages, new TimelineOptions { MaxMessages = 1000 }));
        Assert.InRange(Arrows(root).Count, 900, 1000);
        Assert.Contains(Texts(root), t => t.Contains("of 5000 messages drawn", StringComparison.Ordinal));
    }

    [Fact]
    public void DroppedMessagesAreMarkedOnTheSendersLane()
    {
        MessageRecord[] messages = [Message(1, "A", "B", 0, 2 * Ms), Message(2, "A", "node-9", 5 * Ms, 5 * Ms, "no party at node-9")];
        XElement root = Parse(TimelineChart.Render([], messages));
        XElement drop = root.Descendants(SvgNs + "g").Single(g => (string?)g.Attribute("class") == "dropped").Elements(SvgNs + "path").Single();
        Assert.Contains("no party at node-9", drop.Element(SvgNs + "title")!.Value, StringComparison.Ordinal);
        Assert.Equal(["A", "B"], Labels(root, "lane-label"));
    }

    [Fact]
    public void LanesFollowTheGivenOrderThenFirstAppearanceAndNamesAreEscaped()
    {
        HandlerSpan[] spans = [Span("A&<B>", 0, Ms), Span("gateway", Ms, Ms), Span("user", 2 * Ms, Ms)];
        string svg = TimelineChart.Render(spans, [], new TimelineOptions { Parties = ["user"] });
        Assert.Contains("A&amp;&lt;B&gt;", svg, StringComparison.Ordinal);
        XElement root = Parse(svg);
        Assert.Equal(["user", "A&<B>", "gateway"],
            Labels(root, "lane-label"));
        double Y(string party) => Num(SpanRects(root).Single(r => (string?)r.Attribute("data-party") == party), "y");
        Assert.True(Y("user") < Y("A&<B>") && Y("A&<B>") < Y("gateway"));
    }

    [Fact]
    public void ATimeWindowKeepsOnlyWhatOverlapsItAndClipsIt()
    {
        HandlerSpan[] spans = [Span("A", 0, 100 * Ms), Span("A", 900 * Ms, 200 * Ms, "output"), Span("A", 5000 * Ms, 100 * Ms)];
        var options = new TimelineOptions { FromNs = 1000 * Ms, ToNs = 2000 * Ms, Width = 1000 };
        XElement root = Parse(TimelineChart.Render(spans, [], options));
        XElement only = Assert.Single(SpanRects(root));
        Assert.Equal("output", (string?)only.Attribute("data-phase"));
        double plot = 1000 - 130 - 24;   // the chart's width minus its margins
        Assert.Equal(plot * 0.1, Num(only, "width"), 0);   // 1000–1100 ms of a 1000 ms window
    }

    [Fact]
    public void NothingToDrawGivesAValidNoDataChart()
    {
        XElement empty = Parse(TimelineChart.Render([], []));
        Assert.Contains(Texts(empty), t => t.StartsWith("no data", StringComparison.Ordinal));
        XElement outside = Parse(TimelineChart.Render([Span("A", 0, Ms)], [], new TimelineOptions { FromNs = 10 * Ms, ToNs = 20 * Ms }));
        Assert.Contains(Texts(outside), t => t.StartsWith("no data", StringComparison.Ordinal));
        Assert.Empty(SpanRects(outside));
    }

    [Fact]
    public void ZeroLengthSpansAtOneInstantStillDraw()
    {
        XElement root = Parse(TimelineChart.Render([Span("A", 0, 0), Span("B", 0, 0)], []));
        Assert.Equal(2, SpanRects(root).Count);
        Assert.All(SpanRects(root), r => Assert.True(Num(r, "width") >= 1));
    }
}
