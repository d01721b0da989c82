using System.Globalization;
using System.Text.Json.Nodes;
using Seco.Cli.Output;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Running;
using Seco.Scenarios.Secure;
using Spectre.Console;

namespace Seco.Cli.Commands;

/// <summary>
/// `seco run --runtime cluster`: the scenario's servers — the gateway and every server of every tier — as Akka
/// ActorSystems in this process on loopback, with
/// mutual TLS and a throw-away development CA, and the user through the gateway's door (docs/cluster.md, "One
/// machine"). The same correctness table as a simulated run; costs on the wall clock. With --compare-simulator the
/// scenario also runs in the simulator and the two are set side by side per party and phase (the fidelity check).
/// </summary>
internal static class ClusterRunCommand
{
    public static int Execute(CommandContext ctx, AdmittedRun admitted, RunFolder folder, bool compare)
    {
        IAnsiConsole con = ctx.Console;
        PreparedScenario prepared = admitted.Prepared!;
        Scenario s = prepared.Scenario;
        Hierarchy h = s.Hierarchy;
        IReadOnlyDictionary<Party, string> names = LoopbackCluster.ServerNames(h);
        string tiers = h.Tiers.Count == 1 ? $"one tier of {h.Tiers[0].Servers.Count}" : $"{h.Tiers.Count} tiers of {string.Join("-", h.Tiers.Select(t => t.Servers.Count))}";
        con.MarkupLine($"[bold]{FittedTable.Cell(s.Name)}[/]: {InferenceProtocols.Title(s.Protocol)} on [bold]{FittedTable.Cell(prepared.Model.Name)}[/], split l = {s.Split}, " +
                       $"{Units.Count(prepared.Queries.Count, "query", "queries")}{(s.Load.Users > 1 ? $" from {s.Load.Users} users at once" : "")}; runtime [bold]cluster[/]: gateway {FittedTable.Cell(h.Gateway)} and {tiers} " +
                       $"({FittedTable.Cell(string.Join(", ", names.Where(n => n.Key.IsServer).OrderBy(n => n.Key).Select(n => n.Value)))}) as {names.Count} Akka ActorSystems " +
                       "on 127.0.0.1 with mutual TLS (a throw-away development CA), the users through the gateway's door. The scenario's network profile does not apply: this is loopback.");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var options = new LoopbackOptions
        {
            Log = line => ctx.Output.WriteLine($"cluster: {line}"),
            Progress = e => ctx.Output.WriteLine($"progress: {UserCommand.Describe(e)}"),
        };
        LoopbackResult result;
        try
        {
            result = LoopbackCluster.RunAsync(prepared, options, ctx.Cancel).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (ctx.Cancel.IsCancellationRequested)
        {
            con.MarkupLine("[yellow]Interrupted[/]: the cluster was shut down; nothing was written.");
            return ExitCodes.Interrupted;
        }

        var queries = prepared.Queries.Select((q, i) => new ClusterQuery(q.Index, q.Source, q.Label, result.Reference[i], result.QueryResult(i))).ToArray();
        ClusterTables.Correctness(con, queries);
        bool many = result.Users.Count > 1;
        con.MarkupLine($"Bit-exact: {queries.Count(q => q.Status == RunOutcomes.BitExact)}/{queries.Length}. The cluster formed in {result.JoinSeconds:0.0} s; " +
                       $"{(many ? $"the {result.Users.Count} users' sessions (setup and every query, at once)" : "the user's session (setup and every query)")} took {result.SessionSeconds:0.0} s on the wall clock.");
        for (int u = 0; u < result.Users.Count; u++)
            if (result.Users[u].SessionFailure is { } failure)
                con.MarkupLine($"[red]{(many ? $"{ClusterTables.UserName(u)}'s session" : "The session")} ended early[/]: {FittedTable.Cell(failure)}");
        if (many)
            ClusterTables.Users(con, result.Users, result.QueriesOf, result.SessionSeconds);
        else
            ClusterTables.UserTimes(con, result.User);
        // Many users' costs are one row (each user's are in report.json).
        IReadOnlyList<PartyCosts> parties = [many ? PartyCosts.Sum($"users ({result.Users.Count})", result.Users.Select(u => u.Costs)) : result.User.Costs, .. result.Servers];
        ClusterTables.Costs(con, parties);
        if (compare && many)
            con.MarkupLine("[yellow]note:[/] --compare-simulator compares one user's session; with a load of several users it is skipped (run the scenario in the simulator for its load report).");
        else if (compare)
            Fidelity(con, prepared, parties, result, folder);

        var header = new JsonObject
        {
            ["scenario"] = s.Name,
            ["protocol"] = InferenceProtocols.Name(s.Protocol),
            ["model"] = prepared.Model.Name,
            ["blocks"] = prepared.FixedModel.Blocks.Count,
            ["split"] = s.Split,
            ["crypto"] = s.Crypto.Name,
            ["join_seconds"] = result.JoinSeconds,
            ["session_seconds"] = result.SessionSeconds,
        };
        File.WriteAllText(folder.File("report.json"), ClusterTables.Json(header, queries, result.User, parties,
            many ? [.. result.Users.Select((u, i) => (u, result.QueriesOf[i]))] : null));
        con.MarkupLine($"Wall time {started.Elapsed.TotalSeconds:0.0} s. Wrote [bold]{FittedTable.Cell(folder.Path + Path.DirectorySeparatorChar)}[/]: report.json" +
                       (compare ? ", fidelity.csv." : "."));
        return ClusterTables.ExitCode(queries);
    }

    /// <summary>
    /// The simulator's fidelity: the same scenario in the simulator, per party and phase — body bytes sent (they must be
    /// equal: the protocol is the same, only the transport differs) and compute time (virtual time charges each handler's
    /// measured time; the cluster's is the wall-clock time of the same handlers, on a machine shared by all parties).
    /// </summary>
    private static void Fidelity(IAnsiConsole con, PreparedScenario prepared, IReadOnlyList<PartyCosts> cluster, LoopbackResult result, RunFolder folder)
    {
        var tally = new MessageTally();
        SecureRunResult sim = SecureRun.Run(prepared, null, Actors.Runtime.ComputeTiming.Measured, tally.Wrap);
        Hierarchy h = prepared.Scenario.Hierarchy;
        var names = new Dictionary<Party, string>(LoopbackCluster.ServerNames(h)) { [Party.User] = "user" };
        var simBytes = tally.Counts.GroupBy(c => (names[c.Key.Party], c.Key.Phase)).ToDictionary(g => g.Key, g => g.Sum(c => c.Value.Bytes));
        var table = new FittedTable("Fidelity: the simulator beside the cluster, per party and phase (bytes: SECO bodies sent; compute: handler time)", "fidelity.csv has every figure")
            .Text("party").Text("phase").Number("simulated sent (B)").Number("cluster sent (B)").Text("bytes").Number("simulated compute (s)").Number("cluster compute (s)");
        var csv = new List<string> { "party,phase,simulated_bytes_sent,cluster_bytes_sent,simulated_compute_s,cluster_compute_s" };
        foreach (PartyCosts party in cluster)
        {
            var simParty = sim.Report.Parties.FirstOrDefault(p => p.Party == party.Party);
            foreach (PhaseCost ph in party.Phases)
            {
                long simulated = simBytes.GetValueOrDefault((party.Party, ph.Phase));
                double simCompute = simParty?.Phases.FirstOrDefault(x => x.Phase == ph.Phase)?.ComputeSeconds ?? 0;
                table.Row(FittedTable.Cell(party.Party), ph.Phase, simulated.ToString(CultureInfo.InvariantCulture), ph.BytesSent.ToString(CultureInfo.InvariantCulture),
                    simulated == ph.BytesSent ? "[green]equal[/]" : "[red]differ[/]", simCompute.ToString("0.000", CultureInfo.InvariantCulture),
                    ph.ComputeSeconds.ToString("0.000", CultureInfo.InvariantCulture));
                csv.Add(string.Create(CultureInfo.InvariantCulture, $"{party.Party},{ph.Phase},{simulated},{ph.BytesSent},{simCompute:0.######},{ph.ComputeSeconds:0.######}"));
            }
        }
        table.Write(con);
        con.MarkupLine($"Simulated: {sim.Report.VirtualSeconds:0.000} s of virtual time for setup and every query (network profile {FittedTable.Cell(prepared.Scenario.Network.Profile.Name)}); " +
                       $"cluster: {result.SessionSeconds:0.000} s on the wall clock over loopback, with every party sharing this machine's cores.");
        File.WriteAllLines(folder.File("fidelity.csv"), csv);
    }
}
