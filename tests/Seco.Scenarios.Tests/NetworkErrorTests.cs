namespace Seco.Scenarios.Tests;

public sealed class NetworkErrorTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Minimal + a network section whose links start on line 10.</summary>
    private string WithLinks(string links) => Yaml.Minimal + "\nnetwork:\n  links:\n" + links;

    [Fact]
    public void Link_to_an_unknown_party_lists_the_parties()
    {
        Assert.Equal("scenarios/x.yaml:10:20: network.links[0].between[1]: unknown party 'D' (parties: user, A, B, C)",
            _folder.Error(WithLinks("    - between: [A, D]\n      latency_ms: 5")));
    }

    [Fact]
    public void Link_to_a_misspelt_party_suggests_it()
    {
        Assert.Equal("scenarios/x.yaml:10:17: network.links[0].between[0]: unknown party 'usr' (did you mean 'user'?)",
            _folder.Error(WithLinks("    - between: [usr, A]\n      latency_ms: 5")));
    }

    [Fact]
    public void Duplicate_link_in_either_order()
    {
        string links = "    - between: [B, C]\n      latency_ms: 1\n    - between: [C, B]\n      latency_ms: 2";
        Assert.Equal("scenarios/x.yaml:12:16: network.links[1].between: duplicate link C-B (first given at 10:16)",
            _folder.Error(WithLinks(links)));
    }

    [Theory]
    [InlineData("    - between: [B, B]\n      latency_ms: 1", "scenarios/x.yaml:10:16: network.links[0].between: a link needs two different parties, got 'B' twice")]
    [InlineData("    - between: [A, B, C]\n      latency_ms: 1", "scenarios/x.yaml:10:16: network.links[0].between: expected a list of two party names, got 3 items")]
    [InlineData("    - between: [A]\n      latency_ms: 1", "scenarios/x.yaml:10:16: network.links[0].between: expected a list of two party names, got 1 item")]
    [InlineData("    - between: A-B\n      latency_ms: 1", "scenarios/x.yaml:10:16: network.links[0].between: expected a list, got a string 'A-B'")]
    [InlineData("    - between: [A, B]", "scenarios/x.yaml:10:7: network.links[0]: a link must set latency_ms, bandwidth_mbps or both")]
    [InlineData("    - latency_ms: 1", "scenarios/x.yaml:10:7: network.links[0].between: required key is missing")]
    [InlineData("    - between: [A, B]\n      bandwidth_mbps: -10", "scenarios/x.yaml:11:23: network.links[0].bandwidth_mbps: out of range: got -10, must be > 0")]
    [InlineData("    - between: [A, B]\n      latency: 1", "scenarios/x.yaml:10:7: network.links[0]: a link must set latency_ms, bandwidth_mbps or both\nscenarios/x.yaml:11:7: network.links[0].latency: unknown key (did you mean 'latency_ms'?)")]
    public void Bad_links(string links, string expected)
    {
        Assert.Equal(expected, string.Join("\n", _folder.Errors(WithLinks(links))));
    }

    [Fact]
    public void Links_are_not_checked_against_parties_when_the_hierarchy_is_unreadable()
    {
        // One error for the hierarchy, none for the link that names a party we could not read.
        string yaml = Yaml.Minimal.Replace("[B, C]", "[B, {C: 1}]") + "\nnetwork:\n  links:\n    - between: [A, C]\n      latency_ms: 5";
        Assert.Equal("scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: expected a string, got a mapping", _folder.Error(yaml));
    }
}
