using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>Each point is the base scenario with the axes' parts replaced; generated hierarchies have stable server names.</summary>
public sealed class PointBuilderTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Every point's scenario, or the errors building them gave.</summary>
    private (List<Scenario> Points, List<ScenarioError> Errors) Build(string grid, string baseFile = "base.yaml")
    {
        Sweep sweep = _folder.Load($"version: 1\nbase: {baseFile}\ngrid:\n{grid}\ncharts: []\n");
        var errors = new List<ScenarioError>();
        var points = SweepGrid.Expand(sweep, _ => 4)
            .Select((v, i) => PointBuilder.Build(sweep, v, i + 1, $"point {i + 1}", errors)).OfType<Scenario>().ToList();
        return (points, errors);
    }

    [Fact]
    public void AxesReplaceTheirPartOfTheBaseAndKeepTheRest()
    {
        (List<Scenario> points, List<ScenarioError> errors) = Build("  model: [MODELS/minionn.onnx]\n  split: [3]\n  network: [wan]\n  queries: [2]");
        Assert.Empty(errors);
        Scenario s = Assert.Single(points);
        Assert.Equal(Path.Combine(SweepFolder.Models, "minionn.onnx"), s.Model!.Path);
        Assert.Equal(3, s.Split);
        Assert.Equal("wan", s.Network.Profile.Name);
        Assert.Equal(2, s.Queries.Count);
        Assert.IsType<IdxInput>(s.Queries.Input);
        Assert.Equal(["user", "A", "B", "C"], s.Hierarchy.Parties); // no hierarchy axis: the base's own
    }

    [Fact]
    public void HierarchyAxesGenerateTiersWithServersNamedByTierAndPlace()
    {
        (List<Scenario> points, List<ScenarioError> errors) = Build("  tiers: [1, 2]\n  servers_per_tier: [2, 3]");
        Assert.Empty(errors);
        Assert.Equal(4, points.Count);
        Hierarchy deep = points[3].Hierarchy; // tiers=2, servers_per_tier=3
        Assert.Equal("A", deep.Gateway);
        Assert.Equal(["tier1", "tier2"], deep.Tiers.Select(t => t.Name));
        Assert.Equal(["T1S1", "T1S2", "T1S3"], deep.Tiers[0].Servers);
        Assert.Equal(["T2S1", "T2S2", "T2S3"], deep.Tiers[1].Servers);
        Assert.Equal(("T2S1", "T2S2"), (deep.Tiers[1].Garbler, deep.Tiers[1].Evaluator));
        Assert.Equal(["user", "A", "T1S1", "T1S2"], points[0].Hierarchy.Parties);
    }

    [Fact]
    public void PerTierWidthsSetEachTierAndTheirCountMustMatchTheDepth()
    {
        (List<Scenario> points, List<ScenarioError> errors) = Build("  servers_per_tier: [[2, 3]]");
        Assert.Empty(errors);
        Assert.Equal([2, 3], Assert.Single(points).Hierarchy.Tiers.Select(t => t.Servers.Count));

        (_, errors) = Build("  tiers: [3]\n  servers_per_tier: [[2, 3]]");
        Assert.Equal("sweeps/s.yaml:5:22: grid.servers_per_tier[0]: point 1: 2 widths for 3 tiers; give one per tier", Assert.Single(errors).ToString());
    }

    [Fact]
    public void APerTierNetworkSetsTheLinksInsideAndAboveEachTier()
    {
        (List<Scenario> points, List<ScenarioError> errors) = Build("  tiers: [2]\n  network: [[wan, lan]]");
        Assert.Empty(errors);
        Scenario s = Assert.Single(points);
        Assert.Equal(40, s.LinkBetween("A", "T1S2").LatencyMs);    // tier 1 to the gateway: wan
        Assert.Equal(40, s.LinkBetween("T1S1", "T1S2").LatencyMs); // inside tier 1: wan
        Assert.Equal(0.5, s.LinkBetween("T1S1", "T2S2").LatencyMs); // tier 2 to tier 1: lan
        Assert.Equal(0.5, s.LinkBetween("user", "A").LatencyMs);   // the base's network-wide value
        Assert.Equal(0.5, s.LinkBetween("A", "T2S1").LatencyMs);   // skips a tier: the base's value too

        (_, errors) = Build("  tiers: [2]\n  network: [[wan]]");
        Assert.Equal("sweeps/s.yaml:5:13: grid.network[0]: point 1: 1 network profiles for 2 tiers; give one per tier", Assert.Single(errors).ToString());
    }

    [Fact]
    public void BaseSettingsThatNameServersAGeneratedHierarchyLacksAreErrorsAtTheBaseFile()
    {
        string path = _folder.Write("settings.yaml", File.ReadAllText(Path.Combine(_folder.Root, "base.yaml")) + "parties:\n  B: { nic_mbps: 100 }\n  A: { cpu_slowdown: 2 }\n");
        (_, List<ScenarioError> errors) = Build("  tiers: [1]", "settings.yaml");
        ScenarioError error = Assert.Single(errors);
        Assert.Equal(path, error.File);
        Assert.Equal("parties.B", error.Path);
        Assert.StartsWith("point 1: names 'B', which this point's generated hierarchy does not have (parties: user, A, T1S1, T1S2)", error.Message);
    }
}
