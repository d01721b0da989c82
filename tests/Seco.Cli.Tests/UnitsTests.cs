using Seco.Cli.Output;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>Issue 16, item 8: one unit per column, and nouns that agree with their numbers.</summary>
public sealed class UnitsTests
{
    [Fact]
    public void AColumnGetsTheUnitOfItsLargestValue()
    {
        Units.ByteUnit unit = Units.BytesFor([4_534_400, 42_200_000, 12]);
        Assert.Equal("MB", unit.Name);
        Assert.Equal("4.53", unit.Of(4_534_400));
        Assert.Equal("42.20", unit.Of(42_200_000));
        Assert.Equal("sent (MB)", unit.Header("sent"));
        Assert.Equal("B", Units.BytesFor([9_999]).Name);
        Assert.Equal("kB", Units.BytesFor([10_000]).Name);
        Assert.Equal("GB", Units.BytesFor([10_000_000_000]).Name);
        Assert.Equal("B", Units.BytesFor([]).Name);
    }

    [Fact]
    public void DurationsUseSecondsOnlyWhenSomeReachASecond()
    {
        Assert.Equal("ms", Units.SecondsFor([0.0123, 0.5]).Name);
        Assert.Equal("12.300", Units.SecondsFor([0.0123]).Of(0.0123));
        Assert.Equal("s", Units.SecondsFor([0.0123, 1.5]).Name);
    }

    [Theory]
    [InlineData(1, "1 query")]
    [InlineData(0, "0 queries")]
    [InlineData(3, "3 queries")]
    [InlineData(1024, "1,024 queries")]
    public void CountsAgree(long n, string expected) => Assert.Equal(expected, Units.Count(n, "query", "queries"));

    [Fact]
    public void OneQueryOfOneRoundReadsInTheSingular()
    {
        string dir = Directory.CreateTempSubdirectory("seco-one-").FullName;
        try
        {
            string path = Path.Combine(dir, "one.yaml");
            File.WriteAllText(path, """
                version: 1
                name: one
                workload: { echo: { request_bytes: 1, reply_bytes: 1, rounds: 1 } }
                hierarchy: { tiers: [ { name: t, servers: [B, C] } ] }
                queries: { count: 1 }
                """);
            CliHarness.Result r = CliHarness.Run("run", path, "--out", dir);
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("1 query × 1 round, 1 byte per request, 1 byte per reply", r.Output);
            Assert.Contains("All 1 query completed.", r.Output);
            Assert.DoesNotContain("1 queries", r.Output);
            Assert.DoesNotContain("1 rounds", r.Output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
