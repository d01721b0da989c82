using Seco.Actors.Runtime;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Running;

/// <summary>The outcome of an echo scenario: the simulator (for traces) and its report, and which queries completed.</summary>
/// <param name="Interrupted">The run was cancelled (Ctrl-C) before every query ended.</param>
public sealed record EchoRunResult(Simulator Simulator, SimulationReport Report, IReadOnlyList<string> Completed, IReadOnlyList<string> Failed, int Queries,
    bool Interrupted = false);

/// <summary>
/// Runs the echo workload (docs/scenarios.md) in the network simulator: the user sends each query's
/// request to the gateway; the gateway forwards it to every server of the first tier; server j of tier i
/// forwards it to the servers k of tier i+1 with k mod |tier i| = j; the last tier answers; each relay
/// answers upstream once all its servers have. No cryptography: it measures the runtime and the network.
/// </summary>
public static class EchoRun
{
    public const string Phase = "echo";

    /// <param name="warmUp">
    /// With measured compute, first run one query unrecorded so that JIT compilation of the handlers is not
    /// charged to the first query (it would be: the simulator measures handlers as they run).
    /// </param>
    /// <param name="cancel">Stops the simulation at its next event (Ctrl-C); the result holds what had finished.</param>
    public static EchoRunResult Run(Scenario scenario, ComputeTiming timing = ComputeTiming.Measured, bool warmUp = true, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Workload is not EchoWorkload workload)
            throw new ArgumentException($"scenario '{scenario.Name}' runs the {scenario.Workload.Name} workload, not echo", nameof(scenario));
        if (warmUp && timing == ComputeTiming.Measured)
            RunOnce(scenario, workload, 1, timing, CancellationToken.None);
        return RunOnce(scenario, workload, scenario.Queries.Count, timing, cancel);
    }

    private static EchoRunResult RunOnce(Scenario scenario, EchoWorkload workload, int queries, ComputeTiming timing, CancellationToken cancel)
    {
        Simulator sim = SimulationBuilder.Build(scenario, EchoCodecs.Registry(), timing);

        // Spawn from the last tier up, so every relay knows its servers' addresses.
        IReadOnlyList<Tier> tiers = scenario.Hierarchy.Tiers;
        var below = new List<ActorRef>();
        for (int t = tiers.Count - 1; t >= 0; t--)
        {
            IReadOnlyList<string> servers = tiers[t].Servers;
            var here = new List<ActorRef>();
            for (int j = 0; j < servers.Count; j++)
            {
                int index = j;
                var mine = below.Where((_, k) => k % servers.Count == index).ToList();
                here.Add(Spawn(sim, servers[j], new EchoRelay(mine, workload)));
            }
            below = here;
        }
        ActorRef gateway = Spawn(sim, scenario.Hierarchy.Gateway, new EchoRelay(below, workload));
        var user = new EchoUser(gateway, workload, queries);
        Spawn(sim, PartyName.User, user);
        bool interrupted = sim.RunUntil(() => cancel.IsCancellationRequested);
        return new EchoRunResult(sim, sim.Report(), user.Completed, user.Failed, queries, interrupted && user.Completed.Count + user.Failed.Count < queries);
    }

    private static ActorRef Spawn(Simulator sim, string party, Actor actor)
    {
        ActorSystem system = sim.Party(party);
        ActorRef r = system.Spawn(Props.Create(() => actor).WithPhase(Phase), "echo");
        return r;
    }
}
