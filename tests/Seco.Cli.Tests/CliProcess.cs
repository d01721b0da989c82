using System.Diagnostics;
using System.Globalization;

namespace Seco.Cli.Tests;

/// <summary>
/// Runs the built `seco` (Seco.Cli.dll, copied next to the tests) as a real process, as a user
/// would, and measures it: wall time, and on Linux CPU time and peak resident memory. These come
/// from /usr/bin/time when it is installed (exact, taken at exit), otherwise the peak is polled
/// from /proc/&lt;pid&gt;/status (VmHWM) while the process runs.
/// </summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Wall, TimeSpan? Cpu, long? PeakRssBytes);

    private const string Time = "/usr/bin/time";

    public static Result Run(TimeSpan timeout, params string[] args)
    {
        // The test project references Seco.Cli, so the built Seco.Cli.dll and its runtimeconfig sit next to the tests.
        string cli = typeof(SecoCli).Assembly.Location;
        string? timeFile = File.Exists(Time) ? Path.GetTempFileName() : null;
        var start = new ProcessStartInfo(timeFile is null ? "dotnet" : Time)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (timeFile is not null)
            foreach (string a in (string[])["-o", timeFile, "-f", "%U %S %M", "dotnet"]) start.ArgumentList.Add(a);
        foreach (string a in (string[])[cli, .. args]) start.ArgumentList.Add(a);

        var watch = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        long? polled = null;
        while (!process.WaitForExit(20))
        {
            if (OperatingSystem.IsLinux() && timeFile is null)
                polled = Math.Max(polled ?? 0, VmHwm(process.Id) ?? 0);
            if (watch.Elapsed > timeout)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"seco {string.Join(' ', args)} ran for more than {timeout.TotalSeconds} s");
            }
        }
        process.WaitForExit();
        TimeSpan wall = watch.Elapsed;
        string output = stdout.Result + stderr.Result;
        if (timeFile is null)
            return new Result(process.ExitCode, output, wall, null, polled);
        string[] t = File.ReadAllLines(timeFile).Last().Split(' ');
        File.Delete(timeFile);
        double cpu = double.Parse(t[0], CultureInfo.InvariantCulture) + double.Parse(t[1], CultureInfo.InvariantCulture);
        return new Result(process.ExitCode, output, wall, TimeSpan.FromSeconds(cpu), long.Parse(t[2], CultureInfo.InvariantCulture) * 1024);
    }

    /// <summary>The process's peak resident set so far, or null once it has gone.</summary>
    private static long? VmHwm(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
