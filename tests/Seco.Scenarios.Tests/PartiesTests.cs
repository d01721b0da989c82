namespace Seco.Scenarios.Tests;

/// <summary>The <c>parties</c> key: per-party CPU slowdown and interface rate.</summary>
public sealed class PartiesTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Minimal + a parties section whose entries start on line 9.</summary>
    private static string WithParties(string entries) => Yaml.Minimal + "\nparties:\n" + entries;

    [Fact]
    public void Given_parties_get_their_settings_and_the_others_the_default()
    {
        Scenario s = _folder.Load(WithParties("  B: { nic_mbps: 1000 }\n  user: { cpu_slowdown: 4, nic_mbps: 50 }\n  A: { cpu_slowdown: 0.5 }"));

        Assert.Equal(["user", "A", "B"], s.Parties.Keys); // hierarchy order, not file order
        Assert.Equal(new PartySettings(4, 50), s.SettingsOf("user"));
        Assert.Equal(new PartySettings(0.5, null), s.SettingsOf("A"));
        Assert.Equal(new PartySettings(1, 1000), s.SettingsOf("B"));
        Assert.Same(PartySettings.Default, s.SettingsOf("C"));
        Assert.Equal((1.0, (double?)null), (PartySettings.Default.CpuSlowdown, PartySettings.Default.NicMbps));
    }

    [Fact]
    public void Cores_are_read_per_party_and_default_to_one()
    {
        Scenario s = _folder.Load(WithParties("  B: { cores: 8 }\n  C: { cores: 256, cpu_slowdown: 2 }"));

        Assert.Equal(new PartySettings(1, null, 8), s.SettingsOf("B"));
        Assert.Equal(new PartySettings(2, null, 256), s.SettingsOf("C"));
        Assert.Equal(1, s.SettingsOf("A").Cores);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartySettings(1, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartySettings(1, null, PartySettings.MaxCores + 1));
    }

    [Fact]
    public void Settings_of_an_unknown_party_are_refused()
    {
        Scenario s = _folder.Load(Yaml.Minimal);
        Assert.Contains("unknown party 'Z' (parties: user, A, B, C)",
            Assert.Throws<ArgumentException>(() => s.SettingsOf("Z")).Message);
        Assert.Throws<ArgumentException>(() => s.SettingsOf("b"));
        Assert.Empty(s.Parties);
    }

    [Fact]
    public void Empty_section_is_allowed()
    {
        Assert.Empty(_folder.Load(Yaml.Minimal + "\nparties: {}").Parties);
    }

    [Theory]
    [InlineData("  D: { nic_mbps: 10 }", "scenarios/x.yaml:9:3: parties.D: unknown party 'D' (parties: user, A, B, C)")]
    [InlineData("  usr: { cpu_slowdown: 2 }", "scenarios/x.yaml:9:3: parties.usr: unknown party 'usr' (did you mean 'user'?)")]
    [InlineData("  b: { cpu_slowdown: 2 }", "scenarios/x.yaml:9:3: parties.b: unknown party 'b' (did you mean 'B'?)")]
    [InlineData("  B: {}", "scenarios/x.yaml:9:6: parties.B: must set cpu_slowdown, nic_mbps or cores")]
    [InlineData("  B: { cpu_slowdown: 0 }", "scenarios/x.yaml:9:22: parties.B.cpu_slowdown: out of range: got 0, must be > 0")]
    [InlineData("  B: { nic_mbps: -5 }", "scenarios/x.yaml:9:18: parties.B.nic_mbps: out of range: got -5, must be > 0")]
    [InlineData("  B: { nic_mbps: \"100\" }", "scenarios/x.yaml:9:18: parties.B.nic_mbps: expected a number, got a quoted string \"100\" (remove the quotes)")]
    [InlineData("  B: { cpu_slowdown: .nan }", "scenarios/x.yaml:9:22: parties.B.cpu_slowdown: expected a finite number, got .nan")]
    [InlineData("  B: fast", "scenarios/x.yaml:9:6: parties.B: expected a mapping such as { cpu_slowdown: 2, nic_mbps: 100, cores: 8 }, got a string 'fast'")]
    [InlineData("  B: { nic: 5 }", "scenarios/x.yaml:9:6: parties.B: must set cpu_slowdown, nic_mbps or cores\nscenarios/x.yaml:9:8: parties.B.nic: unknown key (did you mean 'nic_mbps'?)")]
    [InlineData("  B: { cores: 0 }", "scenarios/x.yaml:9:15: parties.B.cores: out of range: got 0, must be between 1 and 256")]
    [InlineData("  B: { cores: 257 }", "scenarios/x.yaml:9:15: parties.B.cores: out of range: got 257, must be between 1 and 256")]
    [InlineData("  B: { cores: 2.5 }", "scenarios/x.yaml:9:15: parties.B.cores: expected an integer, got a number (2.5)")]
    [InlineData("  B: { nic_mbps: 1 }\n  B: { nic_mbps: 2 }", "scenarios/x.yaml:10:3: parties.B: duplicate key (first given at 9:3)")]
    [InlineData("  D: { cpu_slowdown: -1 }", "scenarios/x.yaml:9:3: parties.D: unknown party 'D' (parties: user, A, B, C)\nscenarios/x.yaml:9:22: parties.D.cpu_slowdown: out of range: got -1, must be > 0")]
    [InlineData("  ? [B, C]\n  : { nic_mbps: 1 }", "scenarios/x.yaml:9:5: parties: keys must be party names, got a list")]
    public void Bad_party_settings(string entries, string expected)
    {
        Assert.Equal(expected, string.Join("\n", _folder.Errors(WithParties(entries))));
    }

    [Fact]
    public void Section_must_be_a_mapping()
    {
        Assert.Equal("scenarios/x.yaml:8:10: parties: expected a mapping, got a list",
            _folder.Error(Yaml.Minimal + "\nparties: [B]"));
    }

    [Fact]
    public void Names_are_not_checked_when_the_hierarchy_is_unreadable()
    {
        string yaml = Yaml.Minimal.Replace("[B, C]", "[B, {C: 1}]") + "\nparties:\n  C: { nic_mbps: 5 }";
        Assert.Equal("scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: expected a string, got a mapping", _folder.Error(yaml));
    }
}
