using Seco.Protocol.Model;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Seco.Tests.Shared;

namespace Seco.Cluster.Tests;

/// <summary>The shipped scenarios the cluster tests run, and the simulator's per-party, per-kind traffic for them.</summary>
internal static class ClusterScenarios
{
    public static PreparedScenario Load(string file) =>
        PreparedScenario.Prepare(ScenarioLoader.LoadFile(Path.Combine(TestHost.Root, "scenarios", file)));

    /// <summary>
    /// The MLP at split 1 (two queries, or <paramref name="queries"/> images) over one tier of two: the smallest secure
    /// scenario; <paramref name="budget"/> sets the key set's query budget (crypto.query_budget).
    /// </summary>
    public static PreparedScenario Mlp(int queries = 2, int? budget = null) => MlpAtSplit1("cluster-mlp", """
            - name: remote
              servers: [B, C]
        """, queries, budget);

    /// <summary>
    /// The MLP at split 1 over two remote tiers (two queries): tier 1 of three servers (garbler, evaluator and a provider)
    /// holds block 2, tier 2 of two holds block 3 — every duty and a tier boundary, six server nodes.
    /// </summary>
    public static PreparedScenario TwoTierMlp() => MlpAtSplit1("cluster-mlp-two-tiers", """
            - name: edge
              servers: [B, C, D]
            - name: cloud
              servers: [E, F]
        """);

    /// <summary>The MLP at split 1, two Fashion-MNIST queries, over <paramref name="tiers"/> (the YAML list of <c>hierarchy.tiers</c>).</summary>
    private static PreparedScenario MlpAtSplit1(string name, string tiers, int queries = 2, int? budget = null) => PreparedScenario.Prepare(ScenarioLoader.Load($"""
        version: 1
        name: {name}
        model: ../models/mlp.onnx
        split: 1
        hierarchy:
          tiers:
        {tiers.TrimEnd()}
        network: {"{"} profile: lan {"}"}
        queries:
          count: {queries}
          input:
            images: ../models/fashion-mnist-test-1000-images-idx3-ubyte
        crypto: {"{"} preset: seco-8192{(budget is { } b ? $", query_budget: {b}" : "")} {"}"}
        """, $"scenarios/{name}.yaml", Path.Combine(TestHost.Root, "scenarios")));

    /// <summary>The scenario's model dealt afresh (shares for every server of its hierarchy), as a loopback deployment starts from.</summary>
    public static ModelSplit Deal(PreparedScenario prepared) =>
        SecureRun.Deploy(prepared.Scenario, prepared.FixedModel, SecureRun.ContextFor(prepared.Scenario));

    /// <summary>Per sending party ("user", "gateway", …) and kind: messages and body bytes in a simulator run.</summary>
    public static SortedDictionary<string, (long Messages, long Bytes)> SimulatorTraffic(PreparedScenario prepared, out bool bitExact)
    {
        var tally = new MessageTally();
        SecureRunResult result = SecureRun.Run(prepared, null, Actors.Runtime.ComputeTiming.Measured, tally.Wrap);
        bitExact = result.AllBitExact;
        var traffic = new SortedDictionary<string, (long, long)>(StringComparer.Ordinal);
        foreach (((Party from, string _, string kind), (long n, long b)) in tally.Counts)
        {
            string key = $"{Name(from)} {kind}";
            (long n0, long b0) = traffic.GetValueOrDefault(key);
            traffic[key] = (n0 + n, b0 + b);
        }
        return traffic;
    }

    /// <summary>"user", "gateway", "garbler" (tier 1's), "tier 2 evaluator", …: a position, whatever the scenario calls it.</summary>
    public static string Name(Party p) => p.IsUser ? "user" : Hosting.ClusterRoles.Describe(p);
}
