namespace Seco.Scenarios.Tests;

/// <summary>Errors about the file as a whole: YAML syntax, document shape, version.</summary>
public sealed class DocumentErrorTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Unterminated_quote_is_reported_at_the_quote()
    {
        Assert.Equal("scenarios/x.yaml:2:8: malformed YAML: While scanning a quoted scalar, found unexpected end of stream.",
            _folder.Error("version: 1\nmodel: '../models/minionn.onnx\nsplit: 0\n"));
    }

    [Fact]
    public void Bad_indentation_is_reported_with_yamldotnet_position()
    {
        Assert.Equal("scenarios/x.yaml:3:8: malformed YAML: While scanning a plain scalar value, found invalid mapping.",
            _folder.Error("version: 1\nsplit: 0\n  model: x\n"));
    }

    [Fact]
    public void Unclosed_flow_sequence()
    {
        Assert.Equal("scenarios/x.yaml:8:1: malformed YAML: While parsing a flow sequence, did not find expected ',' or ']'.",
            _folder.Error(Yaml.Minimal.Replace("[B, C]", "[B, C") + "\n"));
    }

    [Fact]
    public void Unclosed_flow_sequence_followed_by_more_keys_does_not_escape_as_another_exception()
    {
        string error = _folder.Error("version: 1\nsplit: [1, 2\nmodel: x\n");
        Assert.StartsWith("scenarios/x.yaml:", error);
        Assert.Contains(": malformed YAML: ", error);
    }

    [Fact]
    public void A_syntax_error_is_reported_alone_even_after_other_errors()
    {
        // The alias on line 4 and the unknown key on line 5 are errors, but the syntax error on line 6 replaces them.
        Assert.Equal("scenarios/x.yaml:6:7: malformed YAML: While scanning a quoted scalar, found unexpected end of stream.",
            _folder.Error("version: 1\nsplit: &s 0\nmodel: x\nseed: *s\ncolour: red\nname: \"unterminated\n"));
    }

    [Fact]
    public void Too_deep_nesting_after_other_errors_is_reported_alone()
    {
        Assert.Equal("scenarios/x.yaml:3:67: nested deeper than 64 levels (lists and mappings inside each other)",
            _folder.Error("version: 1\nseed: *nothing\nx: " + new string('[', 100)));
    }

    [Fact]
    public void Tab_indentation()
    {
        Assert.Equal("scenarios/x.yaml:4:1: malformed YAML: While scanning a mapping, found invalid tab as indentation.",
            _folder.Error("version: 1\nsplit: 0\nhierarchy:\n\ttiers: []\n"));
    }

    [Fact]
    public void Version_2_is_rejected_alone()
    {
        // Other keys of a version-2 file are not judged by version-1 rules.
        string yaml = Yaml.Minimal.Replace("version: 1", "version: 2") + "\nsome_v2_key: true";
        Assert.Equal("scenarios/x.yaml:1:10: version: unsupported version 2 (this build reads version 1)", _folder.Error(yaml));
    }

    [Fact]
    public void Version_must_be_an_integer()
    {
        Assert.Equal("scenarios/x.yaml:1:10: version: expected an integer, got a quoted string \"1\" (remove the quotes)",
            _folder.Error(Yaml.Minimal.Replace("version: 1", "version: \"1\"")));
        Assert.Equal("scenarios/x.yaml:1:10: version: expected an integer, got a number (1.0)",
            _folder.Error(Yaml.Minimal.Replace("version: 1", "version: 1.0")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    public void Empty_file(string text)
    {
        Assert.Equal("scenarios/x.yaml:1:1: the file is empty; a scenario needs at least 'version: 1'", _folder.Error(text));
    }

    [Fact]
    public void Root_must_be_a_mapping()
    {
        Assert.Equal("scenarios/x.yaml:1:1: expected a mapping of scenario keys (version, model, split, hierarchy, ...), got a list",
            _folder.Error("- version: 1\n"));
    }

    [Fact]
    public void Only_one_document()
    {
        Assert.Equal("scenarios/x.yaml:8:1: a scenario file holds exactly one YAML document (found a second '---')",
            _folder.Error(Yaml.Minimal + "\n---\nversion: 1\n"));
    }

    [Fact]
    public void Aliases_are_refused()
    {
        string yaml = Yaml.Minimal.Replace("split: 0", "split: &s 0\nseed: *s");
        Assert.Equal("scenarios/x.yaml:4:7: aliases (*s) are not supported in scenario files; write the value out", _folder.Error(yaml));
    }

    [Fact]
    public void Non_string_key()
    {
        Assert.Equal("scenarios/x.yaml:8:3: keys must be strings, got a list",
            _folder.Error(Yaml.Minimal + "\n? [a, b]\n: 1"));
    }

    [Fact]
    public void Deep_nesting_is_refused_alone_at_the_bracket_that_goes_too_deep()
    {
        // Line 8 is "seed: [[[…": the root mapping is level 1, so the 64th '[' (column 6 + 63) is level 65.
        string deep = new string('[', 5000) + new string(']', 5000);
        Assert.Equal("scenarios/x.yaml:8:70: nested deeper than 64 levels (lists and mappings inside each other)",
            _folder.Error(Yaml.Minimal + "\nseed: " + deep));
    }
}
