using System.Text.Json;
using System.Text.RegularExpressions;
using Seco.Cli.Output;
using Seco.Tests.Shared;
using Spectre.Console;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 16, items 7, 9 and 10, run as the real command in its own process: at 80 columns (COLUMNS, output
/// redirected) no line is wider and nothing is cut; progress is one line per step with a final line; Ctrl-C
/// (SIGINT) writes a partial report; echo and secure runs close with the same lines.
/// </summary>
public sealed class NarrowTerminalTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-narrow-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static readonly Dictionary<string, string> Columns80 = new() { ["COLUMNS"] = "80" };

    private static void FitsIn80(CliProcess.Result r)
    {
        Assert.All(r.OutputLines, line => Assert.True(line.Length <= 80, $"{line.Length} columns: {line}"));
        Assert.DoesNotContain("…", r.Output); // Spectre cuts cells with an ellipsis when they do not fit
    }

    [Fact]
    public void ModelsInspectFitsIn80Columns()
    {
        CliProcess.Result r = CliProcess.Run(["models", "inspect", Path.Combine(TestHost.Root, "models", "lenet.onnx")], Columns80);
        Assert.Equal(0, r.ExitCode);
        FitsIn80(r);
        Assert.Matches(@"│ +1 │ +1 │ Conv2d", r.Output);
        Assert.Contains("left out:", r.Output);
    }

    [Fact]
    public void AnEchoRunFitsIn80ColumnsAndClosesLikeASecureRun()
    {
        CliProcess.Result r = CliProcess.Run(["run", Path.Combine(TestHost.Root, "scenarios", "echo-3tier.yaml"), "--out", _out], Columns80);
        Assert.Equal(0, r.ExitCode);
        FitsIn80(r);
        Assert.Matches(@"│ user +│ echo +│ +[0-9.]+ │", r.Output);
        Assert.Contains("Links used", r.Output);
        Assert.Matches(@"Virtual time [0-9.]+ s, [0-9,]+ events; wall time [0-9.]+ s\.", r.Output);
        string joined = Regex.Replace(r.Output, @"\s+", " "); // the path may wrap at 80 columns
        Assert.Matches(@"Wrote .*echo-3tier-[0-9-]+/: report\.json, trace\.json \(open it in https://ui\.perfetto\.dev\), costs\.svg, timeline\.svg\.", joined);
        Assert.Contains("3 queries × 2 rounds", r.Output);
    }

    [Fact]
    public void CtrlCWritesAPartialReportOfWhatFinished()
    {
        bool sent = false;
        CliProcess.Result r = CliProcess.Run(["run", Path.Combine(TestHost.Root, "scenarios", "default.yaml"), "--out", _out], Columns80,
            TimeSpan.FromMinutes(4), (process, line) =>
            {
                if (!sent && line.StartsWith("progress: q0 finished"))
                {
                    sent = true;
                    CliProcess.Interrupt(process);
                }
            });

        Assert.True(sent, r.Output + r.Error);
        Assert.Equal(ExitCodes.Interrupted, r.ExitCode);
        FitsIn80(r);
        Assert.Contains("progress: interrupted: ", r.Output);  // the progress display's last line
        Assert.Contains("Interrupted: wrote a partial report", r.Output);
        Assert.Contains("q2 did not finish: interrupted", r.Output);
        Assert.Matches(@"│ +0 │ image #0 +│ +9 │ +9 │ +9 │ bit-exact", r.Output);
        Assert.Contains("Links used", r.Output);

        string dir = Assert.Single(Directory.GetDirectories(_out));
        using JsonDocument report = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "report.json")));
        JsonElement root = report.RootElement;
        Assert.True(root.GetProperty("interrupted").GetBoolean());
        JsonElement[] queries = [.. root.GetProperty("queries").EnumerateArray()];
        Assert.Equal("bit-exact", queries[0].GetProperty("status").GetString());
        Assert.Equal("interrupted", queries[2].GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, queries[2].GetProperty("bit_exact").ValueKind);
        foreach (string file in new[] { "trace.json", "costs.svg", "timeline.svg" })
            Assert.True(File.Exists(Path.Combine(dir, file)), file);
    }

    [Fact]
    public void FittedTableDropsTheLeastImportantColumnsFirstAndNeverCutsANumber()
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 45;
        new FittedTable("t", "elsewhere").Text("name").Number("first value").Number("second", 2).Number("third", 1)
            .Row("alpha", "123456789.123", "987654321", "555555555").Write(console);
        string text = writer.ToString();
        Assert.Contains("123456789.123", text);
        Assert.DoesNotContain("555555555", text);    // drop order 1 went first
        Assert.Contains("987654321", text);          // and that was enough
        Assert.Contains("left out: third; elsewhere", Regex.Replace(text, @"\s+", " "));
        Assert.All(text.Split('\n'), l => Assert.True(l.TrimEnd('\r').Length <= 45, l));
    }
}
