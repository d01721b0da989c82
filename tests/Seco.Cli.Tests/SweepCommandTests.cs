using System.Xml.Linq;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// `seco sweep` end to end on tests/data/sweeps/tiny.yaml (the MLP at split 0 and 2, one query each: about 15 s), and
/// the ways a sweep is refused before anything runs.
/// </summary>
public sealed class SweepCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-sweep-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string Tiny => TestHost.DataFile("sweeps", "tiny.yaml");

    [Fact]
    public void TheTinySweepWritesOneBitExactRowPerPointTheChartsAndACopyOfTheFile()
    {
        CliHarness.Result r = CliHarness.Run("sweep", Tiny, "--out", _out);

        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        Assert.Contains("tiny: 2 points (split 0/2) on base scenario tiny-base", r.Output);
        Assert.Contains("progress: point 1/2 (split=0) started", r.Output);
        Assert.Contains("progress: point 2/2 (split=2) ok, bit-exact", r.Output);
        Assert.Contains("Sweep: one row per point", r.Output);
        Assert.EndsWith("All 2 points finished bit-exact.", r.Output.TrimEnd());

        string dir = Assert.Single(Directory.GetDirectories(_out));
        Assert.StartsWith("tiny-", Path.GetFileName(dir));
        Assert.Equal(["chart1-split.svg", "results.csv", "tiny.yaml"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(File.ReadAllText(Tiny), File.ReadAllText(Path.Combine(dir, "tiny.yaml")));

        List<Dictionary<string, string>> rows = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "results.csv")));
        Assert.Equal(2, rows.Count);
        Assert.Equal(["1", "2"], rows.Select(x => x["point"]));
        Assert.Equal(["0", "2"], rows.Select(x => x["split"]));
        Assert.All(rows, x => Assert.Equal(("ok", "true", "1", ""), (x["status"], x["bit_exact"], x["queries_bit_exact"], x["error"])));
        long Bytes(Dictionary<string, string> row, string column) => long.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture);
        // At split 2 the user runs two of the MLP's three blocks with A (DELPHI): it receives far more than at split 0.
        Assert.True(Bytes(rows[1], "user.bytes_received") > 2 * Bytes(rows[0], "user.bytes_received"),
            $"user.bytes_received: {rows[0]["user.bytes_received"]} at split 0, {rows[1]["user.bytes_received"]} at split 2");
        foreach (Dictionary<string, string> row in rows)
            Assert.Equal(Bytes(row, "bytes_sent.total"), new[] { "user", "A", "B", "C" }.Sum(p => Bytes(row, $"{p}.bytes_sent")));

        XNamespace svg = "http://www.w3.org/2000/svg";
        XElement chart = XDocument.Parse(File.ReadAllText(Path.Combine(dir, "chart1-split.svg"))).Root!;
        var panels = chart.Descendants(svg + "g").Where(g => (string?)g.Attribute("class") == "panel").ToList();
        Assert.Equal(["bytes_sent.total", "user.bytes_received", "rounds.online"], panels.Select(p => p.Attribute("data-quantity")!.Value));
        foreach (XElement panel in panels)
        {
            XElement series = Assert.Single(panel.Descendants(svg + "g"), g => (string?)g.Attribute("class") == "series");
            Assert.Equal("tiny", series.Attribute("data-series")!.Value);
            Assert.Equal(["0", "2"], series.Descendants(svg + "circle").Select(c => c.Attribute("data-x")!.Value));
        }
        string received = string.Join(",", panels[1].Descendants(svg + "circle").Select(c => c.Attribute("data-value")!.Value));
        Assert.Equal($"{rows[0]["user.bytes_received"]},{rows[1]["user.bytes_received"]}", received);
    }

    /// <summary>
    /// Issue 18's acceptance: a depth sweep writes one row per grid point, every point bit-exact, every generated
    /// server busy, and the bytes and messages grow with depth (each tier adds its own keys and preparation).
    /// </summary>
    [Fact]
    public void TheDepthSweepWritesOneRowPerTierCountAndBytesGrowWithDepth()
    {
        CliHarness.Result r = CliHarness.Run("sweep", TestHost.DataFile("sweeps", "tiny-depth.yaml"), "--out", _out, "--quiet");

        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        string dir = Assert.Single(Directory.GetDirectories(_out));
        List<Dictionary<string, string>> rows = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "results.csv")));
        Assert.Equal(["1", "2", "3"], rows.Select(x => x["tiers"]));
        Assert.All(rows, x => Assert.Equal(("ok", "true"), (x["status"], x["bit_exact"])));
        long Value(Dictionary<string, string> row, string column) => long.Parse(row[column], System.Globalization.CultureInfo.InvariantCulture);
        for (int d = 1; d < rows.Count; d++)
        {
            Assert.True(Value(rows[d], "bytes_sent.total") > Value(rows[d - 1], "bytes_sent.total"), $"bytes at depth {d + 1} do not exceed depth {d}");
            Assert.True(Value(rows[d], "messages.total") > Value(rows[d - 1], "messages.total"));
        }
        // Every server of every tier of the point took part; tiers a point lacks are empty cells, never 0.
        for (int d = 1; d <= 3; d++)
            for (int t = 1; t <= 3; t++)
                foreach (int j in new[] { 1, 2 })
                {
                    string cell = rows[d - 1][$"T{t}S{j}.bytes_sent"];
                    if (t <= d) Assert.True(long.Parse(cell, System.Globalization.CultureInfo.InvariantCulture) > 0, $"T{t}S{j} idle at depth {d}");
                    else Assert.Equal("", cell);
                }
    }

    [Fact]
    public void AnInvalidPointStopsTheSweepBeforeAnythingRunsAndNamesThePoint()
    {
        string path = Path.Combine(_out, "deep.yaml");
        File.WriteAllText(path, $"version: 1\nbase: {TestHost.DataFile("sweeps", "tiny-base.yaml")}\ngrid:\n  tiers: [1, 3]\n");
        string folder = Path.Combine(_out, "runs");

        CliHarness.Result r = CliHarness.Run("sweep", path, "--out", folder);

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: {path}:4:14: grid.tiers[1]: point 2 (tiers=3): hierarchy.tiers: 3 remote tiers need at least 3 blocks, but split 1 leaves 2 of the model's 3",
            r.Error.TrimEnd());
        Assert.False(Directory.Exists(folder), "nothing may be written for a sweep that does not run");
    }

    [Fact]
    public void ABadSweepFileIsOneLinePerErrorWithPosition()
    {
        string path = Path.Combine(_out, "bad.yaml");
        File.WriteAllText(path, $"version: 1\nbase: {TestHost.DataFile("sweeps", "tiny-base.yaml")}\ngrid:\n  spilt: [0, 2]\n");
        CliHarness.Result r = CliHarness.Run("sweep", path, "--out", _out);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: {path}:4:3: grid.spilt: unknown key (did you mean 'split'?)", r.Error.TrimEnd());

        r = CliHarness.Run("sweep", Path.Combine(_out, "none.yaml"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("sweep file not found", r.Error);
    }

    [Fact]
    public void CtrlCBeforeTheFirstPointLeavesAHeaderOnlyResultsFileAndExits130()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var output = new StringWriter();
        var error = new StringWriter();
        int code = SecoCli.Run(["sweep", Tiny, "--out", _out, "--quiet"], output, error, cancel.Token);

        Assert.True(code == 130, output + error.ToString());
        Assert.DoesNotContain("progress:", output.ToString());
        Assert.Contains("Interrupted:", output.ToString());
        string dir = Assert.Single(Directory.GetDirectories(_out));
        Assert.Empty(CsvText.Rows(File.ReadAllText(Path.Combine(dir, "results.csv"))));
    }

    [Fact]
    public void HelpNamesTheCommandAndItsExitCodes()
    {
        CliHarness.Result r = CliHarness.Run("sweep", "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:\n  seco sweep <sweep> [options]", r.Output.ReplaceLineEndings("\n"));
        foreach (string code in new[] { "0 every point finished bit-exact", "1 bad input", "2 internal error", "130 interrupted" })
            Assert.Contains(code, r.Output.ReplaceLineEndings(" "));
        Assert.Contains("sweep", CliHarness.Run("--help").Output);
    }
}
