using Seco.Cli.Commands;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>
/// Runs the secure protocol with a progress display: live bars on a terminal; when the output is redirected (a log,
/// CI), one line per step and a final line, since a redrawn bar cannot be read in a file.
/// </summary>
internal static class SecureRunProgressDisplay
{
    public static SecureRunResult Run(CommandContext ctx, PreparedScenario prepared) =>
        ctx.Interactive ? Bars(ctx, prepared) : Lines(ctx, prepared);

    private static SecureRunResult Lines(CommandContext ctx, PreparedScenario prepared)
    {
        IAnsiConsole con = ctx.Console;
        int n = prepared.Queries.Count, done = 0, exact = 0;
        con.WriteLine("progress: setup started (MPHE keys, user keys, OT base)");
        SecureRunResult result = SecureRun.Run(prepared, p =>
        {
            string at = $"{p.AtNs / 1e9:0.000} s";
            switch (p)
            {
                case SetupFinished:
                    con.WriteLine($"progress: setup finished at {at} (virtual)");
                    break;
                case KeySetRenewed k:
                    con.WriteLine($"progress: key set {k.KeySet + 1} set up at {at} (re-keyed after the query budget)");
                    break;
                case PreprocessingFinished f:
                    con.WriteLine($"progress: q{f.Query} preprocessed at {at}");
                    break;
                case QueryFinished f:
                    done++;
                    if (f.BitExact) exact++;
                    con.WriteLine($"progress: q{f.Query} finished at {at}, {(f.BitExact ? "bit-exact" : "WRONG")} ({done}/{n})");
                    break;
                case QueryAbandoned f:
                    done++;
                    con.WriteLine($"progress: q{f.Query} FAILED at {at}: {Printable.Shorten(f.Reason, 200)} ({done}/{n})");
                    break;
            }
        }, cancel: ctx.Cancel);
        con.WriteLine($"progress: {(result.Interrupted ? "interrupted" : "done")}: {done} of {Units.Count(n, "query", "queries")} ended, {exact} bit-exact");
        return result;
    }

    private static SecureRunResult Bars(CommandContext ctx, PreparedScenario prepared)
    {
        SecureRunResult result = null!;
        ctx.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(progress =>
            {
                int n = prepared.Queries.Count;
                ProgressTask setup = progress.AddTask("setup: MPHE keys (CKG, RTG), user keys, OT base", maxValue: 1);
                ProgressTask prep = progress.AddTask($"preprocessing: F_BC preparation + user (0/{n})", maxValue: n);
                ProgressTask online = progress.AddTask($"online + output (0/{n})", maxValue: n);
                setup.IsIndeterminate = true;
                result = SecureRun.Run(prepared, p =>
                {
                    switch (p)
                    {
                        case SetupFinished:
                            setup.IsIndeterminate = false;
                            setup.Increment(1);
                            break;
                        case KeySetRenewed k:
                            setup.Description = $"setup: MPHE keys (CKG, RTG), user keys, OT base — key set {k.KeySet + 1} (re-keyed after the query budget)";
                            break;
                        case PreprocessingFinished f:
                            prep.Increment(1);
                            prep.Description = $"preprocessing: F_BC preparation + user ({f.Query + 1}/{n})";
                            break;
                        case QueryFinished f:
                            online.Increment(1);
                            online.Description = $"online + output ({f.Query + 1}/{n}), last bit-exact: {(f.BitExact ? "yes" : "NO")}";
                            break;
                        case QueryAbandoned f:
                            online.Increment(1);
                            online.Description = $"online + output ({f.Query + 1}/{n}), q{f.Query} FAILED";
                            break;
                    }
                }, cancel: ctx.Cancel);
                if (result.Interrupted)
                    online.Description += " — interrupted";
                setup.StopTask();
                prep.StopTask();
                online.StopTask();
            });
        return result;
    }
}
