using System.Diagnostics;

namespace Seco.Scenarios.Running;

/// <summary>
/// The peak resident memory of this process (Linux: VmHWM of /proc/self/status; elsewhere the peak working set). The
/// simulator runs every party in one process, so its peak bounds each party's peak from above — what a run report can
/// say about memory without separate processes (the cluster runtime's nodes are those).
/// </summary>
public static class ProcessMemory
{
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
