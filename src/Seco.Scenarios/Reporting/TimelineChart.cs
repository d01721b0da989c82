using System.Globalization;
using System.Xml.Linq;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// timeline.svg: one lane per party; each handler run on the party's CPU is a rectangle coloured by phase
/// (spans narrower than a pixel merged, <see cref="SpanMerger"/>); each message is a thin arrow from the
/// sender's lane at its send time to the receiver's lane at its arrival; dropped messages are red crosses
/// on the sender's lane. Queries are named bands in a strip above the lanes, failures red diamonds on the
/// failing party's lane (<see cref="TimelineMarkers"/>). Time runs left to right in virtual time (docs/charts.md).
/// </summary>
public static class TimelineChart
{
    private const double Left = 130, Right = 24, HeaderTop = 28, LegendTop = 58, LabelSize = 12;

    public static string Render(IReadOnlyList<HandlerSpan> spans, IReadOnlyList<MessageRecord> messages, TimelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(messages);
        options ??= new TimelineOptions();
        // Bounded: the span merger allocates per pixel column.
        double width = double.IsFinite(options.Width) ? Math.Clamp(options.Width, 400, 20_000) : 1200;
        double laneHeight = double.IsFinite(options.LaneHeight) ? Math.Clamp(options.LaneHeight, 8, 200) : 28;

        IReadOnlyList<TimelineQuery> queries = options.Queries ?? [];
        IReadOnlyList<TimelineFailure> failures = options.Failures ?? [];
        IReadOnlyList<TimelineIncident> incidents = options.Incidents ?? [];
        long from = Math.Max(0, options.FromNs ?? 0);
        // The default window also reaches the last query mark and failure: a failure after the last message is the news.
        long end = new[]
        {
            spans.Select(s => s.EndNs).DefaultIfEmpty(0).Max(),
            messages.Select(m => m.Dropped ? m.SentNs : m.ArrivedNs).DefaultIfEmpty(0).Max(),
            queries.Select(q => q.EndNs ?? q.BeginNs).DefaultIfEmpty(0).Max(),
            failures.Select(f => f.AtNs).DefaultIfEmpty(0).Max(),
            incidents.Select(i => i.AtNs).DefaultIfEmpty(0).Max(),
        }.Max();
        long to = options.ToNs ?? end;
        var inWindow = spans.Where(s => s.EndNs >= from && s.StartNs <= to).ToList();
        var sent = messages.Where(m => m.SentNs <= to && (m.Dropped ? m.SentNs : m.ArrivedNs) >= from).ToList();
        var failed = failures.Where(f => f.AtNs >= from && f.AtNs <= to).ToList();
        var injected = incidents.Where(i => i.AtNs >= from && i.AtNs <= to).ToList();
        var packed = TimelineMarkers.Pack(queries, from, to);
        if (to < from || (inWindow.Count == 0 && sent.Count == 0 && failed.Count == 0 && packed.Count == 0))
        {
            string why = spans.Count == 0 && messages.Count == 0 && queries.Count == 0 && failures.Count == 0
                ? "no data: nothing was recorded" : "no data in the chosen time window";
            return Svg.Serialize(Svg.NoData(width, 240, options.Title, why));
        }
        if (to == from) to = from + 1_000_000;   // everything at one instant: show a millisecond around it rather than divide by zero

        List<string> lanes = Lanes(options.Parties, inWindow, sent, failed);
        var lane = lanes.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i, StringComparer.Ordinal);
        var palette = new PhasePalette(options.PhaseOrder, inWindow.Select(s => s.Phase));
        var drawnPhases = inWindow.Select(s => s.Phase).ToHashSet(StringComparer.Ordinal);

