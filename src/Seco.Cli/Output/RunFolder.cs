using Seco.Actors.Simulation;
using Seco.Scenarios;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>
/// The folder a run writes to, <c>&lt;--out&gt;/&lt;scenario&gt;-&lt;time&gt;</c>. It is made before the run starts, so an
/// unusable --out fails in a second, not after the whole run.
/// </summary>
internal sealed class RunFolder
{
    private RunFolder(string path) => Path = path;

    public string Path { get; }

    /// <exception cref="UserInputException">The folder cannot be made there.</exception>
    public static RunFolder Create(string root, string scenario)
    {
        string stem = $"{SafeName(scenario)}-{DateTime.Now:yyyyMMdd-HHmmss}";
        try
        {
            if (System.IO.File.Exists(root))
                throw new IOException("it is a file");
            Directory.CreateDirectory(root);
            string dir = System.IO.Path.Combine(root, stem);
            for (int i = 2; Directory.Exists(dir); i++) dir = System.IO.Path.Combine(root, $"{stem}-{i}");
            Directory.CreateDirectory(dir);
            return new RunFolder(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new UserInputException($"--out {Printable.Escape(root)}: cannot make the run's folder there ({e.Message})");
        }
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>The lines that end every run, echo or secure: time, what was written, then the caller's outcome line.</summary>
    public void WriteClosing(IAnsiConsole con, SimulationReport report, TimeSpan wall, bool partial)
    {
        con.MarkupLine($"Virtual time {report.VirtualSeconds:0.000} s, {report.Events:N0} events; wall time {wall.TotalSeconds:0.0} s.");
        con.MarkupLine((partial ? "[yellow]Interrupted:[/] wrote a partial report of what had finished to " : "Wrote ") +
                       $"[bold]{FittedTable.Cell(Path + System.IO.Path.DirectorySeparatorChar)}[/]: report.json, trace.json (open it in https://ui.perfetto.dev), costs.svg, timeline.svg.");
    }

    private static string SafeName(string s) => new(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
