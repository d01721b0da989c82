using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Seco.Cli.Tests;

/// <summary>
/// Runs the built `seco` command as its own process — the real command, with redirected output, environment
/// (COLUMNS), signals and memory of its own — and captures what it writes.
/// </summary>
internal static class CliProcess
{
    public sealed record Result(int ExitCode, string Output, string Error, TimeSpan Wall)
    {
        public string[] OutputLines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToArray();
    }

    /// <summary>The CLI assembly beside the test assembly (the test project references it).</summary>
    public static string Dll => typeof(SecoCli).Assembly.Location;

    /// <param name="onOutputLine">Called with the process and each line of standard output as it arrives (e.g. to send a signal).</param>
    public static Result Run(string[] args, IDictionary<string, string>? environment = null, TimeSpan? timeout = null,
        Action<Process, string>? onOutputLine = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add(Dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        info.Environment.Remove("COLUMNS");
        foreach ((string k, string v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        var output = new StringBuilder();
        var error = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (output) output.Append(e.Data).Append('\n');
            onOutputLine?.Invoke(process, e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (error) error.Append(e.Data).Append('\n');
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"seco {string.Join(' ', args)} did not finish in {timeout}; output so far:\n{output}");
        }
        process.WaitForExit(); // drains the asynchronous readers
        return new Result(process.ExitCode, output.ToString(), error.ToString(), clock.Elapsed);
    }

    /// <summary>Sends SIGINT (what Ctrl-C sends) to <paramref name="process"/>.</summary>
    public static void Interrupt(Process process)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-INT", process.Id.ToString()]) { UseShellExecute = false })!;
        kill.WaitForExit();
    }

    /// <summary>A measured run: stdout and stderr together, wall time, and on Linux CPU time and peak resident memory.</summary>
    public sealed record Measurement(int ExitCode, string Output, TimeSpan Wall, TimeSpan? Cpu, long? PeakRssBytes);

    private const string Time = "/usr/bin/time";

    /// <summary>
    /// Runs the command and measures it. CPU time and peak memory come from /usr/bin/time when it is installed (exact,
    /// taken at exit), otherwise the peak is polled from /proc/&lt;pid&gt;/status (VmHWM) while the process runs.
    /// </summary>
    public static Measurement Measure(TimeSpan timeout, params string[] args)
    {
        string cli = Dll;
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
            return new Measurement(process.ExitCode, output, wall, null, polled);
        string[] t = File.ReadAllLines(timeFile).Last().Split(' ');
        File.Delete(timeFile);
        double cpu = double.Parse(t[0], CultureInfo.InvariantCulture) + double.Parse(t[1], CultureInfo.InvariantCulture);
        return new Measurement(process.ExitCode, output, wall, TimeSpan.FromSeconds(cpu), long.Parse(t[2], CultureInfo.InvariantCulture) * 1024);
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