        XElement legend = palette.Legend(16, LegendTop, width - 32, out double legendHeight, drawnPhases);
        double stripTop = LegendTop + legendHeight + 10, plotWidth = width - Left - Right;
        int stripRows = packed.Count == 0 ? 0 : packed.Max(p => p.Row) + 1;
        double top = stripTop + (stripRows == 0 ? 0 : stripRows * TimelineMarkers.RowHeight + 6);
        double plotHeight = lanes.Count * laneHeight, bottom = top + plotHeight;
        double height = bottom + 70;
        var x = new TimeScale(from, to, Left, plotWidth);

        XElement root = Svg.Root(width, height, options.Title);
        root.Add(Svg.El("defs", Svg.El("marker", Svg.A("id", "arrow"), Svg.A("viewBox", "0 0 6 6"), Svg.A("refX", 6), Svg.A("refY", 3),
            Svg.A("markerWidth", 5), Svg.A("markerHeight", 5), Svg.A("orient", "auto"),
            Svg.El("path", Svg.A("d", "M0,0 L6,3 L0,6 z"), Svg.A("fill", "#333333")))));
        root.Add(Svg.Text(16, HeaderTop, options.Title, "start", 18, Svg.A("font-weight", "bold")));
        root.Add(Svg.Text(16, HeaderTop + 18, string.Create(CultureInfo.InvariantCulture,
            $"{inWindow.Count} handler spans, {sent.Count} messages, {packed.Count} queries and {failed.Count} failures between {Ms(from)} and {Ms(to)} ms of virtual time"),
            "start", 12, Svg.A("fill", "#555555")));
        root.Add(legend);

