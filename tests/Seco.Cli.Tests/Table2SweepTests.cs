using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 21's acceptance: the shipped `seco sweep scenarios/paper/table2.yaml` — MiniONN and LeNet at l = 0, SECO,
/// DELPHI and DELPHI-3, LAN and paper-WAN, three queries each (about a minute) — writes a row per protocol, model and
/// network, every one bit-exact, and sets the paper's Table II beside ours.
/// </summary>
public sealed class Table2SweepTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-table2-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Every_row_of_table2_is_bit_exact_for_every_protocol_model_and_network()
    {
        CliHarness.Result r = CliHarness.Run("sweep", Path.Combine(TestHost.Root, "scenarios", "paper", "table2.yaml"), "--out", _out, "--quiet");
        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        string dir = Assert.Single(Directory.GetDirectories(_out));
        List<Dictionary<string, string>> rows = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "results.csv")));
        Assert.Equal(12, rows.Count);
        foreach (string model in new[] { "minionn", "lenet" })
        foreach (string network in new[] { "lan", "paper-wan" })
        foreach (string protocol in new[] { "seco", "delphi", "delphi-3" })
        {
            Dictionary<string, string> row = Assert.Single(rows, x => x["model"] == model && x["network"] == network && x["protocol"] == protocol);
            Assert.Equal(("ok", "true", "3", "3"), (row["status"], row["bit_exact"], row["queries_finished"], row["queries_bit_exact"]));
        }
        // The paper's SECO time and servers' traffic for both models, beside ours, under both networks.
        List<Dictionary<string, string>> compared = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "comparison.csv")));
        Assert.Equal(8, compared.Count);
        Assert.All(compared, c => Assert.False(string.IsNullOrEmpty(c["ours"]), $"{c["claim"]} ({c["model"]}, {c["network"]}) has no measurement"));
    }
}
