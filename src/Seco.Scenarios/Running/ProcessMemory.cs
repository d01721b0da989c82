using System.Diagnostics;

namespace Seco.Scenarios.Running;

/// <summary>
/// The peak resident memory of this process (Linux: VmHWM of /proc/self/status; elsewhere the peak working set). The
/// simulator runs every party in one process, so its peak bounds each party's peak from above — what a run report can
/// say about memory without separate processes (the cluster runtime's nodes are those).
/// </summary>
public static class ProcessMemory
{
    /// <summary>
    /// Caps this process's managed heap at <paramref name="bytes"/> (the runtime's GCHeapHardLimit, set at run time
    /// through <see cref="GC.RefreshMemoryLimit"/>): the collector works harder as the heap nears it, and an allocation
    /// past it throws <see cref="OutOfMemoryException"/>. A node or user file's <c>memory_limit</c> (docs/cluster.md).
    /// </summary>
    public static void LimitHeap(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        AppContext.SetData("GCHeapHardLimit", (ulong)bytes);
        GC.RefreshMemoryLimit();
    }

    /// <summary>The managed heap's limit as the collector sees it (the machine's memory when none is set).</summary>
    public static long HeapLimitBytes() => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    public static long PeakResidentBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                // "VmHWM:   123456 kB"
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)
                    && long.TryParse(line["VmHWM:".Length..].Trim().Split(' ')[0], out long kb))
                {
                    return kb * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        using var self = Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }
}
