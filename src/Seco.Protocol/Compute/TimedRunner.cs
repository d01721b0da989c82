using System.Diagnostics;

namespace Seco.Protocol.Compute;

/// <summary>
/// Simulated cores: the iterations run one after another on the calling thread (the simulator measures one handler at
/// a time), each timed; for each region, the time <see cref="Cores"/> cores would have saved — the iterations' sum less
/// their makespan (<see cref="Makespan"/>) — goes to <paramref name="saved"/> as soon as the region ends, so the host
/// can credit it to the phase the region ran in. Assumes the cores do not slow each other down (no memory-bandwidth or
/// cache contention).
/// </summary>
/// <param name="saved">Called after each region that saved time, with the nanoseconds saved.</param>
public sealed class TimedRunner(int cores, Action<long>? saved = null) : IKernelRunner
{
    public int Cores { get; } = cores >= 1 ? cores : throw new ArgumentOutOfRangeException(nameof(cores), cores, "a party has at least one core");

    /// <summary>Nanoseconds saved over all regions so far.</summary>
    public long SavedNs { get; private set; }

    public void For(int count, Action<int> body)
    {
        if (KernelRunner.RanAlone(Cores, count, body))
            return;
        var times = new long[count];
        using (KernelRunner.Use(KernelRunner.Sequential)) // a nested region shares these cores: no second credit
        {
            for (int i = 0; i < count; i++)
            {
                long start = Stopwatch.GetTimestamp();
                body(i);
                times[i] = (long)((Stopwatch.GetTimestamp() - start) * (1e9 / Stopwatch.Frequency));
            }
        }
        long region = times.Sum() - Makespan.Greedy(times, Cores);
        if (region <= 0)
            return;
        SavedNs += region;
        saved?.Invoke(region);
    }
}
