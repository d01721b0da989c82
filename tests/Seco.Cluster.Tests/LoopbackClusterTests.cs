using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Nn.Field;
using Seco.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests;

/// <summary>
/// The acceptance test of cluster mode in one process: every server (A, B and C; or a gateway and two tiers) as its own
/// ActorSystem on 127.0.0.1 with mutual TLS and a test CA, the user through the door. The logits must equal the plaintext reference bit for bit, and every
/// party must send exactly the messages — kind, count and body bytes — it sends in the simulator.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LoopbackClusterTests(ITestOutputHelper output)
{
    [Fact]
    public Task Mlp_is_bit_exact_and_sends_what_the_simulator_sends() => Check(ClusterScenarios.Mlp());

    [Fact]
    public Task MiniOnn_default_split_is_bit_exact_and_sends_what_the_simulator_sends() => Check(ClusterScenarios.Load("default.yaml"));

    /// <summary>Issue 18's acceptance: a multi-tier hierarchy through the Akka runtime — two tiers, a provider in the first.</summary>
    [Fact]
    public Task Two_tier_hierarchy_with_a_provider_is_bit_exact_and_sends_what_the_simulator_sends() => Check(ClusterScenarios.TwoTierMlp());

    /// <summary>
    /// Issue 22's multi-core parties in the cluster: every server with two cores runs its data-parallel kernels (A's and
    /// the servers' per-ciphertext sums and decryptions, the servers' per-block products — convolutions among them) on
    /// two threads, and the result is the same bit for bit, message for message.
    /// </summary>
    [Fact]
    public Task MiniOnn_with_two_cores_per_server_is_bit_exact_and_sends_what_the_simulator_sends() =>
        Check(ClusterScenarios.Load("default.yaml"), cores: 2);

    private async Task Check(PreparedScenario prepared, int cores = 1)
    {
        var log = new List<string>();
        var perServer = LoopbackCluster.ServerNames(prepared.Scenario.Hierarchy).Values.ToDictionary(n => n, _ => cores);
        LoopbackResult result = await LoopbackCluster.RunAsync(prepared, new LoopbackOptions { Log = line => { lock (log) log.Add(line); }, Cores = perServer });
        lock (log) foreach (string line in log) output.WriteLine(line);
        output.WriteLine($"joined in {result.JoinSeconds:F1} s, session {result.SessionSeconds:F1} s, user setup {result.User.SetupSeconds:F2} s");
        foreach (var q in result.User.Queries)
            output.WriteLine($"q{q.Query}: prep {q.PreprocessingSeconds:F2} s, waiting {q.WaitingSeconds:F2} s, participation {q.ParticipationSeconds:F2} s");

        Assert.Null(result.User.SessionFailure);
        foreach (var q in result.User.Queries)
        {
            Assert.Null(q.Failure);
            Assert.Equal(result.Reference[q.Query], q.Logits!.Select(PrimeField.ToSigned).ToArray());
            Assert.True(q.WaitingSeconds > 0);
        }
        Assert.True(result.AllBitExact);

        var simulated = ClusterScenarios.SimulatorTraffic(prepared, out bool simulatorExact);
        Assert.True(simulatorExact);
        var names = LoopbackCluster.ServerNames(prepared.Scenario.Hierarchy).ToDictionary(n => n.Value, n => ClusterScenarios.Name(n.Key));
        Assert.Equal(names.Keys.Order(), result.Servers.Select(s => s.Party).Order());
        var cluster = new SortedDictionary<string, (long Messages, long Bytes)>(StringComparer.Ordinal);
        foreach (PartyCosts party in result.Servers.Append(result.User.Costs))
            foreach (KindCount k in party.SentByKind)
                cluster[$"{names.GetValueOrDefault(party.Party, party.Party)} {k.Kind}"] = (k.Messages, k.BodyBytes);
        foreach ((string key, var sim) in simulated)
            output.WriteLine($"{key}: simulator {sim.Messages} msgs {sim.Bytes} B, cluster {cluster.GetValueOrDefault(key)}");
        Assert.Equal(simulated, cluster);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster (ports, CPU)";
}
