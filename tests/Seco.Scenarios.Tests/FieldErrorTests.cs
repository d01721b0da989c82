namespace Seco.Scenarios.Tests;

/// <summary>Unknown, misspelt, mistyped, missing, out-of-range and duplicate keys: exact position and message.</summary>
public sealed class FieldErrorTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Misspelt_key_is_reported_with_a_suggestion_and_the_missing_key()
    {
        IReadOnlyList<string> errors = _folder.Errors(Yaml.Minimal.Replace("servers:", "servrs:"));
        Assert.Equal(
        [
            "scenarios/x.yaml:6:7: hierarchy.tiers[0].servers: required key is missing",
            "scenarios/x.yaml:7:7: hierarchy.tiers[0].servrs: unknown key (did you mean 'servers'?)",
        ], errors);
    }

    [Fact]
    public void Misspelt_top_level_key_suggests_by_transposition()
    {
        IReadOnlyList<string> errors = _folder.Errors(Yaml.Minimal.Replace("model:", "modle:"));
        Assert.Equal(
        [
            "scenarios/x.yaml:1:1: model: required key is missing",
            "scenarios/x.yaml:2:1: modle: unknown key (did you mean 'model'?)",
        ], errors);
    }

    [Theory]
    [InlineData("latency: 3", "network.latency: unknown key (did you mean 'latency_ms'?)")]
    [InlineData("Profile: wan", "network.Profile: unknown key (did you mean 'profile'?)")]
    [InlineData("colour: blue", "network.colour: unknown key (expected one of: profile, latency_ms, bandwidth_mbps, links)")]
    public void Unknown_key_suggests_a_near_key_or_lists_the_known_ones(string entry, string expected)
    {
        string error = _folder.Error(Yaml.Minimal + "\nnetwork:\n  " + entry);
        Assert.Equal("scenarios/x.yaml:9:3: " + expected, error);
    }

    [Fact]
    public void Unknown_top_level_key_lists_the_known_keys()
    {
        Assert.Equal(
            "scenarios/x.yaml:8:1: colour: unknown key (expected one of: version, name, description, workload, protocol, model, split, hierarchy, network, parties, failures, queries, load, crypto, seed)",
            _folder.Error(Yaml.Minimal + "\ncolour: blue"));
    }

    [Theory]
    [InlineData("split: two", "scenarios/x.yaml:3:8: split: expected an integer, got a string 'two'")]
    [InlineData("split: \"1\"", "scenarios/x.yaml:3:8: split: expected an integer, got a quoted string \"1\" (remove the quotes)")]
    [InlineData("split: 1.5", "scenarios/x.yaml:3:8: split: expected an integer, got a number (1.5)")]
    [InlineData("split: true", "scenarios/x.yaml:3:8: split: expected an integer, got a boolean (true)")]
    [InlineData("split:", "scenarios/x.yaml:3:7: split: expected an integer, got an empty value (null)")]
    [InlineData("split: [1]", "scenarios/x.yaml:3:8: split: expected an integer, got a list")]
    [InlineData("split: { at: 1 }", "scenarios/x.yaml:3:8: split: expected an integer, got a mapping")]
    public void Wrong_type_names_expected_and_found(string line, string expected)
    {
        Assert.Equal(expected, _folder.Error(Yaml.Minimal.Replace("split: 0", line)));
    }

    [Fact]
    public void Wrong_type_of_a_section_and_of_a_list()
    {
        Assert.Equal("scenarios/x.yaml:7:16: hierarchy.tiers[0].servers: expected a list, got a string 'B'",
            _folder.Error(Yaml.Minimal.Replace("[B, C]", "B")));
        Assert.Equal("scenarios/x.yaml:8:10: queries: expected a mapping, got an integer (3)",
            _folder.Error(Yaml.Minimal + "\nqueries: 3"));
        Assert.Equal("scenarios/x.yaml:8:24: network.latency_ms: expected a number, got a string 'fast'",
            _folder.Error(Yaml.Minimal + "\nnetwork: { latency_ms: fast }"));
        Assert.Equal("scenarios/x.yaml:2:8: model: expected a mapping with 'path' (or the path as a string), got a list",
            _folder.Error(Yaml.Minimal.Replace("model: ../models/minionn.onnx", "model: [../models/minionn.onnx]")));
    }

    [Fact]
    public void Missing_required_key_is_reported_at_its_parent_mapping()
    {
        Assert.Equal("scenarios/x.yaml:1:1: split: required key is missing",
            _folder.Error(Yaml.Minimal.Replace("split: 0\n", "")));
        Assert.Equal("scenarios/x.yaml:6:7: hierarchy.tiers[0].name: required key is missing",
            _folder.Error(Yaml.Minimal.Replace("- name: remote\n      servers", "- servers")));
        Assert.Equal("scenarios/x.yaml:2:8: model.path: required key is missing",
            _folder.Error(Yaml.Minimal.Replace("model: ../models/minionn.onnx", "model: { fractional_bits: 8 }")));
    }

    [Fact]
    public void Missing_version_is_required()
    {
        Assert.Equal("scenarios/x.yaml:2:1: version: required key is missing",
            _folder.Error(Yaml.Minimal.Replace("version: 1\n", "# no version\n")));
    }

    [Theory]
    [InlineData("split: -3", "scenarios/x.yaml:3:8: split: out of range: got -3, must be >= 0")]
    [InlineData("split: 99999999999", "scenarios/x.yaml:3:8: split: out of range: got 99999999999, too large: the largest allowed is 2,147,483,647")]
    [InlineData("split: 99999999999999999999", "scenarios/x.yaml:3:8: split: out of range: got 99999999999999999999, too large: the largest allowed is 2,147,483,647")]
    [InlineData("split: -99999999999999999999", "scenarios/x.yaml:3:8: split: out of range: got -99999999999999999999, must be >= 0")]
    [InlineData("split: 0\nseed: -1", "scenarios/x.yaml:4:7: seed: out of range: got -1, must be between 0 and 18446744073709551615")]
    [InlineData("split: 0\nseed: 18446744073709551616", "scenarios/x.yaml:4:7: seed: out of range: got 18446744073709551616, must be between 0 and 18446744073709551615")]
    [InlineData("split: 0\nqueries: { count: 0 }", "scenarios/x.yaml:4:19: queries.count: out of range: got 0, must be between 1 and 100000")]
    [InlineData("split: 0\nqueries: { count: 100001 }", "scenarios/x.yaml:4:19: queries.count: out of range: got 100001, must be between 1 and 100000")]
    [InlineData("split: 0\nnetwork: { latency_ms: -0.5 }", "scenarios/x.yaml:4:24: network.latency_ms: out of range: got -0.5, must be >= 0")]
    [InlineData("split: 0\nnetwork: { bandwidth_mbps: 0 }", "scenarios/x.yaml:4:28: network.bandwidth_mbps: out of range: got 0, must be > 0")]
    [InlineData("split: 0\nnetwork: { latency_ms: .inf }", "scenarios/x.yaml:4:24: network.latency_ms: expected a finite number, got .inf")]
    public void Out_of_range_values_name_the_bounds(string lines, string expected)
    {
        Assert.Equal(expected, _folder.Error(Yaml.Minimal.Replace("split: 0", lines)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(21)]
    public void Fractional_bits_must_be_between_1_and_20(int bits)
    {
        string yaml = Yaml.Minimal.Replace("model: ../models/minionn.onnx",
            $"model:\n  path: ../models/minionn.onnx\n  fractional_bits: {bits}");
        Assert.Equal($"scenarios/x.yaml:4:20: model.fractional_bits: out of range: got {bits}, must be between 1 and 20",
            _folder.Error(yaml));
    }

    [Fact]
    public void Crypto_needs_the_preset_key()
    {
        Assert.Equal("scenarios/x.yaml:8:9: crypto: expected a mapping such as { preset: seco-8192 }, got a string 'seco-8192'",
            _folder.Error(Yaml.Minimal + "\ncrypto: seco-8192"));
    }

    [Fact]
    public void Duplicate_key_points_at_the_first()
    {
        Assert.Equal("scenarios/x.yaml:8:1: split: duplicate key (first given at 3:1)",
            _folder.Error(Yaml.Minimal + "\nsplit: 1"));
    }

    [Fact]
    public void Missing_model_file_names_the_resolved_path()
    {
        string missing = Path.Combine(_folder.Models, "missing.onnx");
        Assert.Equal($"scenarios/x.yaml:2:8: model: file not found: {missing}",
            _folder.Error(Yaml.Minimal.Replace("minionn.onnx", "missing.onnx")));
    }

    [Fact]
    public void A_directory_is_not_a_model_file()
    {
        Assert.Equal($"scenarios/x.yaml:2:8: model: expected a file, found a directory: {_folder.Models}",
            _folder.Error(Yaml.Minimal.Replace("../models/minionn.onnx", "../models")));
    }

    [Theory]
    [InlineData("lann", "unknown profile 'lann' (did you mean 'lan'?)")]
    [InlineData("satellite", "unknown profile 'satellite' (known profiles: lan, wan, paper-wan)")]
    public void Unknown_network_profile(string name, string message)
    {
        Assert.Equal($"scenarios/x.yaml:9:12: network.profile: {message}",
            _folder.Error(Yaml.Minimal + $"\nnetwork:\n  profile: {name}"));
    }

    [Theory]
    [InlineData("seco8192", "unknown preset 'seco8192' (did you mean 'seco-8192'?)")]
    [InlineData("huge", "unknown preset 'huge' (known presets: seco-8192, test-4096)")]
    public void Unknown_crypto_preset(string name, string message)
    {
        Assert.Equal($"scenarios/x.yaml:8:19: crypto.preset: {message}",
            _folder.Error(Yaml.Minimal + $"\ncrypto: {{ preset: {name} }}"));
    }

    [Theory]
    [InlineData("0", "scenarios/x.yaml:8:25: crypto.query_budget: out of range: got 0, must be between 1 and 1048576")]
    [InlineData("two", "scenarios/x.yaml:8:25: crypto.query_budget: expected an integer, got a string 'two'")]
    [InlineData("2, budget: 3", "scenarios/x.yaml:8:28: crypto.budget: unknown key (expected one of: preset, query_budget, forms)")]
    public void Query_budget_is_a_positive_integer(string value, string message)
    {
        Assert.Equal(message, _folder.Error(Yaml.Minimal + $"\ncrypto: {{ query_budget: {value} }}"));
    }

    [Fact]
    public void Query_budget_is_read_and_optional()
    {
        Assert.Equal(7, _folder.Load(Yaml.Minimal + "\ncrypto: { preset: seco-8192, query_budget: 7 }").QueryBudget);
        Assert.Null(_folder.Load(Yaml.Minimal).QueryBudget);
    }

    [Fact]
    public void Multiple_errors_are_all_reported_in_file_order()
    {
        const string yaml = """
            version: 1
            model: ../models/none.onnx
            split: -1
            hierarchy:
              tiers:
                - name: remote
                  servers: [B]
            network:
              profile: lann
            queries:
              count: 0
              inptu: { random: true }
            seeds: 3
            """;
        var e = Assert.Throws<ScenarioValidationException>(() => _folder.Load(yaml));
        string none = Path.Combine(_folder.Models, "none.onnx");
        string[] expected =
        [
            $"scenarios/x.yaml:2:8: model: file not found: {none}",
            "scenarios/x.yaml:3:8: split: out of range: got -1, must be >= 0",
            "scenarios/x.yaml:7:16: hierarchy.tiers[0].servers: a tier needs at least 2 servers, got 1",
            "scenarios/x.yaml:9:12: network.profile: unknown profile 'lann' (did you mean 'lan'?)",
            "scenarios/x.yaml:11:10: queries.count: out of range: got 0, must be between 1 and 100000",
            "scenarios/x.yaml:12:3: queries.inptu: unknown key (did you mean 'input'?)",
            "scenarios/x.yaml:13:1: seeds: unknown key (did you mean 'seed'?)",
        ];
        Assert.Equal(expected, e.Errors.Select(x => x.ToString()));
        Assert.Equal(string.Join("\n", expected), e.Message);

        ScenarioError first = e.Errors[0];
        Assert.Equal(("scenarios/x.yaml", 2, 8, "model"), (first.File, first.Line, first.Column, first.Path));
        Assert.Equal($"file not found: {none}", first.Message);
    }
}
