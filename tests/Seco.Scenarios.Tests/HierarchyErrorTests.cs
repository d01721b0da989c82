namespace Seco.Scenarios.Tests;

public sealed class HierarchyErrorTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string ErrorWithServers(string servers) => _folder.Error(Yaml.Minimal.Replace("[B, C]", servers));

    [Fact]
    public void Duplicate_server_in_a_tier()
    {
        Assert.Equal("scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: duplicate party name 'B' (already used at 7:17)",
            ErrorWithServers("[B, B]"));
    }

    [Fact]
    public void Names_may_not_differ_only_in_case_and_the_default_gateway_counts()
    {
        Assert.Equal("scenarios/x.yaml:7:17: hierarchy.tiers[0].servers[0]: duplicate party name 'a' (the gateway is named 'A' by default)",
            ErrorWithServers("[a, C]"));
    }

    [Fact]
    public void Server_shared_by_two_tiers()
    {
        string yaml = Yaml.Minimal + "\n    - name: other\n      servers: [C, D]";
        Assert.Equal("scenarios/x.yaml:9:17: hierarchy.tiers[1].servers[0]: duplicate party name 'C' (already used at 7:20)",
            _folder.Error(yaml));
    }

    [Fact]
    public void Server_named_like_the_explicit_gateway()
    {
        string yaml = Yaml.Minimal.Replace("  tiers:", "  gateway: { name: B }\n  tiers:");
        Assert.Equal("scenarios/x.yaml:8:17: hierarchy.tiers[0].servers[0]: duplicate party name 'B' (already used at 5:20)",
            _folder.Error(yaml));
    }

    [Theory]
    [InlineData("[user, C]", "scenarios/x.yaml:7:17: hierarchy.tiers[0].servers[0]: 'user' is reserved for the user party")]
    [InlineData("[B, 2C]", "scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: invalid name '2C': must match ^[A-Za-z][A-Za-z0-9_-]{0,31}$ (a letter, then up to 31 letters, digits, '_' or '-')")]
    [InlineData("[B, 'C D']", "scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: invalid name 'C D': must match ^[A-Za-z][A-Za-z0-9_-]{0,31}$ (a letter, then up to 31 letters, digits, '_' or '-')")]
    [InlineData("[B, Abcdefghijklmnopqrstuvwxyz0123456]", "scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: invalid name 'Abcdefghijklmnopqrstuvwxyz0123456': must match ^[A-Za-z][A-Za-z0-9_-]{0,31}$ (a letter, then up to 31 letters, digits, '_' or '-')")]
    [InlineData("[B]", "scenarios/x.yaml:7:16: hierarchy.tiers[0].servers: a tier needs at least 2 servers, got 1")]
    [InlineData("[]", "scenarios/x.yaml:7:16: hierarchy.tiers[0].servers: a tier needs at least 2 servers, got 0")]
    public void Bad_server_lists(string servers, string expected)
    {
        Assert.Equal(expected, ErrorWithServers(servers));
    }

    [Fact]
    public void Longest_valid_name_is_32_characters()
    {
        Scenario s = _folder.Load(Yaml.Minimal.Replace("[B, C]", "[B, Abcdefghijklmnopqrstuvwxyz012345]"));
        Assert.Equal(32, s.Hierarchy.Tiers[0].Servers[1].Length);
    }

    [Fact]
    public void At_least_one_tier()
    {
        string yaml = Yaml.Minimal.Replace("  tiers:\n    - name: remote\n      servers: [B, C]", "  tiers: []");
        Assert.Equal("scenarios/x.yaml:5:10: hierarchy.tiers: at least one tier is required", _folder.Error(yaml));
    }

    [Fact]
    public void Tier_names_are_unique_and_valid()
    {
        string yaml = Yaml.Minimal + "\n    - name: Remote\n      servers: [D, E]\n    - name: 'no good'\n      servers: [F, G]";
        Assert.Equal(
        [
            "scenarios/x.yaml:8:13: hierarchy.tiers[1].name: duplicate tier name 'Remote' (first used at 6:13)",
            "scenarios/x.yaml:10:13: hierarchy.tiers[2].name: invalid name 'no good': must match ^[A-Za-z][A-Za-z0-9_-]{0,31}$ (a letter, then up to 31 letters, digits, '_' or '-')",
        ], _folder.Errors(yaml));
    }

    [Fact]
    public void Garbler_and_evaluator_must_be_distinct_servers_of_the_tier()
    {
        Assert.Equal("scenarios/x.yaml:8:16: hierarchy.tiers[0].garbler: 'X' is not a server of this tier (servers: B, C)",
            _folder.Error(Yaml.Minimal + "\n      garbler: X"));
        Assert.Equal("scenarios/x.yaml:8:18: hierarchy.tiers[0].evaluator: 'c' is not a server of this tier (did you mean 'C'?)",
            _folder.Error(Yaml.Minimal + "\n      evaluator: c"));
        Assert.Equal("scenarios/x.yaml:9:18: hierarchy.tiers[0].evaluator: garbler and evaluator must be different servers, got 'B' for both",
            _folder.Error(Yaml.Minimal + "\n      garbler: B\n      evaluator: B"));
    }

    [Fact]
    public void Tiers_must_be_a_list_of_mappings()
    {
        Assert.Equal("scenarios/x.yaml:6:7: hierarchy.tiers[0]: expected a mapping, got a string 'remote'",
            _folder.Error(Yaml.Minimal.Replace("- name: remote\n      servers: [B, C]", "- remote")));
    }
}
