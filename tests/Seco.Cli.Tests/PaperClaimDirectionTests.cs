using Xunit;
using System.Globalization;
using Seco.Tests.Shared;

namespace Seco.Cli.Tests;

/// <summary>
/// Issue 21's CI check: the paper's experiments reduced to a three-block residual model over the three splits that
/// leave a block remote, every protocol, through `seco sweep` — every row bit-exact, and each claim's direction holds
/// at every split: SECO's user participates less online, and sends and receives less online and in preprocessing, than
/// DELPHI's (paper §VIII-C-1); the servers' online traffic and the gateway's online load are below DELPHI-3's (Fig. 6).
/// The full experiments and their ratios are in docs/paper-reproduction.md.
/// </summary>
public sealed class PaperClaimDirectionTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("seco-paper-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Seco_beats_delphi_for_the_user_at_every_split_with_a_block_remote()
    {
        CliHarness.Result r = CliHarness.Run("sweep", TestHost.DataFile("sweeps", "paper-reduced.yaml"), "--out", _out, "--quiet");
        Assert.True(r.ExitCode == 0, r.Output + r.Error);
        string dir = Assert.Single(Directory.GetDirectories(_out));
        Assert.Equal(["chart1-split.svg", "comparison.csv", "paper-reduced.yaml", "paper.csv", "results.csv"],
            Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        List<Dictionary<string, string>> rows = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "results.csv")));
        Assert.Equal(9, rows.Count);
        Assert.All(rows, x => Assert.Equal(("ok", "true", "2"), (x["status"], x["bit_exact"], x["queries_bit_exact"])));
        double V(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);
        Dictionary<string, string> At(string split, string protocol) => rows.Single(x => x["split"] == split && x["protocol"] == protocol);
        foreach (string split in new[] { "0", "1", "2" })
        {
            Dictionary<string, string> seco = At(split, "seco"), delphi = At(split, "delphi");
            // Bytes are exact; the user's participation time is checked below with compute left out: measured compute of a
            // three-block model on a CI machine running other test processes is noise (it flipped this check once).
            foreach (string measure in new[] { "user.online_bytes", "user.prep_bytes" })
                Assert.True(V(seco, measure) < V(delphi, measure), $"split {split}: {measure} SECO {seco[measure]} ≥ DELPHI {delphi[measure]}");
            // Against DELPHI-3 (paper Fig. 6): only B and C are online for F_BC in SECO, so the servers send each other
            // less online, and A sends less online (the transition only), than when A evaluates F_BC's circuits.
            Dictionary<string, string> delphi3 = At(split, "delphi-3");
            foreach (string measure in new[] { "online.inter_server_bytes", "A.online_bytes" })
                Assert.True(V(seco, measure) < V(delphi3, measure), $"split {split}: {measure} SECO {seco[measure]} ≥ DELPHI-3 {delphi3[measure]}");
            // DELPHI runs every block between the user and A: the servers are idle and its point beside split 0 ran once.
            Assert.Equal(0, V(delphi, "B.bytes_sent") + V(delphi, "C.bytes_sent"));
            Assert.Equal(At("0", "delphi")["point"], delphi["measured_at"]);
        }

        List<Dictionary<string, string>> compared = CsvText.Rows(File.ReadAllText(Path.Combine(dir, "comparison.csv")));
        Assert.Equal(2, compared.Count);
        Assert.All(compared, c => Assert.True(double.Parse(c["ours"], CultureInfo.InvariantCulture) > 1, $"{c["claim"]}: ours {c["ours"]}"));
    }

    /// <summary>
    /// The participation claim with compute charged only where a handler charges it (<c>ComputeTiming.ChargedOnly</c>,
    /// bit-for-bit repeatable): the user's time with a message on the wire online, SECO below DELPHI at every split.
    /// The ResNet-32 sweeps measure it with compute (docs/paper-reproduction.md).
    /// </summary>
    [Fact]
    public void Secos_user_is_on_the_wire_online_for_less_time_than_delphis_at_every_split()
    {
        var plan = Seco.Scenarios.Sweeps.SweepPlan.Build(Seco.Scenarios.Sweeps.SweepLoader.LoadFile(TestHost.DataFile("sweeps", "paper-reduced.yaml")));
        double Participation(Seco.Scenarios.Sweeps.SweepPoint point)
        {
            var run = Seco.Scenarios.Secure.SecureRun.Run(point.Admitted.Prepared!, timing: Seco.Actors.Runtime.ComputeTiming.ChargedOnly);
            Assert.True(run.AllBitExact);
            return Seco.Scenarios.Sweeps.PointMeasurement.Of(point.Scenario, run, 0)["user.participation_s"];
        }
        var points = plan.Points.Where(p => p.Scenario.Protocol != Seco.Scenarios.InferenceProtocol.Delphi3).ToList();
        double delphi = Participation(points.First(p => p.Scenario.Protocol == Seco.Scenarios.InferenceProtocol.Delphi));
        foreach (var seco in points.Where(p => p.Scenario.Protocol == Seco.Scenarios.InferenceProtocol.Seco))
        {
            double ours = Participation(seco);
            Assert.True(ours > 0 && ours < delphi, $"split {seco.Scenario.Split}: the user's participation SECO {ours} s ≥ DELPHI {delphi} s");
        }
    }
}
