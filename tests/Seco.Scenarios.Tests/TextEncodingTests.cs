using System.Text;

namespace Seco.Scenarios.Tests;

/// <summary>What the loader accepts as text: UTF-8 with or without a BOM, LF or CRLF; nothing binary.</summary>
public sealed class TextEncodingTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private Scenario LoadBytes(byte[] bytes)
    {
        string path = Path.Combine(_folder.Scenarios, "x.yaml");
        File.WriteAllBytes(path, bytes);
        return ScenarioLoader.LoadFile(path);
    }

    private string ErrorOf(byte[] bytes)
    {
        var e = Assert.Throws<ScenarioValidationException>(() => LoadBytes(bytes));
        return Assert.Single(e.Errors).ToString().Replace(Path.Combine(_folder.Scenarios, "x.yaml"), "x.yaml");
    }

    [Fact]
    public void A_bom_and_crlf_line_endings_are_accepted()
    {
        byte[] bom = [0xEF, 0xBB, 0xBF];
        Scenario s = LoadBytes([.. bom, .. Encoding.UTF8.GetBytes(Yaml.Full.ReplaceLineEndings("\r\n"))]);
        Assert.Equal("full-example", s.Name);
        Assert.Equal(["user", "G", "B", "C", "D", "E", "F"], s.Hierarchy.Parties);
    }

    [Fact]
    public void Positions_after_a_bom_and_crlf_are_the_same_as_without()
    {
        string yaml = Yaml.Minimal.Replace("split: 0", "split: -1");
        Assert.Equal("x.yaml:3:8: split: out of range: got -1, must be >= 0",
            ErrorOf([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(yaml.ReplaceLineEndings("\r\n"))]));
    }

    [Fact]
    public void Invalid_utf8_is_refused_at_its_position()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("version: 1\nname: ab"), 0xFF, .. "c\n"u8];
        Assert.Equal("x.yaml:2:9: invalid UTF-8 (byte 0xff); scenario files are UTF-8 text", ErrorOf(bytes));
    }

    [Fact]
    public void Utf16_is_refused_as_such()
    {
        Assert.Equal("x.yaml:1:1: the file is UTF-16 (it starts with a byte-order mark); scenario files are UTF-8",
            ErrorOf([0xFF, 0xFE, .. Encoding.Unicode.GetBytes("version: 1\n")]));
    }

    [Fact]
    public void A_nul_is_refused_rather_than_taken_for_the_end_of_the_file()
    {
        // YamlDotNet stops at a NUL, so "version: 1\0<anything>" would have loaded as "version: 1".
        Assert.Equal("x.yaml:1:11: a NUL character (\\0): this is not a text file", ErrorOf([.. "version: 1"u8, 0, .. "\nsplit: x\n"u8]));
    }

    [Theory]
    [InlineData("version: 1\n# \u001b]0;PWNED\u0007\n", "x.yaml:2:3: a raw control character (\\e); YAML allows only tab, line feed and carriage return (write others as escapes in a double-quoted string)")]
    [InlineData("version: 1\nname: a\u009bb\n", "x.yaml:2:8: a raw control character (\\x9b); YAML allows only tab, line feed and carriage return (write others as escapes in a double-quoted string)")]
    [InlineData("version: 1\nname: a\u007f\n", "x.yaml:2:8: a raw control character (\\x7f); YAML allows only tab, line feed and carriage return (write others as escapes in a double-quoted string)")]
    public void Raw_control_characters_are_refused_at_their_position(string text, string error)
    {
        Assert.Equal(error, ErrorOf(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void Random_bytes_give_one_error()
    {
        var random = new Random(16);
        for (int i = 0; i < 50; i++)
        {
            byte[] bytes = new byte[1000];
            random.NextBytes(bytes);
            string error = ErrorOf(bytes);
            Assert.DoesNotContain('\u001b', error);
        }
    }
}
