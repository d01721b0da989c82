namespace Seco.Protocol.Compute;

/// <summary>How long a region of independent iterations takes on several cores.</summary>
public static class Makespan
{
    /// <summary>
    /// Greedy list scheduling in order (Graham 1966): each iteration goes to the core that is free first; the result is
    /// when the last core finishes — what a work-sharing parallel loop does, within 2 − 1/cores of the optimum.
    /// </summary>
    public static long Greedy(ReadOnlySpan<long> durations, int cores)
    {
        KernelRunner.CheckCores(cores);
        Span<long> free = cores <= 256 ? stackalloc long[cores] : new long[cores];
        free.Clear();
        foreach (long d in durations)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d);
            int first = 0;
            for (int c = 1; c < free.Length; c++)
                if (free[c] < free[first]) first = c;
            free[first] += d;
        }
        long end = 0;
        foreach (long f in free) end = Math.Max(end, f);
        return end;
    }
}
