using Seco.Nn.Tests;
using Xunit;

namespace Seco.Cli.Tests;

public sealed class ScenarioCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-scn-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string body)
    {
        string path = Path.Combine(_dir, "s.yaml");
        File.WriteAllText(path, body.Replace("MODELS", Path.Combine(RepoPaths.Root, "models")));
        return path;
    }

    private const string Valid = """
        version: 1
        model: MODELS/minionn.onnx
        split: 1
        hierarchy:
          tiers:
            - name: remote
              servers: [B, C]
        queries:
          count: 2
          input:
            images: MODELS/fashion-mnist-test-1000-images-idx3-ubyte
        """;

    [Fact]
    public void ValidateAcceptsAValidScenario()
    {
        var r = CliHarness.Run("validate", Scenario(Valid));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("valid", r.Output);
        Assert.Contains("l = 1: gateway A runs block 1 in plaintext; remote tiers run blocks 2–4", r.Output);
    }

    [Fact]
    public void MisspelledKeyIsAOneLineErrorWithPosition()
    {
        string path = Scenario(Valid.Replace("  count: 2", "  cuont: 2"));
        var r = CliHarness.Run("validate", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: {path}:9:3: queries.cuont: unknown key (did you mean 'count'?)", r.Error.TrimEnd());
    }

    [Fact]
    public void SplitPastTheModelIsReportedAtTheSplitKey()
    {
        string path = Scenario(Valid.Replace("split: 1", "split: 5"));
        var r = CliHarness.Run("validate", path);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"error: {path}:3:8: split: split 5 is past the model's last block; 'minionn' has 4 blocks, so split must be 0..4", r.Error);
    }

    [Fact]
    public void TooManyQueriesForTheImageFileAreReported()
    {
        var r = CliHarness.Run("validate", Scenario(Valid.Replace("count: 2", "count: 1001")));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("queries.count: 1001 queries from offset 0 need 1001 images; the file holds 1000", r.Error);
    }

    [Fact]
    public void RunAndValidateBothRefuseWhatTheProtocolCannotRun()
    {
        string path = Scenario(Valid.Replace("servers: [B, C]", $"servers: [{string.Join(", ", Enumerable.Range(0, 17).Select(i => $"S{i}"))}]"));
        foreach (string command in new[] { "validate", "run" })
        {
            var r = command == "run" ? CliHarness.Run(command, path, "--out", _dir) : CliHarness.Run(command, path);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("the secure protocol runs at most 16 servers per tier; tier 'remote' has 17", r.Error);
        }
        Assert.Empty(Directory.GetDirectories(_dir)); // refused before anything was made
    }

    [Fact]
    public void RunRefusesTheInsecureTestPresetForTheSecureProtocol()
    {
        string path = Scenario(Valid + "\ncrypto:\n  preset: test-4096\n");
        foreach (string command in new[] { "validate", "run" })
        {
            var r = command == "run" ? CliHarness.Run(command, path, "--out", _dir) : CliHarness.Run(command, path);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains("the secure protocol needs crypto preset 'seco-8192'", r.Error);
        }
    }
}
