using System.Diagnostics;

namespace Seco.Cli.Tests;

/// <summary>A `seco` command running as its own process, its output collected line by line as it comes (for cluster tests).</summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly string _name;

    public NodeProcess(string name, params string[] args)
    {
        _name = name;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(CliProcess.Dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["COLUMNS"] = "160";
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Add(e.Data);
        _process.ErrorDataReceived += (_, e) => Add(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get
        {
            lock (_lines) return string.Join('\n', _lines);
        }
    }

    /// <summary>Waits until <paramref name="occurrence"/> lines contain <paramref name="text"/>; false on timeout or exit without them.</summary>
    public bool WaitFor(string text, TimeSpan timeout, int occurrence = 1)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Count(text) >= occurrence) return true;
            if (_process.HasExited)
            {
                _process.WaitForExit();
                return Count(text) >= occurrence;
            }
            Thread.Sleep(100);
        }
        return false;
    }

    private int Count(string text)
    {
        lock (_lines) return _lines.Count(l => l.Contains(text, StringComparison.Ordinal));
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        _process.WaitForExit();
        return true;
    }

    /// <summary>SIGINT, what Ctrl-C sends.</summary>
    public void Interrupt() => CliProcess.Interrupt(_process);

    /// <summary>kill -9: no shutdown, no goodbye to the cluster.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    private bool _disposed;

    /// <summary>Kills the process if it still runs (idempotent; the output stays readable).</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
    }

    public override string ToString() => $"--- {_name} ---\n{Output}";

    private void Add(string? line)
    {
        if (line is null) return;
        lock (_lines) _lines.Add(line);
    }
}
