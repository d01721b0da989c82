using Seco.Actors.Runtime;
using Seco.Scenarios.Secure;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// Wider and deeper hierarchies through the network simulator and the actor runtime (docs/hierarchy.md): every query
/// bit-exact against the plaintext reference, for two split points each, and every server of every tier busy.
/// </summary>
public sealed class HierarchyRunTests
{
    private static Scenario Load(string model, int split, string tiers, int queries = 1) =>
        ScenarioLoader.Load($$"""
            version: 1
            name: hierarchy
            model: ../models/{{model}}
            split: {{split}}
            hierarchy:
              tiers:
            {{tiers}}
            network: { profile: lan }
            queries:
              count: {{queries}}
              input:
                images: ../models/fashion-mnist-test-1000-images-idx3-ubyte
            crypto: { preset: seco-8192 }
            """, "scenarios/hierarchy.yaml", Path.Combine(TestHost.Root, "scenarios"));

    private static string Tier(string name, params string[] servers) => $"    - name: {name}\n      servers: [{string.Join(", ", servers)}]";

    private static SecureRunResult RunBitExact(Scenario scenario, params string[] servers)
    {
        SecureRunResult result = SecureRun.Run(PreparedScenario.Prepare(scenario), timing: ComputeTiming.ChargedOnly);
        Assert.True(result.AllBitExact, string.Join("; ", result.Queries.Select(q => q.FailureReason ?? (q.BitExact ? "exact" : "wrong"))));
        Assert.All(result.Queries, q => Assert.True(q.Completed));
        // Every named server sent something during the run (none is idle), and so did A.
        foreach (string server in servers.Append("A"))
            Assert.True(result.Report.Parties.Single(p => p.Party == server).Phases.Sum(ph => ph.BytesSent) > 0, $"{server} sent nothing");
        return result;
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(2, 3)]
    [InlineData(0, 4)]
    [InlineData(2, 4)]
    public void One_tier_of_k_servers(int split, int k)
    {
        string[] servers = [.. Enumerable.Range(0, k).Select(j => ((char)('B' + j)).ToString())];
        RunBitExact(Load("mlp.onnx", split, Tier("remote", servers)), servers);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Two_tiers_of_two(int split) =>
        RunBitExact(Load("mlp.onnx", split, Tier("edge", "B", "C") + "\n" + Tier("cloud", "D", "E")), "B", "C", "D", "E");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Three_tiers_of_widths_two_three_two(int split) =>
        RunBitExact(Load("minionn.onnx", split, Tier("edge", "B", "C") + "\n" + Tier("fog", "D", "E", "F") + "\n" + Tier("cloud", "G", "H")),
            "B", "C", "D", "E", "F", "G", "H");

    [Fact]
    public void Blocks_per_tier_are_the_scenarios_and_a_wrong_sum_is_its_error()
    {
        string tiers = Tier("edge", "B", "C") + "\n      blocks: 1\n" + Tier("cloud", "D", "E") + "\n      blocks: 1";
        RunBitExact(Load("mlp.onnx", 1, tiers), "B", "C", "D", "E");
        var e = Assert.Throws<ScenarioValidationException>(() => SecureRun.Run(PreparedScenario.Prepare(Load("mlp.onnx", 0, tiers)), timing: ComputeTiming.ChargedOnly));
        Assert.Contains("hierarchy.tiers: the tiers hold 2 blocks (1 + 1), but split 0 leaves 3 of the model's 3 blocks to them", e.Message);
    }

    [Fact]
    public void More_tiers_than_remote_blocks_is_the_scenarios_error()
    {
        Scenario s = Load("mlp.onnx", 2, Tier("edge", "B", "C") + "\n" + Tier("cloud", "D", "E"));
        var e = Assert.Throws<ScenarioValidationException>(() => SecureRun.Run(PreparedScenario.Prepare(s), timing: ComputeTiming.ChargedOnly));
        Assert.Contains("2 remote tiers need at least 2 blocks, but split 2 leaves 1 of the model's 3", e.Message);
    }
}
