using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.Scenarios.Running;

namespace Seco.Scenarios.Tests;

/// <summary>The echo workload through the hierarchy in the simulator, checked against the timing model by hand.</summary>
public class EchoRunTests
{
    private const string ThreeTiers = """
        version: 1
        name: echo-test
        workload:
          echo: { request_bytes: 4000, reply_bytes: 1000, rounds: 2 }
        hierarchy:
          tiers:
            - name: t1
              servers: [B, C]
            - name: t2
              servers: [D, E]
        network:
          profile: lan
          links:
            - between: [user, A]
              latency_ms: 20
              bandwidth_mbps: 50
        queries: { count: 3 }
        """;

    [Fact]
    public void EveryQueryCompletesAndItsWaitingTimeIsTheSumOfItsChainsTransits()
    {
        using var folder = new ScenarioFolder();
        Scenario scenario = folder.Load(ThreeTiers);
        EchoRunResult result = EchoRun.Run(scenario, ComputeTiming.ChargedOnly);

        Assert.Equal(["q0", "q1", "q2"], result.Completed);
        Assert.Empty(result.Failed);
        SimulationReport r = result.Report;
        Assert.Equal(0, r.FailureCount);
        // Per query and round: user→A, A→{B,C}, B→D, C→E and back: 10 messages; 3 queries × 2 rounds.
        Assert.Equal(60, r.Parties.Sum(p => p.MessagesSent));
        Assert.Equal(6, r.Parties.Single(p => p.Party == "D").MessagesReceived);
        // With no compute and no queueing a round takes the transit times of user→A→B→D→B→A→user.
        MessageRecord Transit(string from, string to) => result.Simulator.Messages.First(m => m.From == from && m.To == to);
        long round = new[] { ("user", "A"), ("A", "B"), ("B", "D"), ("D", "B"), ("B", "A"), ("A", "user") }
            .Sum(l => Transit(l.Item1, l.Item2) is var m ? m.ArrivedNs - m.SentNs : 0);
        var link = new LinkModel(20, 50);
        Assert.Equal(link.LatencyNs + link.TransmitNs(Transit("user", "A").Bytes), Transit("user", "A").ArrivedNs - Transit("user", "A").SentNs);
        foreach (QueryReport q in r.Queries)
            Assert.Equal(2 * round / 1e9, q.WaitingSeconds!.Value, 12);
        Assert.Equal(12, r.Phases.Single(p => p.Phase == EchoRun.Phase).Rounds);
    }

    [Fact]
    public void AStoppedServerLeavesQueriesUnfinishedAndIsReported()
    {
        using var folder = new ScenarioFolder();
        Scenario scenario = folder.Load(ThreeTiers + "\nfailures:\n  - { at_ms: 150, stop: D }\n");
        EchoRunResult result = EchoRun.Run(scenario, ComputeTiming.ChargedOnly);

        Assert.Equal(["q0"], result.Completed);   // a query takes about 90 ms: q0 ends before D stops at 150 ms, q1 then waits for D forever
        Assert.Equal([new InjectedFailure(150_000_000, "party D stopped")], result.Report.InjectedFailures);
        Assert.Equal(1, result.Report.MessagesDropped);
        Assert.Null(result.Report.Queries.Single(q => q.Query == "q1").EndMs);
    }
}
