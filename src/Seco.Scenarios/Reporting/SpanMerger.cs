using Seco.Actors.Simulation;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// A rectangle of one timeline lane, x in pixels from the plot's left edge. Either one handler span at
/// least a pixel wide (<see cref="Span"/> set), or the spans narrower than a pixel in a run of adjacent
/// pixel columns whose dominant phase is <see cref="Phase"/> (<see cref="Count"/> of them, every phase's
/// count in <see cref="Summary"/>).
/// </summary>
internal sealed record LaneRect(double X0, double X1, string Phase, HandlerSpan? Span, int Count, long BusyNs, string Summary);

/// <summary>
/// Turns one party's handler spans into a bounded number of rectangles. Drawing 10^5 sub-pixel spans one
/// by one would make a file of megabytes that looks the same as one rectangle per pixel column; so spans
/// narrower than a pixel are binned by the column they start in, each column takes the phase with the most
/// busy time (then the most handlers), and adjacent columns of the same phase become one rectangle. Spans
/// on one party never overlap (its CPU runs one handler at a time), so wide spans are at most one per
/// pixel too: a lane never has more than about twice its width in rectangles.
/// </summary>
internal static class SpanMerger
{
    public static List<LaneRect> Merge(IEnumerable<HandlerSpan> spans, long fromNs, long toNs, double width)
    {
        var result = new List<LaneRect>();
        if (toNs <= fromNs || !(width > 0)) return result;
        double scale = width / (toNs - fromNs);
        int columns = Math.Max(1, (int)Math.Ceiling(width));
        var phaseIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new List<string>();
        var busy = new List<long[]>();
        var counts = new List<int[]>();

        foreach (HandlerSpan s in spans)
        {
            if (s.EndNs < fromNs || s.StartNs > toNs) continue;
            long s0 = Math.Max(s.StartNs, fromNs), s1 = Math.Min(s.EndNs, toNs);
            double x0 = (s0 - fromNs) * scale, x1 = (s1 - fromNs) * scale;
            if (x1 - x0 >= 1)
            {
                result.Add(new LaneRect(x0, x1, s.Phase, s, 1, s.DurationNs, ""));
                continue;
            }
            if (!phaseIndex.TryGetValue(s.Phase, out int ix))
            {
                ix = names.Count;
                phaseIndex.Add(s.Phase, ix);
                names.Add(s.Phase);
                busy.Add(new long[columns]);
                counts.Add(new int[columns]);
            }
            int col = Math.Clamp((int)x0, 0, columns - 1);
            busy[ix][col] += s1 - s0;
            counts[ix][col]++;
        }

        int runStart = -1, runPhase = -1;
        var runCounts = new int[names.Count];
        long runBusy = 0;
        for (int col = 0; col <= columns; col++)
        {
            int dominant = col == columns ? -1 : Dominant(busy, counts, col);
            if (runStart >= 0 && dominant != runPhase)
            {
                result.Add(Run(runStart, col, names, runPhase, runCounts, runBusy));
                runStart = -1;
                Array.Clear(runCounts);
                runBusy = 0;
            }
            if (dominant < 0) continue;
            if (runStart < 0) { runStart = col; runPhase = dominant; }
            for (int i = 0; i < names.Count; i++)
            {
                runCounts[i] += counts[i][col];
                runBusy += busy[i][col];
            }
        }
        return result;
    }

    private static int Dominant(List<long[]> busy, List<int[]> counts, int col)
    {
        int best = -1;
        for (int i = 0; i < counts.Count; i++)
        {
            if (counts[i][col] == 0) continue;
            if (best < 0 || busy[i][col] > busy[best][col] || (busy[i][col] == busy[best][col] && counts[i][col] > counts[best][col]))
                best = i;
        }
        return best;
    }

    private static LaneRect Run(int start, int end, List<string> names, int phase, int[] counts, long busyNs)
    {
        int total = counts.Sum();
        string byPhase = string.Join(", ", names.Select((n, i) => (n, c: counts[i])).Where(x => x.c > 0).Select(x => $"{x.n} {x.c}"));
        string summary = $"{total} short handler{(total == 1 ? "" : "s")} ({byPhase}), busy {DisplayUnit.Seconds(busyNs / 1e9)}";
        return new LaneRect(start, end, names[phase], null, total, busyNs, summary);
    }
}