        for (int i = 0; i < lanes.Count; i++)
        {
            double ly = top + i * laneHeight;
            if (i % 2 == 0) root.Add(Svg.Rect(Left, ly, plotWidth, laneHeight, "#f5f5f5"));
            root.Add(Svg.Text(Left - 8, ly + laneHeight / 2 + 4, Svg.Fit(lanes[i], Left - 20, LabelSize), "end", LabelSize,
                Svg.A("class", "lane-label"), Svg.Tooltip(lanes[i])));
        }
        if (stripRows > 0)
            root.Add(Svg.Text(Left - 8, stripTop + TimelineMarkers.RowHeight - 4, "queries", "end", LabelSize, Svg.A("fill", "#555555")));
        root.Add(Axis(x, top, bottom));
        root.Add(Spans(inWindow, lane, palette, x, top, laneHeight));
        root.Add(TimelineMarkers.Queries(packed, x, stripTop, top, bottom));
        root.Add(Messages(sent, lane, x, top, laneHeight, Math.Max(0, options.MaxMessages), out string note));
        root.Add(TimelineMarkers.Failures(failed, lane, x, top, laneHeight));
        root.Add(TimelineMarkers.Incidents(injected, x, top, bottom));
        if (failed.Count > 0) note += $"; {failed.Count} failure{(failed.Count == 1 ? "" : "s")} (red diamonds)";
        int open = packed.Count(p => p.Query.EndNs is null);
        if (open > 0) note += $"; {open} quer{(open == 1 ? "y" : "ies")} not finished (dashed bands)";
        if (injected.Count > 0) note += $"; {injected.Count} injected failure{(injected.Count == 1 ? "" : "s")} (dashed orange lines)";
        root.Add(Svg.Text(Left, bottom + 58, note, "start", 11, Svg.A("class", "note"), Svg.A("fill", "#555555")));
        return Svg.Serialize(root);
    }

    public static void Write(IReadOnlyList<HandlerSpan> spans, IReadOnlyList<MessageRecord> messages, string path, TimelineOptions? options = null) =>
        Svg.Write(path, Render(spans, messages, options));

    /// <summary>
    /// The timeline with the report's queries, session failures and injected failures marked, unless
    /// <paramref name="options"/> already lists them (<see cref="TimelineOptions.Queries"/>,
    /// <see cref="TimelineOptions.Failures"/>, <see cref="TimelineOptions.Incidents"/>).
    /// </summary>
    public static string Render(SimulationReport report, IReadOnlyList<HandlerSpan> spans, IReadOnlyList<MessageRecord> messages, TimelineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        options ??= new TimelineOptions();
        return Render(spans, messages, options with
        {
            Queries = options.Queries ?? [.. report.Queries.Select(TimelineQuery.From)],
            Failures = options.Failures ?? [.. report.Failures.Select(TimelineFailure.From)],
            Incidents = options.Incidents ?? [.. report.InjectedFailures.Select(TimelineIncident.From)],
        });
    }

    public static void Write(SimulationReport report, IReadOnlyList<HandlerSpan> spans, IReadOnlyList<MessageRecord> messages, string path,
        TimelineOptions? options = null) =>
        Svg.Write(path, Render(report, spans, messages, options));

    private static List<string> Lanes(IReadOnlyList<string>? preferred, List<HandlerSpan> spans, List<MessageRecord> messages, List<TimelineFailure> failures)
    {
        var order = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Parties in the order they first send or receive: the request's path through the hierarchy (user,
        // gateway, tier 1, ...), where span order would follow actor start-up. A dropped message's receiver
        // may be an address no party has, so only delivered messages name a receiver's lane.
        IEnumerable<string> all = (preferred ?? [])
            .Concat(messages.OrderBy(m => m.SentNs).SelectMany(m => m.Dropped ? [m.From] : new[] { m.From, m.To }))
            .Concat(spans.Select(s => s.Party))
            .Concat(failures.Select(f => f.Party));   // a party that failed before doing anything still gets a lane for its marker
        foreach (string p in all)
        {
            if (seen.Add(p)) order.Add(p);
        }
        return order;
    }

    private static XElement Axis(TimeScale x, double top, double bottom)
    {
        var g = Svg.El("g", Svg.A("class", "time-axis"));
        DisplayUnit unit = DisplayUnit.ForSeconds((x.To - x.From) / 1e9);
        double nsPerUnit = unit.Scale * 1e9;
        NiceScale scale = NiceScale.For(x.From / nsPerUnit, x.To / nsPerUnit, 8);
        foreach (double tick in scale.TicksWithin(x.From / nsPerUnit, x.To / nsPerUnit))
        {
            double tx = x.X((long)Math.Round(tick * nsPerUnit));
            g.Add(Svg.Line(tx, top, tx, bottom + 4, "#dddddd"));
            g.Add(Svg.Text(tx, bottom + 18, scale.Label(tick), "middle", 11));
        }
        g.Add(Svg.Line(x.Left, bottom, x.Left + x.Width, bottom, "#444444"));
        g.Add(Svg.Text(x.Left + x.Width / 2, bottom + 36, $"virtual time ({unit.Name})", "middle", LabelSize));
        return g;
    }

    private static XElement Spans(List<HandlerSpan> spans, Dictionary<string, int> lane, PhasePalette palette, TimeScale x, double top, double laneHeight)
    {
        var g = Svg.El("g", Svg.A("class", "spans"));
        double pad = Math.Min(4, laneHeight / 6);
        foreach (var group in spans.GroupBy(s => s.Party, StringComparer.Ordinal))
        {
            double y = top + lane[group.Key] * laneHeight + pad;
            foreach (LaneRect r in SpanMerger.Merge(group, x.From, x.To, x.Width))
            {
                string tip = r.Span is { } s
                    ? $"{s.Kind} · {s.Phase} · {DisplayUnit.Seconds(s.DurationNs / 1e9)} from {Ms(s.StartNs)} ms · {s.Actor} · session {s.Session}"
                    : $"{group.Key} · {r.Summary}";
                g.Add(Svg.Rect(x.Left + r.X0, y, Math.Max(1, r.X1 - r.X0), laneHeight - 2 * pad, palette.ColorOf(r.Phase),
                    Svg.A("class", r.Span is null ? "span merged" : "span"), Svg.A("data-party", group.Key), Svg.A("data-phase", r.Phase),
                    r.Span is null ? Svg.A("data-count", r.Count) : null,
                    r.Span is null ? Svg.A("fill-opacity", Occupancy(r, x)) : null, Svg.Tooltip(tip)));
            }
        }
        return g;
    }

    /// <summary>
    /// A merged rectangle fills whole pixel columns however little of them its handlers used; its opacity
    /// says how busy the party was there (0.3 nearly idle, 1 fully busy), so density is not overstated.
    /// </summary>
    private static double Occupancy(LaneRect r, TimeScale x)
    {
        double ns = (r.X1 - r.X0) * (x.To - x.From) / x.Width;
        return Math.Round(0.3 + 0.7 * Math.Clamp(ns > 0 ? r.BusyNs / ns : 1, 0, 1), 2);
    }

    private static XElement Messages(List<MessageRecord> messages, Dictionary<string, int> lane, TimeScale x, double top, double laneHeight,
        int max, out string note)
    {
        var g = Svg.El("g", Svg.A("class", "messages"), Svg.A("stroke", "#333333"), Svg.A("stroke-opacity", 0.45),
            Svg.A("stroke-width", 0.7), Svg.A("marker-end", "url(#arrow)"));
        var drops = Svg.El("g", Svg.A("class", "dropped"), Svg.A("stroke", "#d62728"), Svg.A("stroke-width", 1.5));
        var delivered = messages.Where(m => !m.Dropped && m.From != m.To).ToList();
        var dropped = messages.Where(m => m.Dropped).ToList();
        int stride = delivered.Count > max ? (delivered.Count + max - 1) / Math.Max(1, max) : 1;
        int drawn = 0;
        for (int i = 0; max > 0 && i < delivered.Count; i += stride)
        {
            MessageRecord m = delivered[i];
            double y1 = Mid(lane[m.From]), y2 = Mid(lane[m.To]);
            // Clip to the window along the line, so an arrow entering the window keeps its slope.
            long t0 = Math.Max(m.SentNs, x.From), t1 = Math.Min(m.ArrivedNs, x.To);
            double span = Math.Max(1, m.ArrivedNs - m.SentNs);
            g.Add(Svg.El("line", Svg.A("x1", x.X(t0)), Svg.A("y1", y1 + (y2 - y1) * (t0 - m.SentNs) / span),
                Svg.A("x2", x.X(t1)), Svg.A("y2", y1 + (y2 - y1) * (t1 - m.SentNs) / span),
                Svg.Tooltip($"{m.Kind} {m.From} → {m.To} · {m.Phase} · {m.Bytes} B · sent {Ms(m.SentNs)} ms, arrived {Ms(m.ArrivedNs)} ms")));
            drawn++;
        }
        foreach (MessageRecord m in dropped.Take(Math.Max(max, 1)))
        {
            double cx = x.X(m.SentNs), cy = Mid(lane[m.From]);
            drops.Add(Svg.El("path", Svg.A("d", $"M{Svg.N(cx - 3)},{Svg.N(cy - 3)} l6,6 m0,-6 l-6,6"),
                Svg.Tooltip($"dropped {m.Kind} {m.From} → {m.To} at {Ms(m.SentNs)} ms: {m.DropReason}")));
        }
        note = drawn == delivered.Count
            ? $"{drawn} messages drawn as arrows from send to arrival"
            : $"{drawn} of {delivered.Count} messages drawn{(drawn == 0 ? "" : $" (every {Ordinal(stride)})")} to keep the chart readable";
        if (dropped.Count > 0) note += $"; {dropped.Count} dropped (red crosses{(dropped.Count > Math.Max(max, 1) ? $", first {Math.Max(max, 1)} shown" : "")})";
        return Svg.El("g", g, drops);

        double Mid(int i) => top + i * laneHeight + laneHeight / 2;
    }

    private static string Ordinal(int n) => n + (n % 100 is 11 or 12 or 13 ? "th" : (n % 10) switch { 1 => "st", 2 => "nd", 3 => "rd", _ => "th" });

    private static string Ms(long ns) => TimelineMarkers.Ms(ns);
}
