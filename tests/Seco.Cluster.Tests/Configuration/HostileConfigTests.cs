using System.Text;
using Seco.Cluster.Configuration;
using Seco.Scenarios;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cluster.Tests.Configuration;

/// <summary>
/// Node files written to break the loader, as HostileScenarioCorpusTests (tests/Seco.Cli.Tests)
/// does for scenarios: every case of the hostile-scenario corpus (tests/data/hostile-scenarios),
/// read as a node file, and cases made here against the configuration limits (256 KiB, 16
/// levels, 20 errors). Each is refused with a short report (at most 20 errors and a "… and N
/// more" line), no raw control character in it, and in under 1 s of CPU after a warm-up.
/// </summary>
[Collection(TimedCollection.Name)]
public sealed class HostileConfigTests : IClassFixture<HostileConfigTests.Folder>
{
    private const int MaxLines = 21;

    private const int LimitBytes = 256 << 10;

    /// <summary>Beside config/local, so that a valid file's paths reach the stand-in deploy/ files.</summary>
    private const string Hostile = "config/hostile";

    private static readonly string CorpusFolder = Path.Combine(TestHost.Root, "tests", "data", "hostile-scenarios");

    private readonly ConfigFolder _folder;

    public HostileConfigTests(Folder folder) => _folder = folder.Files;

    /// <summary>One temporary folder for the class: the generated cases are written once.</summary>
    public sealed class Folder : IDisposable
    {
        public Folder()
        {
            Files = new ConfigFolder();
            string valid = File.ReadAllText(Files.PathOf("config/local/A.yaml"));
            foreach (var (name, text) in Generated(valid))
                Files.Write(Path.Combine(Hostile, name), text);
            File.WriteAllBytes(Files.PathOf($"{Hostile}/invalid-utf8-in-a-value.yaml"), [.. Encoding.UTF8.GetBytes("node: A\ndeployment: "), 0xC3, 0x28, (byte)'\n']);
        }

        internal ConfigFolder Files { get; }

        public void Dispose() => Files.Dispose();
    }

    /// <summary>The committed scenario corpus, read as node files.</summary>
    public static TheoryData<string> CorpusCases() =>
        [.. Directory.GetFiles(CorpusFolder).Select(Path.GetFileName).OfType<string>().Where(f => f.EndsWith(".yaml", StringComparison.Ordinal)).Order()];

    public static TheoryData<string> GeneratedCases() =>
        [.. Generated("").Select(g => g.Name).Where(n => n != "exactly-at-the-size-limit.yaml"), "invalid-utf8-in-a-value.yaml"];

    [Theory]
    [MemberData(nameof(CorpusCases))]
    public void A_hostile_scenario_read_as_a_node_file_is_refused_briefly_safely_and_quickly(string name) =>
        AssertRefused(Path.Combine(CorpusFolder, name));

    [Theory]
    [MemberData(nameof(GeneratedCases))]
    public void A_node_file_against_the_limits_is_refused_briefly_safely_and_quickly(string name) =>
        AssertRefused(_folder.PathOf(Path.Combine(Hostile, name)));

    [Fact]
    public void The_reports_name_the_limit_that_was_hit()
    {
        Assert.Equal($"config/hostile/over-the-size-limit.yaml: the file is {LimitBytes + 1:N0} bytes; node configuration files are limited to {LimitBytes:N0} bytes (256 KiB)",
            Errors("over-the-size-limit.yaml"));
        Assert.Equal("config/hostile/deep-flow-nesting.yaml:2:29: nested deeper than 16 levels (lists and mappings inside each other)",
            Errors("deep-flow-nesting.yaml"));
        string[] unknown = Errors("unknown-keys-filling-the-limit.yaml").Split('\n');
        Assert.Equal(21, unknown.Length);
        Assert.Matches(@"^… and [0-9,]+ more errors$", unknown[^1]);
        Assert.Equal("config/hostile/invalid-utf8-in-a-value.yaml:2:13: invalid UTF-8 (byte 0xc3); node configuration files are UTF-8 text",
            Errors("invalid-utf8-in-a-value.yaml"));
        Assert.Contains("config/hostile/billion-laughs.yaml:4:12: aliases (*a0) are not supported in node configuration files; write the value out",
            Errors("billion-laughs.yaml").Split('\n'));
    }

