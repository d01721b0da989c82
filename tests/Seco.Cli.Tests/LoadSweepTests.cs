using System.Globalization;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 22's λ sweep reduced for CI: `seco sweep` over an open loop's rate writes results.csv with the load measures
/// and the latency–throughput curve; every query is bit-exact, and a higher rate gets a higher throughput (below the
/// knee, throughput follows λ: both rates are well below the MLP's capacity, about 1 query/s on a CI machine running
/// other test processes — at 1 and 8 queries/s both saturated there once).
/// </summary>
public sealed class LoadSweepTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-load-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void A_sweep_over_the_arrival_rate_draws_the_latency_throughput_curve()
    {
        CliHarness.Result r = CliHarness.Run("sweep", TestHost.DataFile("sweeps", "load-reduced.yaml"), "--out", _out, "--quiet");
        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        string dir = Assert.Single(Directory.GetDirectories(_out));
        Assert.Equal(["chart1-rate_per_s.svg", "latency-throughput.svg", "load-reduced.yaml", "results.csv"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        List<Dictionary<string, string>> rows = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "results.csv")));
        Assert.Equal(["0.2", "0.6"], rows.Select(x => x["rate_per_s"]));
        Assert.All(rows, x => Assert.Equal(("ok", "true", "8"), (x["status"], x["bit_exact"], x["queries_bit_exact"])));
        double V(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);
        Assert.True(V(rows[1], "load.throughput_per_s") > 1.5 * V(rows[0], "load.throughput_per_s"),
            $"throughput at λ = 0.6: {rows[1]["load.throughput_per_s"]}, at λ = 0.2: {rows[0]["load.throughput_per_s"]}");
        Assert.All(rows, x => Assert.True(V(x, "load.latency_p50_s") <= V(x, "load.latency_p95_s")));
        // The users' own columns are left out under a load; the servers' are there.
        Assert.DoesNotContain(rows[0].Keys, k => k.StartsWith("user-", StringComparison.Ordinal));
        Assert.Contains("A.compute_s", rows[0].Keys);

        string svg = File.ReadAllText(Path.Combine(dir, "latency-throughput.svg"));
        Assert.Contains("latency against throughput", svg, StringComparison.Ordinal);
        foreach (string p in new[] { "p50", "p95", "p99" })
            Assert.Contains($"data-series=\"{p}\"", svg, StringComparison.Ordinal);
    }
}
