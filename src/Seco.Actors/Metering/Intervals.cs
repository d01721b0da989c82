namespace Seco.Actors.Metering;

/// <summary>Length of the union of half-open intervals [start, end), clipped to a window.</summary>
public static class Intervals
{
    public static long UnionLength(IEnumerable<(long Start, long End)> intervals, long windowStart, long windowEnd)
    {
        long total = 0, curStart = 0, curEnd = long.MinValue;
        foreach ((long s0, long e0) in intervals.Select(i => (Math.Max(i.Start, windowStart), Math.Min(i.End, windowEnd)))
                     .Where(i => i.Item2 > i.Item1).OrderBy(i => i.Item1))
        {
            if (s0 > curEnd)
            {
                if (curEnd > curStart) total += curEnd - curStart;
                curStart = s0;
                curEnd = e0;
            }
            else
            {
                curEnd = Math.Max(curEnd, e0);
            }
        }
        if (curEnd > curStart) total += curEnd - curStart;
        return total;
    }
}
