namespace Seco.Scenarios.Tests;

public sealed class LoadTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Full_example_loads_every_field()
    {
        Scenario s = _folder.Load(Yaml.Full);

        Assert.Equal("full-example", s.Name);
        Assert.Equal("every key set", s.Description);
        Assert.Equal(_folder.Model("minionn.onnx"), s.Model!.Path);
        Assert.Equal(12, s.Model.FractionalBits);
        Assert.Equal(2, s.Split);

        Assert.Equal("G", s.Hierarchy.Gateway);
        Assert.Equal(2, s.Hierarchy.Tiers.Count);
        Tier first = s.Hierarchy.Tiers[0];
        Assert.Equal("first", first.Name);
        Assert.Equal(["B", "C", "D"], first.Servers);
        Assert.Equal("C", first.Garbler);
        Assert.Equal("D", first.Evaluator);
        Tier second = s.Hierarchy.Tiers[1];
        Assert.Equal(["E", "F"], second.Servers);
        Assert.Equal(("E", "F"), (second.Garbler, second.Evaluator));
        Assert.Equal(["user", "G", "B", "C", "D", "E", "F"], s.Hierarchy.Parties);

        Assert.Same(NetworkProfile.Wan, s.Network.Profile);
        Assert.Equal(new LinkCharacteristics(20, 250.5), s.Network.Defaults);
        Assert.Equal(2, s.Network.Links.Count);
        Assert.Equal(new LinkSpec("user", "G", 60, null), s.Network.Links[0]);
        Assert.Equal(new LinkSpec("C", "B", 0.1, 10000), s.Network.Links[1]);

        Assert.Equal(500, s.Queries.Count);
        var input = Assert.IsType<IdxInput>(s.Queries.Input);
        Assert.Equal(_folder.Model("images-idx3-ubyte"), input.ImagesPath);
        Assert.Equal(_folder.Model("labels-idx1-ubyte"), input.LabelsPath);
        Assert.Equal(100, input.Offset);

        Assert.Same(CryptoPreset.Test4096, s.Crypto);
        Assert.Equal(ulong.MaxValue, s.Seed);
        Assert.Equal(ScenarioFolder.SourceName, s.Source.File);

        Assert.Same(InferenceWorkload.Instance, s.Workload);
        Assert.Equal(["user", "C"], s.Parties.Keys);
        Assert.Equal(new PartySettings(4, 50), s.Parties["user"]);
        Assert.Equal(new PartySettings(1, 1000), s.SettingsOf("C"));
        Assert.Same(PartySettings.Default, s.SettingsOf("B"));
        Assert.Equal([new StopParty(120, "B"), new DropLink(50.5, "G", "C")], s.Failures);
    }

    [Fact]
    public void Minimal_example_gets_the_documented_defaults()
    {
        Scenario s = _folder.Load(Yaml.Minimal);

        Assert.Equal("x", s.Name); // file name without extension
        Assert.Null(s.Description);
        Assert.Equal(8, s.Model!.FractionalBits);
        Assert.Equal(0, s.Split);
        Assert.Equal("A", s.Hierarchy.Gateway);
        Tier tier = Assert.Single(s.Hierarchy.Tiers);
        Assert.Equal(("B", "C"), (tier.Garbler, tier.Evaluator));
        Assert.Same(NetworkProfile.Lan, s.Network.Profile);
        Assert.Equal(new LinkCharacteristics(0.5, 1000), s.Network.Defaults);
        Assert.Empty(s.Network.Links);
        Assert.Equal(1, s.Queries.Count);
        Assert.IsType<RandomInput>(s.Queries.Input);
        Assert.Same(CryptoPreset.Seco8192, s.Crypto);
        Assert.Null(s.Seed);
        Assert.Same(InferenceWorkload.Instance, s.Workload);
        Assert.Empty(s.Parties);
        Assert.Empty(s.Failures);
    }

    [Fact]
    public void Model_path_shorthand_and_mapping_are_equivalent()
    {
        Scenario shorthand = _folder.Load(Yaml.Minimal);
        Scenario mapping = _folder.Load(Yaml.Minimal.Replace("model: ../models/minionn.onnx", "model: { path: ../models/minionn.onnx }"));
        Assert.Equal(shorthand.Model, mapping.Model);
    }

    [Fact]
    public void Absolute_paths_are_kept_and_relative_ones_resolve_against_the_scenario_folder()
    {
        string absolute = _folder.Model("minionn.onnx");
        Scenario s = _folder.Load(Yaml.Minimal.Replace("../models/minionn.onnx", $"'{absolute}'"));
        Assert.Equal(absolute, s.Model!.Path);
    }

    [Fact]
    public void One_role_given_makes_the_other_default_to_a_different_server()
    {
        Scenario s = _folder.Load(Yaml.Minimal.Replace("servers: [B, C]", "servers: [B, C]\n      garbler: C"));
        Tier tier = Assert.Single(s.Hierarchy.Tiers);
        Assert.Equal(("C", "B"), (tier.Garbler, tier.Evaluator));
    }

    [Fact]
    public void Random_input_is_accepted()
    {
        Scenario s = _folder.Load(Yaml.Minimal + "\nqueries: { count: 7, input: { random: true } }");
        Assert.Equal(7, s.Queries.Count);
        Assert.Same(RandomInput.Instance, s.Queries.Input);
    }

    [Fact]
    public void LoadFile_names_errors_after_the_path_given_and_resolves_against_the_file_folder()
    {
        string file = Path.Combine(_folder.Scenarios, "from-disk.yaml");
        File.WriteAllText(file, Yaml.Minimal);
        Scenario s = ScenarioLoader.LoadFile(file);
        Assert.Equal("from-disk", s.Name);
        Assert.Equal(_folder.Model("minionn.onnx"), s.Model!.Path);

        File.WriteAllText(file, Yaml.Minimal.Replace("split: 0", "split: -1"));
        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.LoadFile(file));
        Assert.Equal($"{file}:3:8: split: out of range: got -1, must be >= 0", e.Message);
    }

    [Fact]
    public void LoadFile_of_a_missing_file_throws_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => ScenarioLoader.LoadFile(Path.Combine(_folder.Root, "nope.yaml")));
    }

    [Fact]
    public void Shipped_default_scenario_is_valid_when_its_data_files_exist()
    {
        // The real model and data set are produced elsewhere; stand-ins with the same names
        // check the shipped file's structure and relative paths.
        foreach (string file in new[] { "fashion-mnist-test-1000-images-idx3-ubyte", "fashion-mnist-test-1000-labels-idx1-ubyte" })
            File.WriteAllBytes(_folder.Model(file), [0]);
        string text = File.ReadAllText(Path.Combine(RepoRoot(), "scenarios", "default.yaml"));

        Scenario s = ScenarioLoader.Load(text, "scenarios/default.yaml", _folder.Scenarios);

        Assert.Equal("default", s.Name);
        Assert.Equal(_folder.Model("minionn.onnx"), s.Model!.Path);
        Assert.Equal(1, s.Split);
        Tier tier = Assert.Single(s.Hierarchy.Tiers);
        Assert.Equal(("remote", "B", "C"), (tier.Name, tier.Garbler, tier.Evaluator));
        Assert.Same(NetworkProfile.Lan, s.Network.Profile);
        Assert.Equal(3, s.Queries.Count);
        Assert.Equal(_folder.Model("fashion-mnist-test-1000-labels-idx1-ubyte"), Assert.IsType<IdxInput>(s.Queries.Input).LabelsPath);
        Assert.Same(CryptoPreset.Seco8192, s.Crypto);
        Assert.Empty(ScenarioRequirements.CheckSupported(s));
    }

    [Fact]
    public void Shipped_echo_scenario_is_valid_and_needs_no_data_files()
    {
        string text = File.ReadAllText(Path.Combine(RepoRoot(), "scenarios", "echo-3tier.yaml"));

        Scenario s = ScenarioLoader.Load(text, "scenarios/echo-3tier.yaml", _folder.Scenarios);

        Assert.Equal("echo-3tier", s.Name);
        Assert.False(string.IsNullOrWhiteSpace(s.Description));
        Assert.Equal(new EchoWorkload(65536, 16384, 2), s.Workload);
        Assert.Null(s.Model);
        Assert.Equal("A", s.Hierarchy.Gateway);
        Assert.Equal([("t1", "B", "C"), ("t2", "D", "E")],
            s.Hierarchy.Tiers.Select(t => (t.Name, t.Servers[0], t.Servers[1])));
        Assert.All(s.Hierarchy.Tiers, t => Assert.Equal(2, t.Servers.Count));
        Assert.Same(NetworkProfile.Lan, s.Network.Profile);
        Assert.Equal(new LinkCharacteristics(20, 50), s.LinkBetween("user", "A"));
        Assert.Equal(NetworkProfile.Lan.Link, s.LinkBetween("A", "B"));
        Assert.Equal(new PartySettings(4, null), s.SettingsOf("user"));
        Assert.Same(PartySettings.Default, s.SettingsOf("A"));
        Assert.Empty(s.Failures);
        Assert.Equal(3, s.Queries.Count);
        Assert.Empty(ScenarioRequirements.CheckSupported(s)); // echo runs on any hierarchy
    }

    [Fact]
    public void Examples_in_the_documentation_are_valid()
    {
        foreach (string file in new[] { "fashion-mnist-test-1000-images-idx3-ubyte", "fashion-mnist-test-1000-labels-idx1-ubyte" })
            File.WriteAllBytes(_folder.Model(file), [0]);
        string doc = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "scenarios.md"));
        string[] blocks = [.. doc.Split("```yaml\n").Skip(1).Select(b => b[..b.IndexOf("```", StringComparison.Ordinal)])];
        // Whole scenarios start with "version:"; the others are fragments shown on top of the minimal one.
        string[] whole = [.. blocks.Where(b => b.StartsWith("version:", StringComparison.Ordinal))];
        string[] fragments = [.. blocks.Where(b => !b.StartsWith("version:", StringComparison.Ordinal))];
        Assert.Equal(4, whole.Length);
        Assert.Equal(3, fragments.Length);

        Scenario annotated = ScenarioLoader.Load(whole[0], "docs/scenarios.md", _folder.Scenarios);
        Assert.Equal(new LinkCharacteristics(60, 200), annotated.LinkBetween("A", "user"));
        Assert.Equal(42UL, annotated.Seed);
        Assert.Same(InferenceWorkload.Instance, annotated.Workload);
        Assert.Equal(new PartySettings(4, 50), annotated.SettingsOf("user"));
        Assert.Equal([new StopParty(120, "B"), new DropLink(50, "B", "C")], annotated.Failures);
        Scenario minimal = ScenarioLoader.Load(whole[1], "docs/scenarios.md", _folder.Scenarios);
        Assert.IsType<RandomInput>(minimal.Queries.Input);
        Scenario echo = ScenarioLoader.Load(whole[2], "docs/scenarios.md", _folder.Scenarios);
        Assert.Equal(new EchoWorkload(65536, 16384, 2), echo.Workload);
        Assert.Equal(InferenceProtocol.Seco, annotated.Protocol);
        Scenario delphi = ScenarioLoader.Load(whole[3], "docs/scenarios.md", _folder.Scenarios);
        Assert.Equal(InferenceProtocol.Delphi, delphi.Protocol);

        Scenario parties = ScenarioLoader.Load(whole[1] + fragments[0], "docs/scenarios.md", _folder.Scenarios);
        Assert.Equal(3, parties.Parties.Count);
        Scenario failures = ScenarioLoader.Load(whole[1] + fragments[1], "docs/scenarios.md", _folder.Scenarios);
        Assert.Equal(3, failures.Failures.Count);
        // The hierarchy example replaces the minimal scenario's hierarchy.
        string minimalWithoutHierarchy = whole[1][..whole[1].IndexOf("hierarchy:", StringComparison.Ordinal)];
        Scenario tiers = ScenarioLoader.Load(minimalWithoutHierarchy + fragments[2], "docs/scenarios.md", _folder.Scenarios);
        Assert.Equal([1, 2, 1], tiers.Hierarchy.Tiers.Select(t => t.Blocks));
        Assert.Equal(["D", "E", "F"], tiers.Hierarchy.Tiers[1].ProtocolOrder);
        Assert.Empty(ScenarioRequirements.CheckSupported(tiers));
    }

    [Fact]
    public void Source_map_locates_fields_and_their_ancestors()
    {
        Scenario s = _folder.Load(Yaml.Full);
        Assert.Equal(new SourceLocation(7, 8), s.Source.Locate("split"));
        Assert.Equal(new SourceLocation(11, 7), s.Source.Locate("hierarchy.tiers[0]"));
        Assert.Equal(new SourceLocation(12, 20), s.Source.Locate("hierarchy.tiers[0].servers[1]"));
        Assert.Equal(new SourceLocation(12, 20), s.Source.Locate("hierarchy.tiers[0].servers[1].nothing"));
        Assert.Equal("scenarios/x.yaml:7:8: split: the model has only 1 layer block",
            s.Source.ErrorAt("split", "the model has only 1 layer block").ToString());
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seco.Actors.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
