using Seco.Cluster.Configuration;
using Seco.Cluster.Deployment;
using Seco.Protocol.Roles;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// An operator's two-tier deployment from the shipped config/local-2tier files and files made by `seco certs` and
/// `seco split --tiers 2,2`: every node file launches its server at its position with the right share. Split for one
/// tier of two instead, the same node files are refused before anything starts, at <c>model</c>, naming both
/// hierarchies — a node that started would wait for peers the model has no share for.
/// </summary>
public sealed class NodeLaunchHierarchyTests : IDisposable
{
    private static readonly string[] Servers = ["A", "B", "C", "D", "E"];

    private readonly string _root = Directory.CreateTempSubdirectory("seco-2tier-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Every_node_file_of_the_two_tier_deployment_launches_its_server_at_its_position()
    {
        Deploy("2,2");
        Party[] expected = [Party.Gateway, Party.Server(1, 0), Party.Server(1, 1), Party.Server(2, 0), Party.Server(2, 1)];
        string? deployment = null;
        for (int i = 0; i < Servers.Length; i++)
        {
            NodeLaunch launch = NodeLauncher.Prepare(NodeConfigLoader.Load(Config($"{Servers[i]}.yaml")));
            Assert.Equal(expected[i], launch.Settings.Self.Role);
            Assert.Equal(5, launch.Settings.Servers.Count);
            deployment ??= launch.Deployment.DeploymentId;
            Assert.Equal(deployment, launch.Deployment.DeploymentId);
            Type role = expected[i].IsGateway ? typeof(GatewayRole) : expected[i].Duty == ServerDuty.Garbler ? typeof(GarblerRole) : typeof(EvaluatorRole);
            Assert.Equal(role, launch.Deployment.NewRole().GetType());
        }
    }

    [Fact]
    public void Node_files_of_two_tiers_with_a_split_for_one_tier_are_refused_at_model()
    {
        Deploy(tiers: null);
        CliHarness.Result r = CliHarness.Run("node", "--config", Config("A.yaml"));
        Assert.NotEqual(0, r.ExitCode);
        string said = r.Output + r.Error;
        Assert.Contains("model", said, StringComparison.Ordinal);
        Assert.Contains("was split for tier 1: t1s0 t1s1, but servers lists tier 1: t1s0 t1s1, tier 2: t2s0 t2s1 (the model has no share for t2s0, t2s1)", said,
            StringComparison.Ordinal);
        Assert.DoesNotContain("ready", said, StringComparison.Ordinal);
    }

    private string Config(string file) => Path.Combine(_root, "config", "local-2tier", file);

    /// <summary>The shipped two-tier node files (their relative paths kept), certificates for A..E, and the MLP split at l = 1.</summary>
    private void Deploy(string? tiers)
    {
        string folder = Path.Combine(_root, "config", "local-2tier");
        Directory.CreateDirectory(folder);
        foreach (string name in Servers)
            File.Copy(Path.Combine(TestHost.Root, "config", "local-2tier", $"{name}.yaml"), Path.Combine(folder, $"{name}.yaml"));
        string deploy = Path.Combine(_root, "deploy", "2tier");
        Check(CliHarness.Run("certs", "--out", Path.Combine(deploy, "certs"), "--servers", string.Join(",", Servers), "--users", "user"));
        string[] split = ["split", "--model", Path.Combine(TestHost.Root, "models", "mlp.onnx"), "--split", "1", "--out", Path.Combine(deploy, "model")];
        Check(CliHarness.Run(tiers is null ? split : [.. split, "--tiers", tiers]));
    }

    private static void Check(CliHarness.Result r) => Assert.True(r.ExitCode == 0, r.Output + r.Error);
}
