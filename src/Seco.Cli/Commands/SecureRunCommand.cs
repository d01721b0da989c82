using System.Text.Json;
using System.Text.Json.Nodes;
using Seco.Actors.Metering;
using Seco.Actors.Simulation;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Scenarios;
using Seco.Scenarios.Reporting;
using Seco.Scenarios.Secure;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco run` for an inference scenario: the SECO protocol in the network simulator with a live progress display,
/// then correctness against the plaintext reference, costs per party and phase (offline and online apart), the
/// user's waiting and participation, and report.json, trace.json, costs.svg and timeline.svg.
/// </summary>
public static class SecureRunCommand
{
    private static readonly string[] PhaseOrder = [.. Enum.GetValues<ProtocolPhase>().Select(ProtocolPhases.Name)];

    public static int Execute(CommandContext ctx, PreparedScenario prepared, string outRoot)
    {
        IAnsiConsole con = ctx.Console;
        Scenario s = prepared.Scenario;
        int blocks = prepared.FixedModel.Blocks.Count;
        con.MarkupLine($"[bold]{Markup.Escape(s.Name)}[/]: SECO on [bold]{Markup.Escape(prepared.Model.Name)}[/] ({blocks} blocks), split l = {s.Split} " +
                       $"({s.Split} block(s) on gateway {Markup.Escape(s.Hierarchy.Gateway)}, {blocks - s.Split} shared by {Markup.Escape(string.Join(" and ", s.Hierarchy.Tiers[0].Servers))}), " +
                       $"{prepared.Queries.Count} queries, network {Markup.Escape(s.Network.Profile.Name)}, crypto {Markup.Escape(s.Crypto.Name)}");

        NoiseBudget noise = SecureRun.Deploy(s, prepared.FixedModel, SecureRun.ContextFor(s)).Parameters.Budget;
        string keySet = s.Split < blocks
            ? $"One key set serves {noise.Queries:N0} queries (the smudged decryptions are sized for that many, docs/noise.md)" +
              (prepared.Queries.Count > noise.Queries ? $"; this run re-keys {(prepared.Queries.Count - 1) / noise.Queries} time(s)" : "")
            : "The servers decrypt nothing at l = L";
        con.MarkupLine(keySet + (s.Split > 0 ? $"; F_A's weights may serve {noise.ModelLifetimeQueries:N0} queries in their life (a run is one deployment: its count starts at 0)." : "."));

        if (s.Seed is not null)
            con.MarkupLine("[yellow]note:[/] the scenario's [bold]seed[/] is ignored by the secure run: keys, masks, shares, garbling and OT use the OS CSPRNG (docs/protocol-decisions.md, D3).");
        SecureRunResult result = null!;
        var started = System.Diagnostics.Stopwatch.StartNew();
        con.Progress()
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
                            online.Description = $"online + output ({f.Query + 1}/{n}), query {f.Query} FAILED";
                            break;
                    }
                });
                setup.StopTask();
                prep.StopTask();
                online.StopTask();
            });

        SimulationReport report = result.Report;
        int correct = PrintCorrectness(con, result);
        SimulatedRun.PrintCosts(con, report);
        PrintOfflineOnline(con, report, s);
        SimulatedRun.PrintQueries(con, report);
        SimulatedRun.PrintProblems(con, report);

        string dir = SimulatedRun.OutputFolder(outRoot, s.Name);
        string reportPath = Path.Combine(dir, "report.json"), tracePath = Path.Combine(dir, "trace.json");
        string costsPath = Path.Combine(dir, "costs.svg"), timelinePath = Path.Combine(dir, "timeline.svg");
        File.WriteAllText(reportPath, Json(prepared, result, correct));
        ChromeTrace.WriteFile(result.Simulator, tracePath);
        CostChart.Write(report, costsPath, new CostChartOptions { Title = $"{s.Name}: costs per party and phase", PhaseOrder = PhaseOrder, Scale = CostScale.Log });
        TimelineChart.Write(report, result.Simulator.Spans, result.Simulator.Messages, timelinePath,
            new TimelineOptions { Title = $"{s.Name}: timeline", PhaseOrder = PhaseOrder, Parties = ["user", s.Hierarchy.Gateway, .. s.Hierarchy.Tiers[0].Servers] });
        con.MarkupLine($"Virtual time {report.VirtualSeconds:0.000} s, {report.Events:N0} events; wall time {started.Elapsed.TotalSeconds:0.0} s.");
        con.MarkupLine($"Wrote [bold]{Markup.Escape(reportPath)}[/], [bold]{Markup.Escape(tracePath)}[/] (https://ui.perfetto.dev), [bold]{Markup.Escape(costsPath)}[/] and [bold]{Markup.Escape(timelinePath)}[/].");
        bool ok = result.AllBitExact && report.FailureCount == 0;
        if (!ok)
            con.MarkupLine("[bold red]Not every query completed bit-exact[/]; see the table above and report.json.");
        return ok ? ExitCodes.Ok : ExitCodes.RunFailed;
    }

    private static int PrintCorrectness(IAnsiConsole con, SecureRunResult result)
    {
        var table = new Table { Title = new TableTitle("Correctness: the user's decrypted logits against the plaintext fixed-point reference") }
            .AddColumns("query", "input", "label", "secure prediction", "reference prediction", "bit-exact", "correct");
        int correct = 0, labelled = 0;
        foreach (SecureQueryOutcome q in result.Queries)
        {
            string exact = !q.Completed ? (q.FailureReason is null ? "[red]not finished[/]" : "[red]failed[/]") : q.BitExact ? "[green]yes[/]" : "[red]NO[/]";
            string ok = q.Query.Label is { } label && q.Prediction is { } pr ? (pr == label ? "yes" : "no") : "-";
            if (q.Query.Label is not null) { labelled++; if (q.Prediction == q.Query.Label) correct++; }
            table.AddRow(q.Query.Index.ToString(), Markup.Escape(q.Query.Source), q.Query.Label?.ToString() ?? "-",
                q.Prediction?.ToString() ?? "-", q.ReferencePrediction.ToString(), exact, ok);
        }
        con.Write(table);
        int exactCount = result.Queries.Count(q => q.BitExact);
        con.MarkupLine($"Bit-exact: {exactCount}/{result.Queries.Count}." + (labelled > 0 ? $" Accuracy over {labelled} labelled queries: {(double)correct / labelled:0.000} ({correct}/{labelled})." : ""));
        return correct;
    }

    /// <summary>Offline (setup, F_BC and user preprocessing) beside online (online, output) per party, and inter-server traffic (paper Table II).</summary>
    private static void PrintOfflineOnline(IAnsiConsole con, SimulationReport report, Scenario s)
    {
        var table = new Table { Title = new TableTitle("Offline vs online per party (all queries)") }
            .AddColumns("party", "offline compute (s)", "offline sent", "online compute (s)", "online sent", "online recv");
        foreach (TableColumn c in table.Columns.Skip(1)) c.RightAligned();
        foreach (PartyReport p in report.Parties)
        {
            var off = p.Phases.Where(x => !IsOnline(x.Phase)).ToList();
            var on = p.Phases.Where(x => IsOnline(x.Phase)).ToList();
            table.AddRow(p.Party, SimulatedRun.Seconds(off.Sum(x => x.ComputeSeconds)), SimulatedRun.Bytes(off.Sum(x => x.BytesSent)),
                SimulatedRun.Seconds(on.Sum(x => x.ComputeSeconds)), SimulatedRun.Bytes(on.Sum(x => x.BytesSent)), SimulatedRun.Bytes(on.Sum(x => x.BytesReceived)));
        }
        con.Write(table);
        long interServer = InterServerOnlineBytes(report, s);
        con.MarkupLine($"Online inter-server traffic (A, B, C among themselves; paper Table II's measure): {SimulatedRun.Bytes(interServer)} in total, {SimulatedRun.Bytes(interServer / Math.Max(1, s.Queries.Count))} per query.");
    }

    internal static bool IsOnline(string phase) => phase == ProtocolPhases.Name(ProtocolPhase.Online) || phase == ProtocolPhases.Name(ProtocolPhase.Output);

    internal static long InterServerOnlineBytes(SimulationReport report, Scenario s)
    {
        var servers = new HashSet<string>([s.Hierarchy.Gateway, .. s.Hierarchy.Tiers[0].Servers]);
        return report.Parties.Where(p => servers.Contains(p.Party))
            .SelectMany(p => p.Phases.Where(x => IsOnline(x.Phase)).SelectMany(x => x.SentTo))
            .Where(u => servers.Contains(u.Peer)).Sum(u => u.Bytes);
    }

    private static string Json(PreparedScenario prepared, SecureRunResult result, int correct)
    {
        Scenario s = prepared.Scenario;
        var queries = new JsonArray(result.Queries.Select(q => (JsonNode)new JsonObject
        {
            ["index"] = q.Query.Index,
            ["source"] = q.Query.Source,
            ["label"] = q.Query.Label,
            ["prediction"] = q.Prediction,
            ["reference_prediction"] = q.ReferencePrediction,
            ["bit_exact"] = q.BitExact,
            ["logits"] = q.Logits is null ? null : new JsonArray(q.Logits.Select(v => (JsonNode)v).ToArray()),
            ["reference_logits"] = new JsonArray(q.ReferenceLogits.Select(v => (JsonNode)v).ToArray()),
        }).ToArray());
        var root = new JsonObject
        {
            ["scenario"] = s.Name,
            ["model"] = prepared.Model.Name,
            ["blocks"] = prepared.FixedModel.Blocks.Count,
            ["split"] = s.Split,
            ["network"] = s.Network.Profile.Name,
            ["crypto"] = s.Crypto.Name,
            ["all_bit_exact"] = result.AllBitExact,
            ["correct"] = correct,
            ["online_inter_server_bytes"] = InterServerOnlineBytes(result.Report, s),
            ["queries"] = queries,
            ["simulation"] = JsonNode.Parse(result.Report.ToJson()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
