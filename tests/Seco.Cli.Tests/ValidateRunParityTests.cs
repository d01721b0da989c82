using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 16, item 1: `seco validate` accepts exactly what `seco run` accepts and refuses exactly what it refuses
/// (both go through RunAdmission; run's refusals are tested in ScenarioCommandTests and here).
/// </summary>
public sealed class ValidateRunParityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-parity-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ShippedScenarios() =>
        [.. new[] { "", "load" }.SelectMany(d => Directory.GetFiles(Path.Combine(TestHost.Root, "scenarios", d), "*.yaml"))
            .Where(f => !File.ReadAllText(f).Contains("\ngrid:", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Path.Combine(TestHost.Root, "scenarios"), f)).Order()];

    [Theory]
    [MemberData(nameof(ShippedScenarios))]
    public void EveryShippedScenarioIsValid(string file)
    {
        CliHarness.Result r = CliHarness.Run("validate", Path.Combine(TestHost.Root, "scenarios", file));
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("valid (`seco run` will run it)", r.Output);
    }

    [Fact]
    public void AQueryBudgetTheSmudgingCannotCoverIsRefusedByBoth()
    {
        string path = Path.Combine(_dir, "budget.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(TestHost.Root, "scenarios", "default.yaml"))
            .Replace("../models/", Path.Combine(TestHost.Root, "models") + "/")
            .Replace("preset: seco-8192", "preset: seco-8192\n  query_budget: 1000000"));
        foreach (string[] args in new[] { new[] { "validate", path }, ["run", path, "--out", _dir] })
        {
            CliHarness.Result r = CliHarness.Run(args);
            Assert.Equal(1, r.ExitCode);
            Assert.Matches(@"budget\.yaml:\d+:\d+: crypto\.query_budget: a query budget of 1000000 exceeds", r.Error);
        }
        Assert.Empty(Directory.GetDirectories(_dir));
    }

    [Fact]
    public void AllReasonsARunWouldBeRefusedComeTogether()
    {
        string path = Path.Combine(_dir, "both.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(TestHost.Root, "scenarios", "default.yaml"))
            .Replace("../models/", Path.Combine(TestHost.Root, "models") + "/")
            .Replace("servers: [B, C]", $"servers: [{string.Join(", ", Enumerable.Range(0, 17).Select(i => $"S{i}"))}]").Replace("preset: seco-8192", "preset: test-4096"));
        CliHarness.Result r = CliHarness.Run("validate", path);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the secure protocol runs at most 16 servers per tier; tier 'remote' has 17", r.Error);
        Assert.Contains("needs crypto preset 'seco-8192'", r.Error);
    }

    /// <summary>
    /// The loader keeps 20 errors, but RunAdmission's own checks were not capped: an inference scenario with 300
    /// tiers printed 302 lines (one per tier). Both commands now print 20 and "… and N more errors" (here: 30 tiers
    /// of 17 servers, past both of the protocol's limits, 31 errors).
    /// </summary>
    [Fact]
    public void TheReasonsARunWouldBeRefusedAreCappedLikeTheLoadersErrors()
    {
        string path = Path.Combine(_dir, "tiers.yaml");
        string tiers = string.Concat(Enumerable.Range(0, 30).Select(i => $"    - {{name: t{i}, servers: [{string.Join(", ", Enumerable.Range(0, 17).Select(j => $"s{i}x{j}"))}]}}\n"));
        File.WriteAllText(path, $"version: 1\nmodel: {Path.Combine(TestHost.Root, "models", "minionn.onnx")}\nsplit: 0\nhierarchy:\n  tiers:\n{tiers}");
        foreach (string[] args in new[] { new[] { "validate", path }, ["run", path, "--out", _dir] })
        {
            CliHarness.Result r = CliHarness.Run(args);
            Assert.Equal(1, r.ExitCode);
            string[] lines = r.Error.TrimEnd().Split('\n');
            Assert.Equal(21, lines.Length);
            Assert.Contains("the secure protocol runs at most 16 remote tiers; this scenario has 30", lines[0]);
            Assert.Equal("… and 11 more errors", lines[^1].TrimEnd());
        }
        Assert.Empty(Directory.GetDirectories(_dir));
    }
}
