using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Seco.Tests.Shared;

/// <summary>
/// CPU time of the calling thread, for tests that bound how long an algorithm takes: unlike wall
/// time it does not grow when the machine is busy with other work (the tests run on shared,
/// loaded machines), while a quadratic algorithm still blows any bound. Linux only
/// (clock_gettime with CLOCK_THREAD_CPUTIME_ID); elsewhere it falls back to wall time.
/// </summary>
internal static class ThreadCpuClock
{
    /// <summary>How long <paramref name="action"/> kept this thread busy.</summary>
    public static TimeSpan Measure(Action action)
    {
        TimeSpan start = Now();
        action();
        return Now() - start;
    }

    /// <summary>The least of <paramref name="runs"/> measurements (the first run also pays for JIT compilation).</summary>
    public static TimeSpan Best(int runs, Action action)
    {
        TimeSpan best = TimeSpan.MaxValue;
        for (int i = 0; i < runs; i++)
        {
            TimeSpan t = Measure(action);
            best = t < best ? t : best;
        }
        return best;
    }

    private static TimeSpan Now()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ThreadCpuTimeId, out TimeSpec ts) == 0)
            return TimeSpan.FromTicks(ts.Seconds * TimeSpan.TicksPerSecond + ts.Nanoseconds / 100);
        return Stopwatch.GetElapsedTime(0);
    }

    private const int ThreadCpuTimeId = 3;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    // DllImport rather than LibraryImport: the generated marshalling needs unsafe code, which the build forbids.
    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);
}