    [Fact]
    public void A_valid_file_exactly_at_the_size_limit_loads()
    {
        string path = _folder.PathOf($"{Hostile}/exactly-at-the-size-limit.yaml");
        Assert.Equal(LimitBytes, new FileInfo(path).Length);
        Assert.Equal("A", NodeConfigLoader.Load(path).Node);
    }

    [SkippableFact]
    public void An_endless_device_is_read_no_further_than_the_limit()
    {
        Skip.IfNot(File.Exists("/dev/zero"));
        var e = Assert.Throws<ScenarioValidationException>(() => NodeConfigLoader.Load("/dev/zero"));
        Assert.Equal($"/dev/zero: the file is more than {LimitBytes:N0} bytes; node configuration files are limited to {LimitBytes:N0} bytes (256 KiB)", e.Message);
    }

    private string Errors(string name) =>
        _folder.Cut(Assert.Throws<ScenarioValidationException>(() => NodeConfigLoader.Load(_folder.PathOf(Path.Combine(Hostile, name)))).Message);

    private static void AssertRefused(string path)
    {
        // The first load pays for JIT compilation; the second is measured.
        Assert.Throws<ScenarioValidationException>(() => NodeConfigLoader.Load(path));
        ScenarioValidationException? refused = null;
        TimeSpan cpu = ThreadCpuClock.Measure(() => refused = Assert.Throws<ScenarioValidationException>(() => NodeConfigLoader.Load(path)));

        string report = refused!.Message;
        string shown = Printable.Shorten(report, 2000);
        Assert.True(report.Split('\n').Length <= MaxLines, $"{report.Split('\n').Length} lines: {shown}");
        int unsafeAt = Printable.IndexOfUnsafe(refused.Errors.Select(e => e.ToString()).Aggregate((a, b) => a + "\n" + b), "\n");
        Assert.True(unsafeAt < 0, $"a raw control character in: {shown}");
        Assert.True(cpu < TimeSpan.FromSeconds(1), $"{cpu.TotalMilliseconds:0} ms of CPU for {path}");
    }

    /// <summary>Files made against the configuration limits; <paramref name="valid"/> is a valid node file.</summary>
    private static IEnumerable<(string Name, string Text)> Generated(string valid)
    {
        string Pad(string text, int bytes) => text + "#" + new string('x', bytes - Encoding.UTF8.GetByteCount(text) - 2) + "\n";
        yield return ("exactly-at-the-size-limit.yaml", valid.Length == 0 ? "" : Pad(valid, LimitBytes));
        yield return ("over-the-size-limit.yaml", valid.Length == 0 ? "" : Pad(valid, LimitBytes + 1));
        yield return ("huge-deployment-label-50mb.yaml", valid.Length == 0 ? "" : valid.Replace("deployment: local", "deployment: " + new string('x', 50 << 20), StringComparison.Ordinal));
        yield return ("deep-flow-nesting.yaml", "node: A\nservers: { A: " + new string('[', 100_000) + "\n");
        yield return ("deep-block-nesting.yaml", string.Concat(Enumerable.Range(0, 40).Select(i => new string(' ', 2 * i) + $"k{i}:\n")));
        yield return ("unknown-keys-filling-the-limit.yaml", string.Concat(Enumerable.Range(0, 15_000).Select(i => $"key{i}: {i}\n")));
        yield return ("many-servers.yaml", "node: A\nservers:\n" + string.Concat(Enumerable.Range(0, 3_000).Select(i => $"  S{i}: {{ role: gateway, host: h, port: {i % 9 + 1} }}\n")));
        yield return ("many-users.yaml", valid.Length == 0 ? "" : valid.Replace("  users: { user: { certificate: ../../deploy/certs/user.crt } }\n", "  users:\n"
            + string.Concat(Enumerable.Range(0, 4_000).Select(i => $"    u{i}: {{ fingerprint: paste }}\n")), StringComparison.Ordinal));
        yield return ("billion-laughs.yaml", "node: A\nservers:\n  S0: &a0 [x, x, x, x, x, x, x, x, x]\n"
            + string.Concat(Enumerable.Range(1, 9).Select(i => $"  S{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]\n")));
        yield return ("raw-escape-in-a-key.yaml", "node: A\n\u001b]0;PWNED\u0007: 1\n");
        yield return ("escaped-control-in-a-key.yaml", "node: A\n\"\\e]0;PWNED\\a\\e[2J\": 1\n");
    }
}
