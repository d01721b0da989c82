namespace Seco.Scenarios.Tests;

/// <summary>The records check their invariants when built in code too, not only when loaded.</summary>
public sealed class ObjectModelTests
{
    [Fact]
    public void Tier_checks_its_servers_and_roles()
    {
        Assert.Throws<ArgumentException>(() => new Tier("t", ["B"]));
        Assert.Throws<ArgumentException>(() => new Tier("t", ["B", "user"]));
        Assert.Throws<ArgumentException>(() => new Tier("t", ["B", "C"], garbler: "X"));
        Assert.Throws<ArgumentException>(() => new Tier("t", ["B", "C"], garbler: "C", evaluator: "C"));
        Tier tier = new("t", ["B", "C"], evaluator: "B");
        Assert.Equal(("C", "B"), (tier.Garbler, tier.Evaluator));
    }

    [Fact]
    public void Hierarchy_checks_names_across_parties()
    {
        Assert.Throws<ArgumentException>(() => new Hierarchy("A", []));
        Assert.Throws<ArgumentException>(() => new Hierarchy("b", [new Tier("t", ["B", "C"])]));
        Assert.Throws<ArgumentException>(() => new Hierarchy("A", [new Tier("t", ["B", "C"]), new Tier("u", ["C", "D"])]));
        Assert.Throws<ArgumentException>(() => new Hierarchy("A", [new Tier("t", ["B", "C"]), new Tier("T", ["D", "E"])]));
        Assert.Throws<ArgumentException>(() => new Hierarchy("User", [new Tier("t", ["B", "C"])]));
    }

    [Fact]
    public void Values_are_range_checked()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkCharacteristics(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinkCharacteristics(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ModelSpec(Path.GetFullPath("m.onnx"), 21));
        Assert.Throws<ArgumentException>(() => new ModelSpec("relative.onnx"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuerySpec(0, RandomInput.Instance));
        Assert.Throws<ArgumentException>(() => new LinkSpec("A", "B", null, null));
        Assert.Throws<ArgumentException>(() => new NetworkSpec(NetworkProfile.Lan, NetworkProfile.Lan.Link,
            [new LinkSpec("A", "B", 1, null), new LinkSpec("B", "A", 2, null)]));
    }

    [Fact]
    public void Scenario_refuses_links_to_unknown_parties()
    {
        var network = new NetworkSpec(NetworkProfile.Lan, NetworkProfile.Lan.Link, [new LinkSpec("A", "Z", 1, null)]);
        Assert.Throws<ArgumentException>(() => new Scenario(
            "s", null, new ModelSpec(Path.GetFullPath("m.onnx")), 0, new Hierarchy("A", [new Tier("t", ["B", "C"])]),
            network, QuerySpec.Default, CryptoPreset.Default, null, SourceMap.Empty("<code>")));
    }
}
