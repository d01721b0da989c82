using System.Diagnostics;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>Issue 16, item 11: the test command's summary counts skipped tests (xunit's skips are "NotExecuted" results).</summary>
public sealed class TestScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-trx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Trx(int passed, int failed, params string[] outcomes) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">
          <Results>
        {string.Concat(outcomes.Select((o, i) => $"    <UnitTestResult testId=\"{i}\" testName=\"T{i}\" outcome=\"{o}\" />\n"))}  </Results>
          <ResultSummary outcome="Completed">
            <Counters total="{outcomes.Length}" executed="{passed + failed}" passed="{passed}" failed="{failed}" error="0" timeout="0" aborted="0" inconclusive="0" passedButRunAborted="0" notRunnable="0" notExecuted="0" disconnected="0" warning="0" completed="0" inProgress="0" pending="0" />
          </ResultSummary>
        </TestRun>
        """;

    private (int Code, string Output) Summarise()
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(TestHost.Root, "scripts", "trx-summary.sh"), _dir]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output.Trim());
    }

    [Fact]
    public void SkippedTestsAreCounted()
    {
        File.WriteAllText(Path.Combine(_dir, "a.trx"), Trx(2, 0, "Passed", "Passed", "NotExecuted"));
        File.WriteAllText(Path.Combine(_dir, "b.trx"), Trx(1, 0, "Passed", "NotExecuted", "NotExecuted"));
        (int code, string output) = Summarise();
        Assert.Equal(0, code);
        Assert.Equal("3 passed, 0 failed, 3 skipped", output.Split('\n')[^1]);
    }

    [Fact]
    public void AFailureFailsTheSummary()
    {
        File.WriteAllText(Path.Combine(_dir, "a.trx"), Trx(1, 1, "Passed", "Failed"));
        (int code, string output) = Summarise();
        Assert.Equal(1, code);
        Assert.Equal("1 passed, 1 failed, 0 skipped", output.Split('\n')[^1]);
    }

    [Fact]
    public void NoResultsIsAFailure()
    {
        (int code, string output) = Summarise();
        Assert.Equal(1, code);
        Assert.Equal("0 passed, 1 failed", output.Split('\n')[^1]);
    }
}
