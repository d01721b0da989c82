using Seco.Actors.Simulation;
using Seco.Cli.Output;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Scenarios;
using Seco.Scenarios.Reporting;
using Seco.Scenarios.Running;
using Seco.Scenarios.Secure;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco run` for an inference scenario: the SECO protocol in the network simulator with a progress display, then
/// correctness against the plaintext reference, costs per party and phase (offline and online apart), the user's
/// waiting and participation, the links, and report.json, trace.json, costs.svg and timeline.svg.
/// </summary>
public static class SecureRunCommand
{
    internal static readonly string[] PhaseOrder = [.. Enum.GetValues<ProtocolPhase>().Select(ProtocolPhases.Name)];

    internal static int Execute(CommandContext ctx, AdmittedRun admitted, RunFolder folder)
    {
        IAnsiConsole con = ctx.Console;
        PreparedScenario prepared = admitted.Prepared!;
        NoiseBudget noise = admitted.Budget!;
        Scenario s = prepared.Scenario;
        int blocks = prepared.FixedModel.Blocks.Count;
        string placement = s.Protocol == InferenceProtocol.Delphi
            ? $"every block on gateway {FittedTable.Cell(s.Hierarchy.Gateway)}, the remote servers idle"
            : $"split l = {s.Split} ({Units.Count(s.Split, "block", "blocks")} on gateway {FittedTable.Cell(s.Hierarchy.Gateway)}, {blocks - s.Split} shared by " +
              $"{FittedTable.Cell(string.Join(" and ", s.Hierarchy.Tiers[0].Servers))})";
        con.MarkupLine($"[bold]{FittedTable.Cell(s.Name)}[/]: {InferenceProtocols.Title(s.Protocol)} on [bold]{FittedTable.Cell(prepared.Model.Name)}[/] ({Units.Count(blocks, "block", "blocks")}), {placement}, " +
                       $"{Units.Count(prepared.Queries.Count, "query", "queries")}{LoadTables.Describe(s.Load)}, " +
                       $"network {FittedTable.Cell(s.Network.Profile.Name)}, crypto {FittedTable.Cell(s.Crypto.Name)}");
        string keySet = s.Split < blocks
            ? $"One key set serves {Units.Count(noise.Queries, "query", "queries")} (the smudged decryptions are sized for that many, docs/noise.md)" +
              (prepared.Queries.Count > noise.Queries ? $"; this run re-keys {Units.Count((prepared.Queries.Count - 1) / noise.Queries, "time", "times")}" : "")
            : "The servers decrypt nothing at l = L";
        con.MarkupLine(keySet + (s.Split > 0 ? $"; F_A's weights may serve {Units.Count(noise.ModelLifetimeQueries, "query", "queries")} in their life (a run is one deployment: its count starts at 0)." : "."));
        if (s.Seed is not null)
            con.MarkupLine("[yellow]note:[/] the scenario's [bold]seed[/] is ignored by the secure run: keys, masks, shares, garbling and OT use the OS CSPRNG (docs/protocol-decisions.md, D3).");

        var started = System.Diagnostics.Stopwatch.StartNew();
        SecureRunResult result = SecureRunProgressDisplay.Run(ctx, prepared);
        SimulationReport report = result.Report;
        var outcomes = new RunOutcomes(result, s);

        PrintCorrectness(con, result, outcomes);
        SimulationTables.Costs(con, report, PhaseOrder);
        PrintOfflineOnline(con, report, outcomes);
        if (s.Load.IsMultiUser)
            LoadTables.Print(con, LoadReport.Of(s, result));
        else
            SimulationTables.Queries(con, report);
        SimulationTables.Links(con, report);
        SimulationTables.Problems(con, report);
        foreach ((int query, string where) in outcomes.Stopped)
            con.MarkupLine($"[red]q{query} did not finish[/]: {FittedTable.Cell(where)}");

        File.WriteAllText(folder.File("report.json"), SecureRunJson.Write(prepared, result, outcomes));
        ChromeTrace.WriteFile(result.Simulator, folder.File("trace.json"));
        // A log axis: the user's online kilobytes sit beside the servers' setup megabytes (docs/charts.md).
        CostChart.Write(report, folder.File("costs.svg"), new CostChartOptions { Title = $"{s.Name}: costs per party and phase", PhaseOrder = PhaseOrder, Scale = CostScale.Log });
        TimelineChart.Write(report, result.Simulator.Spans, result.Simulator.Messages, folder.File("timeline.svg"),
            new TimelineOptions { Title = $"{s.Name}: timeline", PhaseOrder = PhaseOrder, Parties = [.. result.UserNames.Take(4), s.Hierarchy.Gateway, .. s.Hierarchy.Tiers[0].Servers] });
        folder.WriteClosing(con, report, started.Elapsed, result.Interrupted);

        con.MarkupLine(outcomes.Summary());
        return ExitCodes.ForRun(outcomes.Wrong, result.Interrupted, outcomes.NotFinished, report.FailureCount);
    }

    private static void PrintCorrectness(IAnsiConsole con, SecureRunResult result, RunOutcomes outcomes)
    {
        var table = new FittedTable("Correctness: the user's decrypted logits against the plaintext fixed-point reference", SimulationTables.InReport)
            .Number("query").Text("input").Number("label").Number("secure prediction").Number("reference prediction").Text("result").Text("correct", 1);
        foreach (SecureQueryOutcome q in result.Queries)
        {
            string status = RunOutcomes.Status(q, result.Interrupted) switch
            {
                RunOutcomes.BitExact => "[green]bit-exact[/]",
                RunOutcomes.WrongStatus => "[red]WRONG[/]",
                var other => $"[red]{other}[/]",
            };
            string correct = q.Query.Label is { } label && q.Prediction is { } pr ? (pr == label ? "yes" : "no") : "-";
            table.Row(q.Query.Index.ToString(), FittedTable.Cell(q.Query.Source), q.Query.Label?.ToString() ?? "-",
                q.Prediction?.ToString() ?? "-", q.ReferencePrediction.ToString(), status, correct);
        }
        table.Write(con);
        con.MarkupLine(outcomes.CorrectnessLine());
    }

    /// <summary>Offline (setup, F_BC and user preprocessing) beside online (online, output) per party, and inter-server traffic (paper Table II).</summary>
    private static void PrintOfflineOnline(IAnsiConsole con, SimulationReport report, RunOutcomes outcomes)
    {
        var rows = report.Parties.Select(p => (p.Party,
            Off: p.Phases.Where(x => !RunOutcomes.IsOnline(x.Phase)).ToList(), On: p.Phases.Where(x => RunOutcomes.IsOnline(x.Phase)).ToList())).ToList();
        Units.TimeUnit time = Units.SecondsFor(rows.SelectMany(r => new[] { r.Off.Sum(x => x.ComputeSeconds), r.On.Sum(x => x.ComputeSeconds) }));
        Units.ByteUnit bytes = Units.BytesFor(rows.SelectMany(r => new[] { r.Off.Sum(x => x.BytesSent), r.On.Sum(x => x.BytesSent), r.On.Sum(x => x.BytesReceived) }));
        var table = new FittedTable("Offline vs online per party (all queries)", SimulationTables.InReport)
            .Text("party").Number(time.Header("offline compute")).Number(bytes.Header("offline sent"))
            .Number(time.Header("online compute")).Number(bytes.Header("online sent")).Number(bytes.Header("online recv"));
        foreach (var (party, off, on) in rows)
        {
            table.Row(FittedTable.Cell(party), time.Of(off.Sum(x => x.ComputeSeconds)), bytes.Of(off.Sum(x => x.BytesSent)),
                time.Of(on.Sum(x => x.ComputeSeconds)), bytes.Of(on.Sum(x => x.BytesSent)), bytes.Of(on.Sum(x => x.BytesReceived)));
        }
        table.Write(con);
        con.MarkupLine(outcomes.InterServerLine());
        con.MarkupLine($"Peak memory: {Units.Bytes(Seco.Scenarios.Running.ProcessMemory.PeakResidentBytes())} resident in this process, every party together " +
                       "(the simulator's parties share it, so each party's own peak is at most this).");
    }
}
