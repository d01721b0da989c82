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

    [Fact]
    public void New_records_check_their_values()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EchoWorkload(-1, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EchoWorkload(0, EchoWorkload.MaxBytes + 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EchoWorkload(0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EchoWorkload(0, 0, EchoWorkload.MaxRounds + 1));
        Assert.Equal(new EchoWorkload(1024, 1024, 1), EchoWorkload.Default);

        Assert.Throws<ArgumentOutOfRangeException>(() => new PartySettings(0, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartySettings(double.NaN, null));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartySettings(1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PartySettings(1, double.PositiveInfinity));
        Assert.Equal(new PartySettings(1, null), PartySettings.Default);

        Assert.Throws<ArgumentOutOfRangeException>(() => new StopParty(-1, "B"));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DropLink(double.PositiveInfinity, "B", "C"));
        Assert.Throws<ArgumentNullException>(() => new StopParty(1, null!));
        Assert.Throws<ArgumentException>(() => new DropLink(1, "B", "B"));
        Assert.Equal((2.0, "B", "C"), new DropLink(2, "B", "C") is var (at, a, b) ? (at, a, b) : default);
    }

    private static readonly Hierarchy Abc = new("A", [new Tier("t", ["B", "C"])]);

    private static Scenario Echo(
        IReadOnlyDictionary<string, PartySettings>? parties = null, IEnumerable<FailureSpec>? failures = null,
        ModelSpec? model = null, int split = 0, QuerySpec? queries = null, CryptoPreset? crypto = null) =>
        new("coded", null, model, split, Abc, NetworkSpec.Default, queries ?? QuerySpec.Default, crypto ?? CryptoPreset.Default,
            null, SourceMap.Empty("<code>"), EchoWorkload.Default, parties, failures);

    [Fact]
    public void Scenario_checks_the_workload_against_model_split_inputs_and_crypto()
    {
        Assert.Throws<ArgumentNullException>(() => new Scenario(
            "s", null, null, 0, Abc, NetworkSpec.Default, QuerySpec.Default, CryptoPreset.Default, null, SourceMap.Empty("<code>")));
        Assert.Throws<ArgumentException>(() => Echo(model: new ModelSpec(Path.GetFullPath("m.onnx"))));
        Assert.Throws<ArgumentException>(() => Echo(split: 1));
        Assert.Throws<ArgumentException>(() => Echo(queries: new QuerySpec(1, new IdxInput(Path.GetFullPath("images")))));
        Assert.Throws<ArgumentException>(() => Echo(crypto: CryptoPreset.Test4096));
        Scenario echo = Echo(queries: new QuerySpec(5, RandomInput.Instance));
        Assert.Null(echo.Model);
        Assert.Equal(5, echo.Queries.Count);
    }

    [Fact]
    public void Scenario_checks_party_settings_and_failures_against_the_hierarchy()
    {
        Assert.Throws<ArgumentException>(() => Echo(parties: new Dictionary<string, PartySettings> { ["Z"] = PartySettings.Default }));
        Assert.Throws<ArgumentException>(() => Echo(parties: new Dictionary<string, PartySettings> { ["b"] = PartySettings.Default }));
        Assert.Throws<ArgumentException>(() => Echo(parties: new Dictionary<string, PartySettings> { ["B"] = null! }));
        Assert.Throws<ArgumentException>(() => Echo(failures: [new StopParty(1, "Z")]));
        Assert.Throws<ArgumentException>(() => Echo(failures: [new DropLink(1, "B", "Z")]));
        Assert.Throws<ArgumentException>(() => Echo(failures: [new StopParty(1, "B"), new StopParty(2, "B")]));
        Assert.Throws<ArgumentException>(() => Echo(failures: [new DropLink(1, "B", "C"), new DropLink(2, "C", "B")]));

        Scenario s = Echo(
            parties: new Dictionary<string, PartySettings> { ["C"] = new(2, null), ["user"] = new(1, 10) },
            failures: [new DropLink(3, "user", "A"), new StopParty(1, "C")]);
        Assert.Equal(["user", "C"], s.Parties.Keys);
        Assert.Equal(new PartySettings(2, null), s.SettingsOf("C"));
        Assert.Same(PartySettings.Default, s.SettingsOf("B"));
        Assert.Equal([new DropLink(3, "user", "A"), new StopParty(1, "C")], s.Failures);
        Assert.False(s.Parties is IDictionary<string, PartySettings> { IsReadOnly: false });
    }
}
