using System.Text.RegularExpressions;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>Issue 16, item 6: every help text and doc is true of the code.</summary>
public sealed class HelpTruthTests
{
    [Theory]
    [InlineData("--help")]
    [InlineData("run", "--help")]
    [InlineData("sweep", "--help")]
    [InlineData("validate", "--help")]
    [InlineData("infer", "--help")]
    [InlineData("models", "inspect", "--help")]
    [InlineData("split", "--help")]
    [InlineData("certs", "--help")]
    public void UsageNamesTheCommandUsersType(params string[] args)
    {
        CliHarness.Result r = CliHarness.Run(args);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:\n  seco", r.Output.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Seco.Cli", r.Output);
        Assert.DoesNotContain("testhost", r.Output);
    }

    [Fact]
    public void RunHelpDescribesTheSecureRunAndTheExitCodes()
    {
        string help = CliHarness.Run("run", "--help").Output;
        Assert.DoesNotContain("plaintext fixed-point reference only", help);
        Assert.DoesNotContain("(today)", help);
        Assert.Contains("SECO protocol", help);
        foreach (string code in new[] { "0 success", "1 bad input", "2 internal error", "3 a query's result differs", "4 a query did not finish", "130 interrupted" })
            Assert.Contains(code, help);
    }

    [Fact]
    public void TheReadmeListsTheExitCodes()
    {
        string readme = File.ReadAllText(Path.Combine(TestHost.Root, "README.md"));
        foreach (string code in new[] { "| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 130 |" })
            Assert.Contains(code, readme);
    }

    [Fact]
    public void NoDocCitesAFileThatIsNotInTheRepository()
    {
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(TestHost.Root, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".md") || f.EndsWith(".cs") || f.EndsWith(".yaml"))
                     .Where(f => !Regex.IsMatch(f, @"[/\\](bin|obj|node_modules|TestResults|\.git)[/\\]")))
        {
            string text = File.ReadAllText(file);
            if (Regex.IsMatch(text, @"(?<![-\w])protocol\.md") && !file.EndsWith("HelpTruthTests.cs"))
                offenders.Add(Path.GetRelativePath(TestHost.Root, file));
        }
        Assert.Empty(offenders);
    }

    /// <summary>Issue 17: the in-process real-time runtime is gone (real time is Akka.Cluster); nothing may present it as current.</summary>
    [Fact]
    public void NoDocOrSourceNamesTheRetiredRealTimeRuntime()
    {
        var offenders = new List<string>();
        foreach (string file in Directory.EnumerateFiles(TestHost.Root, "*.*", SearchOption.AllDirectories)
                     .Where(f => f.EndsWith(".md") || f.EndsWith(".cs") || f.EndsWith(".yaml") || f.EndsWith(".sh"))
                     .Where(f => !Regex.IsMatch(f, @"[/\\](bin|obj|node_modules|TestResults|\.git)[/\\]"))
                     .Where(f => !f.EndsWith("HelpTruthTests.cs")))
        {
            if (Regex.IsMatch(File.ReadAllText(file), @"\b(ThreadPoolDispatcher|InMemoryTransport|LocalCluster|Seco\.Actors\.RealTime)\b"))
                offenders.Add(Path.GetRelativePath(TestHost.Root, file));
        }
        Assert.Empty(offenders);
    }

    [Theory]
    [InlineData("docs/scenarios.md", "a later step")]
    [InlineData("scenarios/minionn-split-0.yaml", "blocks 1..0")]
    [InlineData("README.md", "bit-exact yes/no")]
    public void StaleSentencesAreGone(string file, string stale) =>
        Assert.DoesNotContain(stale, File.ReadAllText(Path.Combine(TestHost.Root, file)));
}
