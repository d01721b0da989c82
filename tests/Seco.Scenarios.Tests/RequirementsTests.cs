namespace Seco.Scenarios.Tests;

public sealed class RequirementsTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void One_tier_of_two_servers_is_supported()
    {
        Scenario s = _folder.Load(Yaml.Minimal);
        Assert.Empty(ScenarioRequirements.CheckSupported(s));
        ScenarioRequirements.EnsureSupported(s);
    }

    [Fact]
    public void Wider_and_deeper_hierarchies_are_supported()
    {
        Scenario s = _folder.Load(Yaml.Minimal.Replace("[B, C]", "[B, C, D]") + "\n    - name: deeper\n      servers: [E, F]");
        Assert.Equal(2, s.Hierarchy.Tiers.Count);
        Assert.Empty(ScenarioRequirements.CheckSupported(s));
        Assert.Equal(["B", "C", "D"], s.Hierarchy.Tiers[0].ProtocolOrder);
    }

    [Fact]
    public void Garbler_and_evaluator_come_first_in_protocol_order()
    {
        var tier = new Tier("t", ["B", "C", "D", "E"], garbler: "D", evaluator: "B");
        Assert.Equal(["D", "B", "C", "E"], tier.ProtocolOrder);
    }

    [Fact]
    public void Blocks_given_for_some_tiers_only_are_rejected_at_the_tiers_list()
    {
        Scenario s = _folder.Load(Yaml.Minimal.Replace("servers: [B, C]", "servers: [B, C]\n      blocks: 2") + "\n    - name: deeper\n      servers: [D, E]");
        ScenarioError error = Assert.Single(ScenarioRequirements.CheckSupported(s));
        Assert.Equal("scenarios/x.yaml:6:5: hierarchy.tiers: either every tier says how many blocks it holds ('blocks:') or none does (an even share); 1 of 2 do",
            error.ToString());
        Assert.Equal(2, s.Hierarchy.Tiers[0].Blocks);
    }

    [Fact]
    public void More_than_sixteen_servers_in_a_tier_are_rejected_for_a_scenario_built_in_code()
    {
        var hierarchy = new Hierarchy("A", [new Tier("t1", Enumerable.Range(0, 17).Select(i => $"S{i}")), new Tier("t2", ["E", "F"])]);
        Scenario s = new(
            "coded", null, new ModelSpec(Path.GetFullPath("m.onnx")), 0, hierarchy, NetworkSpec.Default,
            QuerySpec.Default, CryptoPreset.Default, null, SourceMap.Empty("<code>"));
        Assert.Equal(
        [
            "<code>: hierarchy.tiers[0].servers: the secure protocol runs at most 16 servers per tier; tier 't1' has 17",
        ], ScenarioRequirements.CheckSupported(s).Select(e => e.ToString()));
    }

    [Fact]
    public void Echo_runs_on_any_valid_hierarchy()
    {
        Scenario s = _folder.Load(Yaml.Echo.Replace("[B, C]", "[B, C, D]") + "\n    - name: deeper\n      servers: [E, F]");
        Assert.Equal(2, s.Hierarchy.Tiers.Count);
        Assert.Empty(ScenarioRequirements.CheckSupported(s));
    }
}
