using System.Text.Json;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>The acceptance run: the shipped 3-tier echo scenario through `seco run`, its table, report and trace.</summary>
public sealed class EchoCommandTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-echo-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void TheThreeTierEchoScenarioPrintsACostTableAndWritesAValidChromeTrace()
    {
        string scenario = Path.Combine(TestHost.Root, "scenarios", "echo-3tier.yaml");
        CliHarness.Result r = CliHarness.Run("run", scenario, "--out", _out);

        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        Assert.Contains("Costs per party and phase", r.Output);
        foreach (string party in new[] { "user", "A", "B", "C", "D", "E" })
            Assert.Matches($@"│ {party} +│ echo +│ +[0-9.]+ │", r.Output);
        Assert.Contains("All 3 queries completed.", r.Output);

        string dir = Assert.Single(Directory.GetDirectories(_out));
        Assert.StartsWith("echo-3tier-", Path.GetFileName(dir));

        using JsonDocument trace = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "trace.json")));
        JsonElement events = trace.RootElement.GetProperty("traceEvents");
        var processes = events.EnumerateArray()
            .Where(e => e.GetProperty("ph").GetString() == "M" && e.GetProperty("name").GetString() == "process_name")
            .Select(e => e.GetProperty("args").GetProperty("name").GetString()).ToList();
        Assert.Equal(["user", "A", "B", "C", "D", "E"], processes);
        var complete = events.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "X").ToList();
        Assert.All(complete, e => Assert.True(e.GetProperty("dur").GetDouble() >= 0 && e.GetProperty("ts").GetDouble() >= 0));
        Assert.Equal(60, complete.Count(e => e.GetProperty("cat").GetString() == "message"));
        Assert.Equal(3, complete.Count(e => e.GetProperty("cat").GetString() == "query"));
        var starts = events.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "s").Select(e => e.GetProperty("id").GetInt64()).Order().ToList();
        var ends = events.EnumerateArray().Where(e => e.GetProperty("ph").GetString() == "f").Select(e => e.GetProperty("id").GetInt64()).Order().ToList();
        Assert.Equal(60, starts.Count);
        Assert.Equal(starts, ends);

        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        Assert.Equal(6, report.RootElement.GetProperty("parties").GetArrayLength());
        Assert.Equal(3, report.RootElement.GetProperty("queries").GetArrayLength());
        Assert.All(report.RootElement.GetProperty("queries").EnumerateArray(),
            q => Assert.True(q.GetProperty("participation_seconds").GetDouble() < q.GetProperty("waiting_seconds").GetDouble()));
    }
}
