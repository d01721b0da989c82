using Seco.Actors.Simulation;
using Seco.Cli.Output;
using Seco.Scenarios;
using Seco.Scenarios.Reporting;
using Seco.Scenarios.Running;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>`seco run` for an echo scenario: the actor runtime and network simulator without cryptography; costs, report, trace and charts.</summary>
public static class SimulatedRun
{
    internal static int Echo(CommandContext ctx, Scenario scenario, RunFolder folder)
    {
        IAnsiConsole con = ctx.Console;
        var echo = (EchoWorkload)scenario.Workload;
        con.MarkupLine($"[bold]{FittedTable.Cell(scenario.Name)}[/]: echo workload, {Units.Count(scenario.Queries.Count, "query", "queries")} × " +
                       $"{Units.Count(echo.Rounds, "round", "rounds")}, {Units.Count(echo.RequestBytes, "byte", "bytes")} per request, " +
                       $"{Units.Count(echo.ReplyBytes, "byte", "bytes")} per reply; hierarchy {FittedTable.Cell(Describe(scenario.Hierarchy))}; " +
                       $"network {FittedTable.Cell(scenario.Network.Profile.Name)}");
        var started = System.Diagnostics.Stopwatch.StartNew();
        EchoRunResult result = EchoRun.Run(scenario, cancel: ctx.Cancel);
        SimulationReport report = result.Report;

        SimulationTables.Costs(con, report);
        SimulationTables.Queries(con, report);
        SimulationTables.Links(con, report);
        SimulationTables.Problems(con, report);

        File.WriteAllText(folder.File("report.json"), report.ToJson());
        ChromeTrace.WriteFile(result.Simulator, folder.File("trace.json"));
        CostChart.Write(report, folder.File("costs.svg"), new CostChartOptions { Title = $"{scenario.Name}: costs per party" });
        TimelineChart.Write(report, result.Simulator.Spans, result.Simulator.Messages, folder.File("timeline.svg"), new TimelineOptions { Title = $"{scenario.Name}: timeline" });
        folder.WriteClosing(con, report, started.Elapsed, result.Interrupted);

        int finished = result.Completed.Count;
        bool ok = finished == result.Queries && report.FailureCount == 0;
        con.MarkupLine(ok
            ? $"All {Units.Count(result.Queries, "query", "queries")} completed."
            : $"[bold red]{finished} of {Units.Count(result.Queries, "query", "queries")} completed[/]" +
              (result.Failed.Count > 0 ? $"; failed: {FittedTable.Cell(string.Join(", ", result.Failed))}" : "") +
              (result.Interrupted ? "; the run was interrupted" : "") + ".");
        return ExitCodes.ForRun(0, result.Interrupted, result.Queries - finished, report.FailureCount);
    }

    internal static string Describe(Hierarchy h) =>
        string.Join(" → ", new[] { "user", h.Gateway }.Concat(h.Tiers.Select(t => "[" + string.Join(", ", t.Servers) + "]")));
}
