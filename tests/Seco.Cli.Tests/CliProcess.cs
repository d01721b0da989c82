using System.Diagnostics;
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
}
