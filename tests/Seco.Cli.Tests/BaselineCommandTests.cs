using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>Issue 21: the CLI says which protocol a scenario runs, and the cluster runtime refuses DELPHI-3 (party files name no protocol).</summary>
public sealed class BaselineCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-baseline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string protocol)
    {
        string path = Path.Combine(_dir, $"{protocol}.yaml");
        File.WriteAllText(path, $"version: 1\nprotocol: {protocol}\nmodel: {Path.Combine(TestHost.Root, "models", "mlp.onnx")}\nsplit: 1\n" +
                                "hierarchy:\n  tiers:\n    - name: remote\n      servers: [B, C]\n");
        return path;
    }

    [Fact]
    public void Validate_names_the_protocol()
    {
        CliHarness.Result r = CliHarness.Run("validate", Scenario("delphi-3"));
        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        Assert.Contains("DELPHI-3: F_A between the user and the gateway", r.Output);
    }

    [Fact]
    public void The_cluster_runtime_refuses_delphi3_before_anything_runs()
    {
        CliHarness.Result r = CliHarness.Run("run", Scenario("delphi-3"), "--runtime", "cluster", "--out", _dir);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is a DELPHI-3 scenario, which only the simulator runs", r.Error);
        Assert.Equal(["delphi-3.yaml"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }
}
