using System.Diagnostics;
using System.Text.Json;
using Seco.Cli.Output;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 16, items 4 and 5: --out is checked before the run; a run whose queries did not finish says so apart from
/// wrong answers — its own exit code, no accuracy or traffic over queries that produced nothing, and where it stopped.
/// </summary>
public sealed class RunFailureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-fail-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Scenario(string extra)
    {
        string path = Path.Combine(_dir, "stall.yaml");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(TestHost.Root, "scenarios", "default.yaml"))
            .Replace("../models/", Path.Combine(TestHost.Root, "models") + "/") + "\n" + extra + "\n");
        return path;
    }

    [Theory]
    [InlineData("/proc/nope")]
    [InlineData("FILE")]
    public void AnUnusableOutFolderFailsBeforeTheRun(string outRoot)
    {
        if (outRoot == "FILE")
        {
            outRoot = Path.Combine(_dir, "a-file");
            File.WriteAllText(outRoot, "");
        }
        var clock = Stopwatch.StartNew();
        CliHarness.Result r = CliHarness.Run("run", Path.Combine(TestHost.Root, "scenarios", "default.yaml"), "--out", outRoot);

        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"error: --out {outRoot}: cannot make the run's folder there", r.Error);
        Assert.DoesNotContain("progress", r.Output); // nothing ran
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public void QueriesThatDidNotFinishAreNotWrongAnswers()
    {
        // B crashes 1 ms into setup: no query can start. The run ends when nothing is left to happen.
        CliHarness.Result r = CliHarness.Run("run", Scenario("failures:\n  - { at_ms: 1, stop: B }"), "--out", _dir);

        Assert.Equal(ExitCodes.NotFinished, r.ExitCode);
        Assert.Contains("Bit-exact: none of 3 queries finished.", r.Output);
        Assert.DoesNotContain("Accuracy", r.Output);
        Assert.Contains("no query finished", r.Output);
        Assert.Contains("q0 did not finish: stuck before it began: setup did not finish; ", r.Output);
        Assert.Contains("3 of 3 queries did not finish", r.Output);
        Assert.DoesNotContain("WRONG", r.Output);

        string dir = Assert.Single(Directory.GetDirectories(_dir));
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        Assert.Equal(0, report.RootElement.GetProperty("finished").GetInt32());
        Assert.Equal(3, report.RootElement.GetProperty("not_finished").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("wrong").GetInt32());
        foreach (JsonElement q in report.RootElement.GetProperty("queries").EnumerateArray())
        {
            Assert.Equal("not finished", q.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.Null, q.GetProperty("bit_exact").ValueKind);
            Assert.StartsWith("stuck before it began", q.GetProperty("stopped").GetString());
        }
    }

    [Theory]
    [InlineData(0, false, 0, 0, 0)]
    [InlineData(1, false, 0, 0, 3)]
    [InlineData(1, true, 2, 1, 3)]
    [InlineData(0, true, 2, 0, 130)]
    [InlineData(0, false, 1, 1, 4)]
    [InlineData(0, false, 0, 1, 4)]
    public void ExitCodesPutWrongResultsFirst(int wrong, bool interrupted, int notFinished, long sessionFailures, int expected) =>
        Assert.Equal(expected, ExitCodes.ForRun(wrong, interrupted, notFinished, sessionFailures));

    [Fact]
    public void AQueryThatProducedNothingHasNoBitExactVerdict()
    {
        var reference = new long[] { 1, 2, 3 };
        var query = new Seco.Scenarios.Query(0, "image #0", [0.5], 2);
        Assert.Equal(RunOutcomes.BitExact, RunOutcomes.Status(new(query, [1, 2, 3], reference), false));
        Assert.Equal(RunOutcomes.WrongStatus, RunOutcomes.Status(new(query, [1, 2, 4], reference), false));
        Assert.Equal(RunOutcomes.Failed, RunOutcomes.Status(new(query, null, reference, "replayed OT request"), false));
        Assert.Equal(RunOutcomes.Stuck, RunOutcomes.Status(new(query, null, reference), false));
        Assert.Equal(RunOutcomes.InterruptedStatus, RunOutcomes.Status(new(query, null, reference), true));
    }
}
