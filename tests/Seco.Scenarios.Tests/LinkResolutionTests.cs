namespace Seco.Scenarios.Tests;

public sealed class LinkResolutionTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Per_link_values_override_and_missing_ones_fall_back_to_the_defaults()
    {
        Scenario s = _folder.Load(Yaml.Full); // wan, overridden to 20 ms / 250.5 Mbit/s

        Assert.Equal(new LinkCharacteristics(60, 250.5), s.LinkBetween("user", "G"));  // latency only
        Assert.Equal(new LinkCharacteristics(60, 250.5), s.LinkBetween("G", "user"));  // unordered
        Assert.Equal(new LinkCharacteristics(0.1, 10000), s.LinkBetween("B", "C"));    // both
        Assert.Equal(new LinkCharacteristics(20, 250.5), s.LinkBetween("G", "B"));     // defaults
        Assert.Equal(new LinkCharacteristics(20, 250.5), s.LinkBetween("E", "user"));
    }

    [Fact]
    public void Profiles_alone_give_their_documented_values()
    {
        Scenario lan = _folder.Load(Yaml.Minimal);
        Assert.Equal(0.5, lan.LinkBetween("A", "B").LatencyMs);
        Assert.Equal(1000, lan.LinkBetween("A", "B").BandwidthMbps);

        Scenario wan = _folder.Load(Yaml.Minimal + "\nnetwork: { profile: wan }");
        Assert.Equal(new LinkCharacteristics(40, 100), wan.LinkBetween("user", "A"));
        Assert.Equal(TimeSpan.FromMilliseconds(40), wan.LinkBetween("user", "A").Latency);
        Assert.Equal(12.5e6, wan.LinkBetween("user", "A").BytesPerSecond);
    }

    [Fact]
    public void Unknown_or_identical_parties_are_refused()
    {
        Scenario s = _folder.Load(Yaml.Minimal);
        Assert.Contains("unknown party 'Z' (parties: user, A, B, C)",
            Assert.Throws<ArgumentException>(() => s.LinkBetween("A", "Z")).Message);
        Assert.Throws<ArgumentException>(() => s.LinkBetween("B", "B"));
    }

    [Fact]
    public void Presets_are_listed_and_found_by_name()
    {
        Assert.Equal(["lan", "wan", "paper-wan"], NetworkProfile.All.Select(p => p.Name));
        Assert.Equal(new LinkCharacteristics(20, 200), NetworkProfile.Find("paper-wan")!.Link);
        Assert.Same(NetworkProfile.Wan, NetworkProfile.Find("wan"));
        Assert.Null(NetworkProfile.Find("WAN"));
        Assert.Equal(["seco-8192", "test-4096"], CryptoPreset.All.Select(p => p.Name));
    }
}
