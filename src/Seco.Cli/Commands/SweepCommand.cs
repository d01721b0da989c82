using System.CommandLine;
using Seco.Cli.Output;
using Seco.Scenarios;
using Seco.Scenarios.Sweeps;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco sweep &lt;sweep.yaml&gt;`: every point of a sweep's grid as a secure run in the network simulator (the code path of
/// `seco run`), one row of results.csv per point, charts of chosen measures against the swept variable (docs/sweeps.md).
/// </summary>
public static class SweepCommand
{
    public const string Description =
        "Run a sweep: a grid of scenarios (a base scenario with any of model, split, tiers, servers_per_tier, network and " +
        "queries varied) in the network simulator, each point a secure run checked bit for bit against the plaintext " +
        "reference. Every point is checked before any runs. Writes <out>/<sweep>-<time>/ with results.csv (one row per " +
        "point: axis values, status, per-party compute, bytes, messages, rounds, offline/online, the user's waiting and " +
        "participation time), SVG charts and a copy of the sweep file (docs/sweeps.md).";

    public static Command Create(Func<CommandContext> context)
    {
        var file = CliArguments.ExistingFile("sweep", "sweep file (YAML, docs/sweeps.md), e.g. scenarios/sweeps/split.yaml", "sweep file");
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "folder for the sweep's outputs; a subfolder <sweep>-<time> is made in it before the first point runs",
            DefaultValueFactory = _ => new DirectoryInfo("out"),
        };
        var quiet = new Option<bool>("--quiet") { Description = "no progress display and no summary table: only errors and the closing lines" };
        var maxBytes = CliArguments.MaxScenarioBytes();
        var cmd = new Command("sweep", Description + "\n" + ExitCodes.SweepHelp) { file, outDir, quiet, maxBytes };
        cmd.SetAction(parse => Execute(context(), parse.GetValue(file)!.ToString(), parse.GetValue(outDir)!.ToString(),
            CliArguments.Limits(parse.GetValue(maxBytes)), parse.GetValue(quiet)));
        return cmd;
    }

    /// <summary>Loads and checks every point (nothing runs if one is invalid), makes the folder, then runs the points.</summary>
    public static int Execute(CommandContext ctx, string path, string outRoot = "out", ScenarioLimits? limits = null, bool quiet = false)
    {
        IAnsiConsole con = ctx.Console;
        Sweep sweep = SweepLoader.LoadFile(path, limits);
        SweepPlan plan = SweepPlan.Build(sweep);
        RunFolder folder = RunFolder.Create(outRoot, sweep.Name);
        string copy = Path.GetFileName(path);
        File.Copy(path, folder.File(copy));
        if (!quiet)
        {
            con.MarkupLine($"[bold]{FittedTable.Cell(sweep.Name)}[/]: {Units.Count(plan.Points.Count, "point", "points")} " +
                           $"({FittedTable.Cell(string.Join(" × ", sweep.Axes.Select(a => $"{a.Name} {Distinct(plan, a)}")))}) on base scenario " +
                           $"[bold]{FittedTable.Cell(sweep.Base.Name)}[/]; every point checked as `seco run` would.");
            if (sweep.Base.Seed is not null)
                con.MarkupLine("[yellow]note:[/] the base scenario's [bold]seed[/] is ignored by the secure run: keys, masks, shares, garbling and OT use the OS CSPRNG.");
        }

        var started = System.Diagnostics.Stopwatch.StartNew();
        SweepResult result;
        using (ResultsCsv csv = ResultsCsv.Create(folder.File(ResultsCsv.FileName), plan))
            result = SweepProgressDisplay.Run(ctx, plan, csv.Append, quiet);
        IReadOnlyList<string> charts = [.. SweepCharts.Write(plan, result.Rows, folder.Path), .. LatencyThroughputChart.Write(plan, result.Rows, folder.Path)];
        if (sweep.PaperPath is { } paper)
        {
            // The published values beside ours: paper.csv as given, comparison.csv computed from the points that finished.
            File.Copy(paper, folder.File("paper.csv"));
            IReadOnlyList<ComparisonRow> compared = PaperComparison.Compare(plan, result.Rows, sweep.Published);
            PaperComparison.Write(folder.File(PaperComparison.FileName), compared);
            if (!quiet)
                SweepTables.Comparison(con, compared);
            charts = [.. charts, "paper.csv", PaperComparison.FileName];
        }

        if (!quiet)
            SweepTables.Summary(con, plan, result);
        IReadOnlyList<SweepRow> rows = result.Rows;
        int ok = rows.Count(r => r.Status == PointStatus.Ok);
        con.MarkupLine($"{Units.Count(rows.Count, "point", "points")} of {plan.Points.Count} ran in {started.Elapsed.TotalSeconds:0.0} s wall time.");
        con.MarkupLine((result.Interrupted ? "[yellow]Interrupted:[/] wrote the points done to " : "Wrote ") +
                       $"[bold]{FittedTable.Cell(folder.Path + Path.DirectorySeparatorChar)}[/]: {ResultsCsv.FileName} ({Units.Count(rows.Count, "row", "rows")}), " +
                       $"{FittedTable.Cell(string.Join(", ", charts.Append(copy)))}.");
        con.MarkupLine(ok == plan.Points.Count
            ? $"All {Units.Count(ok, "point", "points")} finished bit-exact."
            : $"[bold red]{ok} of {Units.Count(plan.Points.Count, "point", "points")} finished bit-exact[/]" +
              string.Concat(rows.Where(r => r.Status != PointStatus.Ok).GroupBy(r => r.Status)
                  .Select(g => $"; {SweepRow.StatusText(g.Key)}: {string.Join(", ", g.Select(r => r.Point.Number))}")) +
              (result.Interrupted ? $"; not run: {plan.Points.Count - rows.Count}" : "") + " (see the status and error columns).");
        return ExitCodes.ForSweep(
            wrong: rows.Any(r => r.Status == PointStatus.Wrong),
            interrupted: result.Interrupted,
            error: rows.Any(r => r.Status == PointStatus.Error),
            notFinished: rows.Any(r => r.Status == PointStatus.NotFinished));
    }

    /// <summary>"split 0..4" style counts for the header: how many values an axis took.</summary>
    private static string Distinct(SweepPlan plan, SweepAxis axis)
    {
        int at = plan.Sweep.Axes.ToList().IndexOf(axis);
        var labels = plan.Points.Select(p => p.Values[at].Label).Distinct().ToList();
        return labels.Count <= 4 ? string.Join("/", labels) : $"{labels.Count} values";
    }
}
