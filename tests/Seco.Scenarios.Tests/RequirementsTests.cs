namespace Seco.Scenarios.Tests;

public sealed class RequirementsTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void One_tier_of_two_servers_is_supported()
    {
        Scenario s = _folder.Load(Yaml.Minimal);
        Assert.Empty(ScenarioRequirements.CheckSupportedByV1(s));
        ScenarioRequirements.EnsureSupportedByV1(s);
    }

    [Fact]
    public void Two_tiers_are_rejected_at_the_tiers_list()
    {
        Scenario s = _folder.Load(Yaml.Minimal + "\n    - name: deeper\n      servers: [D, E]");
        ScenarioError error = Assert.Single(ScenarioRequirements.CheckSupportedByV1(s));
        Assert.Equal("scenarios/x.yaml:6:5: hierarchy.tiers: v1 supports exactly one tier of two servers; this scenario has 2 tiers",
            error.ToString());
    }

    [Fact]
    public void Three_servers_are_rejected_at_the_servers_list()
    {
        Scenario s = _folder.Load(Yaml.Minimal.Replace("[B, C]", "[B, C, D]"));
        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioRequirements.EnsureSupportedByV1(s));
        Assert.Equal("scenarios/x.yaml:7:16: hierarchy.tiers[0].servers: v1 supports exactly one tier of two servers; tier 'remote' has 3 servers",
            e.Message);
    }

    [Fact]
    public void Echo_runs_on_any_valid_hierarchy()
    {
        // The hierarchy rule is the secure inference protocol's; the echo workload has no such limit.
        Scenario s = _folder.Load(Yaml.Echo.Replace("[B, C]", "[B, C, D]") + "\n    - name: deeper\n      servers: [E, F]");
        Assert.Equal(2, s.Hierarchy.Tiers.Count);
        Assert.Empty(ScenarioRequirements.CheckSupportedByV1(s));
        ScenarioRequirements.EnsureSupportedByV1(s);
    }

    [Fact]
    public void Both_problems_are_reported_for_a_scenario_built_in_code()
    {
        var hierarchy = new Hierarchy("A", [new Tier("t1", ["B", "C", "D"]), new Tier("t2", ["E", "F"])]);
        Scenario s = new(
            "coded", null, new ModelSpec(Path.GetFullPath("m.onnx")), 0, hierarchy, NetworkSpec.Default,
            QuerySpec.Default, CryptoPreset.Default, null, SourceMap.Empty("<code>"));
        Assert.Equal(
        [
            "<code>: hierarchy.tiers: v1 supports exactly one tier of two servers; this scenario has 2 tiers",
            "<code>: hierarchy.tiers[0].servers: v1 supports exactly one tier of two servers; tier 't1' has 3 servers",
        ], ScenarioRequirements.CheckSupportedByV1(s).Select(e => e.ToString()));
    }
}
