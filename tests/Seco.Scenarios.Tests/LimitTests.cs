using System.Text;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests;

/// <summary>ScenarioLimits: file size, nesting depth and value length, each refused with one clear error.</summary>
[Collection(TimedCollection.Name)]
public sealed class LimitTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder.Scenarios, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string LoadFileError(string path, ScenarioLimits? limits = null) =>
        Assert.Single(Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.LoadFile(path, limits)).Errors).ToString();

    [Fact]
    public void A_file_over_the_size_limit_is_refused_with_its_size()
    {
        string path = Write("big.yaml", Encoding.UTF8.GetBytes(Yaml.Minimal + "\n#" + new string('x', 1 << 20)));
        long size = new FileInfo(path).Length;
        Assert.Equal($"{path}: the file is {size:N0} bytes; scenario files are limited to 1,048,576 bytes (1 MiB)", LoadFileError(path));
    }

    [Fact]
    public void The_size_limit_can_be_raised_or_lowered()
    {
        string path = Write("s.yaml", Encoding.UTF8.GetBytes(Yaml.Minimal + "\n#" + new string('x', 1 << 20)));
        Assert.Equal("s", ScenarioLoader.LoadFile(path, new ScenarioLimits { MaxFileBytes = 2 << 20 }).Name);
        Assert.Equal($"{path}: the file is {new FileInfo(path).Length:N0} bytes; scenario files are limited to 1,000 bytes",
            LoadFileError(path, new ScenarioLimits { MaxFileBytes = 1000 }));
    }

    [Fact]
    public void A_file_exactly_at_the_limit_is_read()
    {
        byte[] text = Encoding.UTF8.GetBytes(Yaml.Minimal + "\n#");
        string path = Write("s.yaml", text);
        Assert.Equal("s", ScenarioLoader.LoadFile(path, new ScenarioLimits { MaxFileBytes = text.Length }).Name);
    }

    [SkippableFact]
    public void An_endless_device_is_read_only_one_byte_past_the_limit()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        Assert.Equal("/dev/zero: the file is more than 1,048,576 bytes; scenario files are limited to 1,048,576 bytes (1 MiB)",
            LoadFileError("/dev/zero"));
    }

    [Fact]
    public void A_directory_is_refused_as_a_user_error()
    {
        Assert.Equal($"{_folder.Scenarios}: is a directory; expected a scenario file (YAML)", LoadFileError(_folder.Scenarios));
    }

    [Fact]
    public void Text_over_the_size_limit_is_refused()
    {
        Assert.Equal("scenarios/x.yaml: the file is 5 bytes; scenario files are limited to 4 bytes",
            Assert.Single(Assert.Throws<ScenarioValidationException>(() =>
                ScenarioLoader.Load("é: 1", ScenarioFolder.SourceName, _folder.Scenarios, new ScenarioLimits { MaxFileBytes = 4 })).Errors).ToString());
    }

    [Fact]
    public void Sixty_four_levels_pass_the_depth_check_and_sixty_five_do_not()
    {
        // Level 1 is the root mapping; 63 brackets make 64 levels, and seed is then just the wrong type.
        Assert.Equal("scenarios/x.yaml:8:7: seed: expected an integer, got a list",
            _folder.Error(Yaml.Minimal + "\nseed: " + new string('[', 63) + new string(']', 63)));
        Assert.EndsWith(":8:70: nested deeper than 64 levels (lists and mappings inside each other)",
            _folder.Error(Yaml.Minimal + "\nseed: " + new string('[', 64) + new string(']', 64)));
    }

    [Fact]
    public void Deep_block_nesting_is_refused_at_the_key_that_goes_too_deep()
    {
        var yaml = new StringBuilder(Yaml.Minimal + "\nseed:\n");
        for (int level = 1; level <= 100; level++)
            yaml.Append(' ', level).Append("k:\n");
        // seed's mapping (level 2) starts on line 9; line 9 + 63 holds the 65th level, its key at column 65.
        Assert.Equal("scenarios/x.yaml:72:65: nested deeper than 64 levels (lists and mappings inside each other)",
            _folder.Error(yaml.ToString()));
    }

    [Fact]
    public void Indentless_lists_count_as_levels_too()
    {
        // "key:" then "- item" at the same indentation is a list without a token of its own, so
        // each line below adds two levels but only one token: 40 lines are 81 levels.
        var yaml = new StringBuilder(Yaml.Minimal + "\nseed:\n");
        for (int line = 0; line < 40; line++)
            yaml.Append(' ', 2 * line).Append("- k:\n");
        Assert.Equal("scenarios/x.yaml:40:65: nested deeper than 64 levels (lists and mappings inside each other)", _folder.Error(yaml.ToString()));
    }

    [Fact]
    public void Two_hundred_kilobytes_of_brackets_are_refused_in_linear_time()
    {
        // YamlDotNet alone took 20–60 s on this (quadratic in the nesting depth).
        string yaml = "version: 1\nseed: " + new string('[', 200_000);
        TimeSpan best = ThreadCpuClock.Best(2, () => _folder.Error(yaml));
        Assert.True(best < TimeSpan.FromSeconds(1), $"took {best.TotalMilliseconds:0} ms of CPU");
    }

    [Fact]
    public void An_overlong_value_is_refused_once_and_not_quoted_in_full()
    {
        string error = _folder.Error(Yaml.Minimal + "\nseed: " + new string('9', 100_000));
        Assert.Equal("scenarios/x.yaml:8:7: a value of 100,000 characters; keys and values are limited to 65,536 characters", error);
        Assert.EndsWith("a value of 70 characters; keys and values are limited to 64 characters",
            Assert.Single(Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load(Yaml.Minimal + "\ndescription: " + new string('d', 70),
                ScenarioFolder.SourceName, _folder.Scenarios, new ScenarioLimits { MaxScalarLength = 64 })).Errors).ToString());
    }

    [Fact]
    public void A_key_longer_than_yaml_allows_is_a_syntax_error()
    {
        // YAML limits an implicit key to 1024 characters; YamlDotNet enforces it.
        Assert.Matches(@"^scenarios/x\.yaml:8:\d+: malformed YAML: [^\n]{20,200}$", _folder.Error(Yaml.Minimal + "\n" + new string('k', 100_000) + ": 1"));
    }

    [Fact]
    public void Limits_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioLoader.Load(Yaml.Minimal, "x.yaml", _folder.Scenarios, new ScenarioLimits { MaxErrors = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScenarioLoader.LoadFile("x.yaml", new ScenarioLimits { MaxFileBytes = 0 }));
    }

    /// <summary>
    /// A scenario may name any path as its model or images. /dev/zero used to be read to the 2 GB
    /// array limit (17 s, 4 GB of memory, then an internal error); a FIFO or /dev/tty blocked
    /// validate for ever. Such files report a length of 0, and no model or IDX file is empty, so
    /// they are refused by their length before they are opened.
    /// </summary>
    [SkippableTheory]
    [InlineData("model: /dev/zero", "model")]
    [InlineData("model: {path: /dev/zero}", "model.path")]
    [InlineData("queries: {input: {images: /dev/zero}}", "queries.input.images")]
    [InlineData("queries: {input: {images: ../models/images-idx3-ubyte, labels: /dev/zero}}", "queries.input.labels")]
    public void A_model_or_images_path_naming_a_device_is_refused_without_reading_it(string line, string path)
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        string text = Yaml.Minimal.Replace("model: ../models/minionn.onnx", line.StartsWith("model", StringComparison.Ordinal) ? line : "model: ../models/minionn.onnx\n" + line);
        var started = System.Diagnostics.Stopwatch.StartNew();
        string error = _folder.Error(text);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
        Assert.Contains($": {path}: ", error);
        Assert.Contains("/dev/zero: the file is empty (a device or pipe, with no length, is not read)", error);
    }

    [Fact]
    public void An_empty_model_file_is_refused_when_the_scenario_is_loaded()
    {
        File.WriteAllBytes(_folder.Model("empty.onnx"), []);
        Assert.Equal($"scenarios/x.yaml:2:8: model: {_folder.Model("empty.onnx")}: the file is empty (a device or pipe, with no length, is not read)",
            _folder.Error(Yaml.Minimal.Replace("minionn.onnx", "empty.onnx")));
    }
}
