using System.Text.Json;
using System.Xml.Linq;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// The acceptance run of issue [6/6]: `seco run` on the default scenario (MiniONN, split 1, LAN, 3 Fashion-MNIST
/// queries) runs the SECO protocol in the simulator, every prediction is bit-exact against the plaintext reference,
/// and the report, trace and both charts are written and well-formed.
/// </summary>
public sealed class SecureRunCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-run-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void TheDefaultScenarioIsBitExactAndWritesReportTraceAndCharts()
    {
        CliHarness.Result r = CliHarness.Run("run", Path.Combine(TestHost.Root, "scenarios", "default.yaml"), "--out", _out);

        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        Assert.Contains("Bit-exact: 3/3 finished.", r.Output);
        Assert.Matches(@"│ +0 │ image #0 +│ +9 │ +9 │ +9 │ bit-exact +│ yes +│", r.Output);
        Assert.Contains("Links used", r.Output);
        Assert.EndsWith("All 3 queries finished bit-exact.", r.Output.TrimEnd());
        foreach (string party in new[] { "user", "A", "B", "C" })
            Assert.Matches($@"│ {party} +│ online +│ +[0-9.]+ │", r.Output);
        Assert.Matches(@"│ B +│ fbc-prep +│", r.Output);
        Assert.DoesNotMatch(@"│ user +│ fbc-prep +│ +[0-9.]+ │ +[1-9]", r.Output); // the user sends nothing for F_BC
        Assert.Contains("Offline vs online per party", r.Output);
        Assert.Matches(@"│ q2 +│ user +│ +[0-9.]+ │ +[0-9.]+ │ +[0-9.]+ │", r.Output);

        string dir = Assert.Single(Directory.GetDirectories(_out));
        Assert.StartsWith("default-", Path.GetFileName(dir));
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        JsonElement root = report.RootElement;
        Assert.True(root.GetProperty("all_bit_exact").GetBoolean());
        Assert.False(root.GetProperty("interrupted").GetBoolean());
        Assert.Equal(3, root.GetProperty("finished").GetInt32());
        Assert.Equal(1, root.GetProperty("split").GetInt32());
        Assert.Equal(3, root.GetProperty("queries").GetArrayLength());
        foreach (JsonElement q in root.GetProperty("queries").EnumerateArray())
        {
            Assert.True(q.GetProperty("bit_exact").GetBoolean());
            Assert.Equal("bit-exact", q.GetProperty("status").GetString());
            Assert.True(q.GetProperty("online_inter_server_bytes").GetInt64() > 0);
            Assert.Equal(q.GetProperty("reference_logits").GetRawText(), q.GetProperty("logits").GetRawText());
            Assert.Equal(10, q.GetProperty("logits").GetArrayLength());
        }
        JsonElement sim = root.GetProperty("simulation");
        Assert.Equal(["user", "A", "B", "C"], sim.GetProperty("parties").EnumerateArray().Select(p => p.GetProperty("party").GetString()));
        Assert.Equal(6, sim.GetProperty("queries").GetArrayLength()); // q{i}-prep and q{i} for each query
        Assert.Equal(0, sim.GetProperty("failure_count").GetInt32());
        Assert.True(root.GetProperty("online_inter_server_bytes").GetInt64() > 0);
        // issue 20: the process's peak resident memory, an upper bound for every party in the simulator
        Assert.InRange(root.GetProperty("memory").GetProperty("process_peak_resident_bytes").GetInt64(), 50L << 20, 64L << 30);
        Assert.Matches(@"Peak memory: [0-9.]+ [KMG]B resident in this process, every party together", r.Output);

        using (JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "trace.json")))) { }
        XNamespace svg = "http://www.w3.org/2000/svg";
        foreach (string chart in new[] { "costs.svg", "timeline.svg" })
        {
            XDocument doc = XDocument.Parse(File.ReadAllText(Path.Combine(dir, chart)));
            Assert.Equal(svg + "svg", doc.Root!.Name);
            Assert.True(doc.Descendants(svg + "rect").Count() > 4, chart);
        }
        string costs = File.ReadAllText(Path.Combine(dir, "costs.svg"));
        foreach (string phase in new[] { "setup", "fbc-prep", "user-prep", "online", "output" })
            Assert.Contains(phase, costs);
        // Issue 16, item 10: a readable subtitle, a log axis (the user's kilobytes beside the servers' megabytes),
        // and the legend in protocol order, as the tables list the phases.
        Assert.Contains("compute: measured wall time of each handler", costs);
        Assert.DoesNotContain("compute Measured", costs);
        Assert.Contains("(log scale)", costs);
        int[] legend = [.. new[] { "setup", "fbc-prep", "user-prep", "online", "output" }.Select(p => costs.IndexOf($">{p}<", StringComparison.Ordinal))];
        Assert.All(legend, i => Assert.True(i >= 0));
        Assert.Equal(legend.Order(), legend);
        // The timeline has a band per query, named by its tooltip. Whether the name is also printed on the band
        // depends on its measured width (a name that would overprint the next band is left to the tooltip), so
        // with measured compute only the first query's name is certain: nothing precedes it in its row.
        XDocument timeline = XDocument.Parse(File.ReadAllText(Path.Combine(dir, "timeline.svg")));
        var bands = timeline.Descendants(svg + "rect").Select(r => (string?)r.Attribute("data-query")).OfType<string>().ToList();
        foreach (string q in new[] { "q0", "q1", "q2" })
            Assert.Contains(bands, b => b.StartsWith(q, StringComparison.Ordinal));
        var labels = timeline.Descendants(svg + "text").Where(t => (string?)t.Attribute("class") == "query-label").Select(t => t.Value).ToList();
        Assert.Contains(labels, l => l.StartsWith("q0", StringComparison.Ordinal));
    }
}
