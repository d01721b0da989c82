using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>Maps virtual nanoseconds in [From, To] to pixels in [Left, Left + Width].</summary>
internal readonly record struct TimeScale(long From, long To, double Left, double Width)
{
    public double X(long ns) => Left + (Math.Clamp(ns, From, To) - From) * (Width / (To - From));
}

/// <summary>
/// The timeline's query bands and failure markers. Queries get a strip of their own above the lanes (a
/// band from begin to end, named), packed into rows so concurrent queries do not cover each other, and
/// faint start/end guides down through the lanes when there are few enough to follow. Failures are red
/// diamonds on the failing party's lane.
/// </summary>
internal static class TimelineMarkers
{
    public const double RowHeight = 16;
    private const int MaxRows = 6, MaxGuides = 40;
    private const string Band = "#c6dbef", BandStroke = "#4e79a7", Unfinished = "#fdd0a2", Red = "#d62728", Orange = "#e8710a";

    /// <summary>The queries overlapping the window, by begin time, each with its row in the strip.</summary>
    public static List<(TimelineQuery Query, int Row)> Pack(IReadOnlyList<TimelineQuery> queries, long from, long to)
    {
        var rowEnds = new List<long>();
        var result = new List<(TimelineQuery, int)>();
        foreach (TimelineQuery q in queries.Where(q => q.BeginNs <= to && (q.EndNs ?? long.MaxValue) >= from).OrderBy(q => q.BeginNs))
        {
            long end = q.EndNs ?? long.MaxValue;
            int row = rowEnds.FindIndex(e => e <= q.BeginNs);
            if (row < 0 && rowEnds.Count < MaxRows)
            {
                row = rowEnds.Count;
                rowEnds.Add(end);
            }
            else if (row < 0)
            {
                // More concurrent queries than rows: overlap in the row that frees first (bands are translucent).
                row = rowEnds.IndexOf(rowEnds.Min());
            }
            rowEnds[row] = Math.Max(rowEnds[row], end);
            result.Add((q, row));
        }
        return result;
    }

    public static XElement Queries(List<(TimelineQuery Query, int Row)> packed, TimeScale x, double top, double lanesTop, double lanesBottom)
    {
        var g = Svg.El("g", Svg.A("class", "queries"));
        bool guides = packed.Count <= MaxGuides;
        for (int i = 0; i < packed.Count; i++)
        {
            var (q, row) = packed[i];
            double x0 = x.X(q.BeginNs), x1 = q.EndNs is { } e ? x.X(e) : x.Left + x.Width;
            double y = top + row * RowHeight + 1, h = RowHeight - 3;
            bool done = q.EndNs is not null;
            string label = done ? q.Name : $"{q.Name} not finished";
            string tip = done
                ? $"{q.Name} ({q.Party}): {Ms(q.BeginNs)} → {Ms(q.EndNs!.Value)} ms, waiting {DisplayUnit.Seconds((q.EndNs.Value - q.BeginNs) / 1e9)}"
                : $"{q.Name} ({q.Party}): began at {Ms(q.BeginNs)} ms, not finished by the end of the run";
            g.Add(Svg.Rect(x0, y, Math.Max(2, x1 - x0), h, done ? Band : Unfinished,
                Svg.A("class", done ? "query" : "query unfinished"), Svg.A("data-query", q.Name), Svg.A("data-party", q.Party),
                Svg.A("fill-opacity", 0.8), Svg.A("stroke", done ? BandStroke : Red), Svg.A("stroke-width", 0.8),
                done ? null : Svg.A("stroke-dasharray", "4 2"), Svg.Tooltip(tip)));
            // The name where it fits before the next band of its row starts (a short band's name may run past
            // its end into free space); otherwise only the tooltip names it, rather than two names overprinting.
            double room = packed.Skip(i + 1).Where(n => n.Row == row).Select(n => x.X(n.Query.BeginNs)).DefaultIfEmpty(x.Left + x.Width).First() - x0 - 4;
            if (Svg.TextWidth(label.Length, 10) <= Math.Max(room, x1 - x0 - 4))
                g.Add(Svg.Text(x0 + 3, y + h - 3, label, "start", 10, Svg.A("class", "query-label"), Svg.A("pointer-events", "none")));
            if (!guides) continue;
            g.Add(Svg.Line(x0, lanesTop, x0, lanesBottom, BandStroke, 0.8, Svg.A("class", "query-start"), Svg.A("data-query", q.Name),
                Svg.A("stroke-dasharray", "2 3"), Svg.A("stroke-opacity", 0.6)));
            if (done)
                g.Add(Svg.Line(x1, lanesTop, x1, lanesBottom, BandStroke, 0.8, Svg.A("class", "query-end"), Svg.A("data-query", q.Name),
                    Svg.A("stroke-dasharray", "6 2"), Svg.A("stroke-opacity", 0.6)));
        }
        return g;
    }

    /// <summary>A red diamond per failure in the window at its time on its party's lane, the description in its tooltip.</summary>
    public static XElement Failures(IEnumerable<TimelineFailure> failures, Dictionary<string, int> lane, TimeScale x, double top, double laneHeight)
    {
        var g = Svg.El("g", Svg.A("class", "failures"));
        foreach (TimelineFailure f in failures)
        {
            double cx = x.X(f.AtNs), cy = top + lane[f.Party] * laneHeight + laneHeight / 2, r = Math.Min(6, laneHeight / 2 - 1);
            g.Add(Svg.El("path", Svg.A("class", "failure"), Svg.A("data-party", f.Party),
                Svg.A("d", $"M{Svg.N(cx)},{Svg.N(cy - r)} L{Svg.N(cx + r)},{Svg.N(cy)} L{Svg.N(cx)},{Svg.N(cy + r)} L{Svg.N(cx - r)},{Svg.N(cy)} Z"),
                Svg.A("fill", Red), Svg.A("stroke", "#ffffff"), Svg.A("stroke-width", 1), Svg.Tooltip(f.What)));
        }
        return g;
    }

    /// <summary>A dashed orange line through all lanes per injected failure in the window, its description in the tooltip.</summary>
    public static XElement Incidents(IEnumerable<TimelineIncident> incidents, TimeScale x, double top, double bottom)
    {
        var g = Svg.El("g", Svg.A("class", "incidents"));
        foreach (TimelineIncident i in incidents)
        {
            double ix = x.X(i.AtNs);
            // Wide transparent stroke under the visible one: a 1.5 px line is hard to hover for its tooltip.
            g.Add(Svg.El("g", Svg.A("class", "incident"),
                Svg.Line(ix, top, ix, bottom, "#ffffff", 8, Svg.A("stroke-opacity", 0)),
                Svg.Line(ix, top, ix, bottom, Orange, 1.5, Svg.A("stroke-dasharray", "5 3")),
                Svg.Tooltip(i.What)));
        }
        return g;
    }

    public static string Ms(long ns) => NiceScale.Short(ns / 1e6);
}
