using System.Text.Json.Nodes;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 22 through the CLI: `seco run --runtime cluster` on a scenario with <c>load: { users: N }</c> runs N door
/// clients at once in one run, reports each user's session and the load's throughput and latency, and refuses the load
/// settings only the simulator runs, before anything runs.
/// </summary>
[Collection(TimedCollection.Name)]
public sealed class ClusterLoadCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-cluster-load-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string name, string load)
    {
        string path = Path.Combine(_dir, $"{name}.yaml");
        File.WriteAllText(path, $$"""
            version: 1
            name: {{name}}
            model: {{Path.Combine(TestHost.Root, "models", "mlp.onnx")}}
            split: 1
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            queries:
              count: 3
              input:
                images: {{Path.Combine(TestHost.Root, "models", "fashion-mnist-test-1000-images-idx3-ubyte")}}
            crypto: { preset: seco-8192 }
            load: {{load}}
            """);
        return path;
    }

    [Fact]
    public void Three_users_at_once_are_bit_exact_and_reported_each()
    {
        CliHarness.Result r = CliHarness.Run("run", Scenario("three-users", "{ users: 3 }"), "--runtime", "cluster", "--out", _dir);
        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        Assert.Contains("Bit-exact: 3/3", r.Output);
        Assert.Contains("3 users at once: 3 queries finished", r.Output);
        Assert.Contains("users (3)", r.Output);
        JsonNode report = JsonNode.Parse(File.ReadAllText(Directory.GetFiles(_dir, "report.json", SearchOption.AllDirectories).Single()))!;
        Assert.True(report["all_bit_exact"]!.GetValue<bool>());
        JsonArray users = report["cluster"]!["users"]!.AsArray();
        Assert.Equal(["user-1", "user-2", "user-3"], users.Select(u => u!["user"]!.GetValue<string>()));
        // Query i came from user i mod 3, as the simulator deals a load's queries.
        Assert.Equal([[0], [1], [2]], users.Select(u => u!["queries"]!.AsArray().Select(q => q!.GetValue<int>()).ToArray()));
        Assert.All(users, u => Assert.Null(u!["session_failure"]));
    }

    [Fact]
    public void Load_settings_only_the_simulator_runs_are_refused_before_anything_runs()
    {
        CliHarness.Result r = CliHarness.Run("run", Scenario("open", "{ users: 2, arrivals: open, rate_per_s: 1, schedule: pipelined }"), "--runtime", "cluster", "--out", _dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--runtime cluster runs users: N as a closed loop without think time", r.Error);
        Assert.Contains("open arrivals, schedule: pipelined run in the simulator only", r.Error);
        Assert.Equal(["open.yaml"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
