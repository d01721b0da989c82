using Seco.Scenarios;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// `seco validate` on every case of the hostile-scenario corpus (tests/data/hostile-scenarios):
/// the expected verdict (exit 0 accepted, 1 rejected, never 2), at most 25 lines of output, no raw
/// control character in it, under 200 MB of memory, and fast — under 1 s of CPU for the load in
/// process (after a warm-up; CPU time, as the test machines are shared and loaded), and a
/// generous 5 s of CPU for the whole process, which still catches the 20–60 s quadratic cases.
/// </summary>
[Collection(TimedCollection.Name)]
public sealed class HostileScenarioCorpusTests : IClassFixture<HostileScenarioCorpusTests.Corpus>
{
    private const int MaxLines = 25;
    private const long MaxRssBytes = 200L << 20;

    private readonly Corpus _corpus;

    public HostileScenarioCorpusTests(Corpus corpus) => _corpus = corpus;

    /// <summary>The generated files (up to 67 MB) are written once for the whole class.</summary>
    public sealed class Corpus : IDisposable
    {
        internal HostileScenarioCorpus Files { get; } = new();

        public void Dispose() => Files.Dispose();
    }

    public static TheoryData<string> Cases() => [.. HostileScenarioCorpus.Expected.Keys];

    [Fact]
    public void The_readme_lists_every_case_and_the_corpus_holds_enough()
    {
        string[] committed = [.. Directory.GetFiles(HostileScenarioCorpus.CommittedFolder)
            .Select(Path.GetFileName).OfType<string>().Where(f => f is not "README.md" and not ".gitattributes")];
        string[] known = [.. committed, .. HostileScenarioCorpus.GeneratedNames, .. HostileScenarioCorpus.InCodeNames];
        Assert.Equal(known.Order(), HostileScenarioCorpus.Expected.Keys.Order());
        Assert.True(committed.Length >= 20, $"{committed.Length} committed cases");
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Seco_validate_gives_the_expected_verdict_briefly_safely_and_quickly(string name)
    {
        Skip.If(name == "/dev/zero" && !File.Exists("/dev/zero"));
        string path = _corpus.Files.PathOf(name);
        int expected = HostileScenarioCorpus.Expected[name];

        CliProcess.Measurement run = CliProcess.Measure(TimeSpan.FromSeconds(60), "validate", path);
        string shown = $"seco validate {name} → exit {run.ExitCode}:\n{Printable.Shorten(run.Output, 3000)}";
        Assert.True(run.ExitCode == expected, shown);
        string[] lines = run.Output.TrimEnd('\n').Split('\n');
        Assert.True(lines.Length <= MaxLines, $"{lines.Length} lines; " + shown);
        int unsafeAt = Printable.IndexOfUnsafe(run.Output, "\n");
        Assert.True(unsafeAt < 0, $"raw control character {Printable.Escape(unsafeAt < 0 ? "" : run.Output[unsafeAt].ToString())}; " + shown);
        if (run.PeakRssBytes is { } rss)
            Assert.True(rss < MaxRssBytes, $"peak RSS {rss >> 20} MB");
        if (run.Cpu is { } cpu)
            Assert.True(cpu < TimeSpan.FromSeconds(5), $"process CPU time {cpu.TotalSeconds:0.0} s");

        // In process, after a warm-up: the time of the command itself, without the runtime's start-up.
        Assert.Equal(expected, CliHarness.Run("validate", path).ExitCode);
        CliHarness.Result? again = null;
        TimeSpan load = ThreadCpuClock.Measure(() => again = CliHarness.Run("validate", path));
        Assert.Equal(expected, again!.ExitCode);
        Assert.True(load < TimeSpan.FromSeconds(1), $"in-process validate took {load.TotalMilliseconds:0} ms of CPU");
    }
}
