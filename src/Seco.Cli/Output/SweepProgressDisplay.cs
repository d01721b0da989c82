using Seco.Cli.Commands;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Seco.Scenarios.Sweeps;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>
/// Runs a sweep with a progress display over its points: on a terminal a bar over the points and a line for the
/// running point's phase; when the output is redirected, one line as each point starts and ends; with --quiet,
/// nothing. Every ended point's row goes to <c>rowDone</c> at once (results.csv is appended as it goes).
/// </summary>
internal static class SweepProgressDisplay
{
    public static SweepResult Run(CommandContext ctx, SweepPlan plan, Action<SweepRow> rowDone, bool quiet)
    {
        if (quiet)
            return SweepRunner.Run(plan, p => { if (p is PointEnded e) rowDone(e.Row); }, ctx.Cancel);
        return ctx.Interactive ? Bars(ctx, plan, rowDone) : Lines(ctx, plan, rowDone);
    }

    private static SweepResult Lines(CommandContext ctx, SweepPlan plan, Action<SweepRow> rowDone)
    {
        IAnsiConsole con = ctx.Console;
        int n = plan.Points.Count, done = 0;
        SweepResult result = SweepRunner.Run(plan, p =>
        {
            string point = $"point {p.Point.Number}/{n} ({Printable.Escape(p.Point.Label)})";
            switch (p)
            {
                case PointStarted:
                    con.WriteLine($"progress: {point} started");
                    break;
                case PointEnded e:
                    done++;
                    rowDone(e.Row);
                    con.WriteLine($"progress: {point} {Outcome(e.Row)} ({done}/{n} done)");
                    break;
            }
        }, ctx.Cancel);
        con.WriteLine($"progress: {(result.Interrupted ? "interrupted" : "done")}: {done} of {Units.Count(n, "point", "points")} ran");
        return result;
    }

    private static SweepResult Bars(CommandContext ctx, SweepPlan plan, Action<SweepRow> rowDone)
    {
        SweepResult result = null!;
        ctx.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(progress =>
            {
                int n = plan.Points.Count, done = 0, ok = 0;
                ProgressTask points = progress.AddTask($"points (0/{n})", maxValue: n);
                ProgressTask current = progress.AddTask("starting", maxValue: 1);
                current.IsIndeterminate = true;
                result = SweepRunner.Run(plan, p =>
                {
                    string point = $"point {p.Point.Number}: {FittedTable.Cell(p.Point.Label)}";
                    switch (p)
                    {
                        case PointStarted:
                            current.Description = $"{point}: setup";
                            break;
                        case PointStep s:
                            current.Description = $"{point}: {Step(s.Step)}";
                            break;
                        case PointEnded e:
                            done++;
                            if (e.Row.Status == PointStatus.Ok) ok++;
                            rowDone(e.Row);
                            points.Increment(1);
                            points.Description = $"points ({done}/{n}, {ok} bit-exact), last: {FittedTable.Cell(Outcome(e.Row))}";
                            break;
                    }
                }, ctx.Cancel);
                if (result.Interrupted)
                    points.Description += " — interrupted";
                current.Description = result.Interrupted ? "interrupted" : "done";
                current.IsIndeterminate = false;
                current.Increment(1);
                points.StopTask();
                current.StopTask();
            });
        return result;
    }

    private static string Step(SecureRunProgress step) => step switch
    {
        SetupFinished => "preprocessing q0",
        KeySetRenewed k => $"re-keyed (key set {k.KeySet + 1})",
        PreprocessingFinished f => $"online q{f.Query}",
        QueryFinished f => $"q{f.Query} {(f.BitExact ? "bit-exact" : "WRONG")}",
        QueryAbandoned f => $"q{f.Query} FAILED",
        _ => "running",
    };

    private static string Outcome(SweepRow row)
    {
        // A point that reports an earlier point's run (DELPHI beside another split) says so instead of a wall time.
        string wall = row.Value(SweepMeasures.MeasuredAt) is { } at && (int)at != row.Point.Number
            ? $", the run of point {(int)at} (DELPHI runs every block on the gateway at any split)"
            : row.Value("wall_s") is { } w ? $", {w:0.0} s wall" : "";
        return row.Status switch
        {
            PointStatus.Ok => $"ok, bit-exact{wall}",
            PointStatus.Error => $"ERROR: {Printable.Shorten(row.Error, 200)}",
            _ => $"{SweepRow.StatusText(row.Status).ToUpperInvariant()}{wall}",
        };
    }
}
