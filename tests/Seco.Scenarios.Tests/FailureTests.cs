namespace Seco.Scenarios.Tests;

/// <summary>The <c>failures</c> key: parties that stop and links that go down at a virtual time.</summary>
public sealed class FailureTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Minimal + a failures list whose items start on line 9.</summary>
    private static string WithFailures(string items) => Yaml.Minimal + "\nfailures:\n" + items;

    [Fact]
    public void Failures_load_in_file_order()
    {
        Scenario s = _folder.Load(WithFailures(
            "  - { at_ms: 120, stop: B }\n  - { at_ms: 50, drop_link: [C, A] }\n  - at_ms: 0\n    stop: user\n  - { at_ms: 7.5, drop_link: [B, C] }"));

        Assert.Equal(
        [
            new StopParty(120, "B"),
            new DropLink(50, "C", "A"),
            new StopParty(0, "user"),
            new DropLink(7.5, "B", "C"),
        ], s.Failures);
        Assert.Equal(TimeSpan.FromMilliseconds(120), s.Failures[0].At);
        Assert.True(((DropLink)s.Failures[1]).Joins("A", "C"));
    }

    [Fact]
    public void Absent_or_empty_means_none()
    {
        Assert.Empty(_folder.Load(Yaml.Minimal).Failures);
        Assert.Empty(_folder.Load(Yaml.Minimal + "\nfailures: []").Failures);
    }

    [Theory]
    [InlineData("  - { at_ms: 10, stop: Z }", "scenarios/x.yaml:9:24: failures[0].stop: unknown party 'Z' (parties: user, A, B, C)")]
    [InlineData("  - { at_ms: 10, stop: c }", "scenarios/x.yaml:9:24: failures[0].stop: unknown party 'c' (did you mean 'C'?)")]
    [InlineData("  - { at_ms: 10, drop_link: [B, Z] }", "scenarios/x.yaml:9:33: failures[0].drop_link[1]: unknown party 'Z' (parties: user, A, B, C)")]
    [InlineData("  - { at_ms: 10, drop_link: [B, B] }", "scenarios/x.yaml:9:29: failures[0].drop_link: a link needs two different parties, got 'B' twice")]
    [InlineData("  - { at_ms: 10, drop_link: [B] }", "scenarios/x.yaml:9:29: failures[0].drop_link: expected a list of two party names, got 1 item")]
    [InlineData("  - { at_ms: 10, drop_link: B-C }", "scenarios/x.yaml:9:29: failures[0].drop_link: expected a list, got a string 'B-C'")]
    [InlineData("  - { at_ms: -1, stop: B }", "scenarios/x.yaml:9:14: failures[0].at_ms: out of range: got -1, must be >= 0")]
    [InlineData("  - { at_ms: 120ms, stop: B }", "scenarios/x.yaml:9:14: failures[0].at_ms: expected a number, got a string '120ms'")]
    [InlineData("  - { stop: B }", "scenarios/x.yaml:9:5: failures[0].at_ms: required key is missing")]
    [InlineData("  - { at_ms: 10 }", "scenarios/x.yaml:9:5: failures[0]: a failure must set 'stop' (a party) or 'drop_link' (two parties)")]
    [InlineData("  - { at_ms: 10, stop: B, drop_link: [B, C] }", "scenarios/x.yaml:9:5: failures[0]: set either 'stop' or 'drop_link', not both")]
    [InlineData("  - { at_ms: 10, stpo: B }", "scenarios/x.yaml:9:5: failures[0]: a failure must set 'stop' (a party) or 'drop_link' (two parties)\nscenarios/x.yaml:9:18: failures[0].stpo: unknown key (did you mean 'stop'?)")]
    [InlineData("  - B", "scenarios/x.yaml:9:5: failures[0]: expected a mapping such as { at_ms: 100, stop: B }, got a string 'B'")]
    [InlineData("  - { at_ms: 10, stop: B }\n  - { at_ms: 20, stop: B }", "scenarios/x.yaml:10:24: failures[1].stop: party 'B' already stops (first given at 9:24)")]
    [InlineData("  - { at_ms: 10, drop_link: [B, C] }\n  - { at_ms: 20, drop_link: [C, B] }", "scenarios/x.yaml:10:29: failures[1].drop_link: link C-B already goes down (first given at 9:29)")]
    [InlineData("  - { at_ms: 10, stop: D }\n  - { at_ms: -2, drop_link: [A, E] }", "scenarios/x.yaml:9:24: failures[0].stop: unknown party 'D' (parties: user, A, B, C)\nscenarios/x.yaml:10:14: failures[1].at_ms: out of range: got -2, must be >= 0\nscenarios/x.yaml:10:33: failures[1].drop_link[1]: unknown party 'E' (parties: user, A, B, C)")]
    public void Bad_failures(string items, string expected)
    {
        Assert.Equal(expected, string.Join("\n", _folder.Errors(WithFailures(items))));
    }

    [Fact]
    public void A_party_may_stop_and_its_links_go_down()
    {
        Scenario s = _folder.Load(WithFailures("  - { at_ms: 10, drop_link: [A, B] }\n  - { at_ms: 20, stop: B }"));
        Assert.Equal(2, s.Failures.Count);
    }

    [Fact]
    public void Section_must_be_a_list()
    {
        Assert.Equal("scenarios/x.yaml:8:11: failures: expected a list, got a mapping",
            _folder.Error(Yaml.Minimal + "\nfailures: { at_ms: 1, stop: B }"));
    }

    [Fact]
    public void Parties_are_not_checked_when_the_hierarchy_is_unreadable()
    {
        string yaml = Yaml.Minimal.Replace("[B, C]", "[B, {C: 1}]") + "\nfailures:\n  - { at_ms: 1, stop: C }";
        Assert.Equal("scenarios/x.yaml:7:20: hierarchy.tiers[0].servers[1]: expected a string, got a mapping", _folder.Error(yaml));
    }
}
