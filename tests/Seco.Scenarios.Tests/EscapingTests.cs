namespace Seco.Scenarios.Tests;

/// <summary>
/// Text from the file reaches the terminal only escaped (ESC, BEL, C1, bidi overrides become
/// \e, \a, \x9b, \u202e); a name must be printable and a description may hold only line breaks and tabs.
/// </summary>
public sealed class EscapingTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Osc = "\\e]0;PWNED\\a\\e[2J";

    [Fact]
    public void An_unknown_key_with_escape_sequences_is_shown_escaped()
    {
        string error = _folder.Error(Yaml.Minimal + $"\n\"{Osc}\": 1");
        Assert.StartsWith("scenarios/x.yaml:8:1: \\e]0;PWNED\\a\\e[2J: unknown key (expected one of: ", error);
        Assert.DoesNotContain('\u001b', error);
        Assert.DoesNotContain('\a', error);
    }

    [Theory]
    [InlineData($"\"{Osc}\"", "name: must be printable text on one line; character 1 is a control character (\\e)")]
    [InlineData("\"report\\u202Etxt.exe\"", "name: must be printable text on one line; character 7 is a bidirectional-text control (\\u202e)")]
    [InlineData("\"two\\nlines\"", "name: must be printable text on one line; character 4 is a control character (\\n)")]
    [InlineData("\"c1 \\x9b\"", "name: must be printable text on one line; character 4 is a control character (\\x9b)")]
    public void A_name_must_be_printable(string name, string message)
    {
        Assert.Equal($"scenarios/x.yaml:8:7: {message}", _folder.Error(Yaml.Minimal + "\nname: " + name));
    }

    [Fact]
    public void A_name_is_at_most_a_hundred_characters()
    {
        Assert.Equal(new string('n', 100), _folder.Load(Yaml.Minimal + "\nname: " + new string('n', 100)).Name);
        Assert.Equal("scenarios/x.yaml:8:7: name: too long: 101 characters, at most 100", _folder.Error(Yaml.Minimal + "\nname: " + new string('n', 101)));
    }

    [Fact]
    public void A_description_may_hold_line_breaks_and_tabs_but_no_other_control_character()
    {
        Assert.Equal("two\nlines\tand a tab", _folder.Load(Yaml.Minimal + "\ndescription: \"two\\nlines\\tand a tab\"").Description);
        Assert.Equal("scenarios/x.yaml:8:14: description: must be text; only line breaks and tabs are allowed; character 5 is a control character (\\e)",
            _folder.Error(Yaml.Minimal + $"\ndescription: \"text{Osc}\""));
        Assert.Equal("scenarios/x.yaml:8:14: description: must be text; only line breaks and tabs are allowed; character 4 is a control character (\\r)",
            _folder.Error(Yaml.Minimal + "\ndescription: \"CR \\r\""));
    }

    [Fact]
    public void A_description_is_at_most_4096_characters()
    {
        Assert.Equal("scenarios/x.yaml:8:14: description: too long: 4,097 characters, at most 4,096",
            _folder.Error(Yaml.Minimal + "\ndescription: " + new string('d', 4097)));
    }

    [Fact]
    public void A_path_with_control_characters_is_shown_escaped()
    {
        string error = _folder.Error(Yaml.Minimal.Replace("../models/minionn.onnx", $"\"../models/{Osc}.onnx\""));
        Assert.EndsWith($"models/{Osc}.onnx", error);
        Assert.DoesNotContain('\u001b', error);
    }

    [Fact]
    public void Values_quoted_in_messages_are_escaped_and_shortened()
    {
        Assert.Equal("scenarios/x.yaml:3:8: split: expected an integer, got a quoted string \"\\e[2J\\u202e\\x9b\"",
            _folder.Error(Yaml.Minimal.Replace("split: 0", "split: \"\\e[2J\\u202E\\x9B\"")));
        string digits = new('9', 5000);
        Assert.Equal($"scenarios/x.yaml:3:8: split: out of range: got {digits[..39]}…, too large: the largest allowed is 2,147,483,647",
            _folder.Error(Yaml.Minimal.Replace("split: 0", "split: " + digits)));
    }

    [Fact]
    public void Party_names_in_references_are_escaped_and_long_party_lists_cut()
    {
        string servers = string.Join(", ", Enumerable.Range(0, 100).Select(i => $"s{i}"));
        string yaml = Yaml.Minimal.Replace("[B, C]", $"[{servers}]") + "\nfailures:\n  - { at_ms: 1, stop: \"\\e[2Jzzzzzzzzzzzz\" }";
        Assert.Equal("scenarios/x.yaml:9:23: failures[0].stop: unknown party '\\e[2Jzzzzzzzzzzzz' (parties: user, A, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, … 102 in all)",
            _folder.Error(yaml));
    }

    [Fact]
    public void The_file_name_is_escaped_too()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load("version: x", "a\u001b[2J.yaml", _folder.Scenarios));
        Assert.All(e.Errors, x => Assert.StartsWith("a\\e[2J.yaml:", x.ToString()));
        Assert.DoesNotContain('\u001b', e.Message);
    }

    [Fact]
    public void An_error_line_is_bounded_however_long_the_key()
    {
        string error = _folder.Error(Yaml.Minimal + "\n" + new string('k', 60_000) + ": 1");
        Assert.True(error.Length < ScenarioError.MaxShownPath + ScenarioError.MaxShownMessage + 50, $"{error.Length} characters");
    }
}
