using Seco.Scenarios.Sweeps;
using Seco.Scenarios.Tests.Sweeps;

namespace Seco.Scenarios.Tests.Baselines;

/// <summary>
/// Issue 21: a sweep's <c>paper:</c> file of published values — read and checked field by field — and the comparison
/// that sets our number beside each: a value at a split, a ratio of two protocols at a split, or the largest ratio over
/// the splits ("up to 9.9×").
/// </summary>
public sealed class PublishedValuesTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Header = "claim,measure,protocol,versus,model,split,value,source\n";

    [Fact]
    public void Values_and_ratios_are_read_with_comments_skipped()
    {
        IReadOnlyList<PublishedClaim> claims = PublishedClaims.Parse(Header +
            "# a comment\nTime,user.waiting_s,seco,,mlp,1,4.776,\"Table II, row 1\"\nGain,user.participation_s,seco,delphi,,max,9.9,Fig. 4\n", "p.csv");
        Assert.Equal(2, claims.Count);
        Assert.Equal(new PublishedClaim("Time", "user.waiting_s", InferenceProtocol.Seco, null, "mlp", 1, false, 4.776, "Table II, row 1", 3), claims[0]);
        Assert.True(claims[1].IsRatio);
        Assert.True(claims[1].MaxOverSplits);
        Assert.Null(claims[1].Model);
    }

    [Theory]
    [InlineData("X,no.such,seco,,,,1,s", "p.csv:2:1: measure: unknown measure 'no.such'")]
    [InlineData("X,user.waiting_s,secco,,,,1,s", "p.csv:2:1: protocol: unknown protocol 'secco' (seco, delphi")]
    [InlineData("X,user.waiting_s,seco,seco,,,1,s", "p.csv:2:1: versus: a ratio compares two different protocols")]
    [InlineData("X,user.waiting_s,seco,,,max,1,s", "p.csv:2:1: split: 'max' is for a ratio (give versus)")]
    [InlineData("X,user.waiting_s,seco,,,two,1,s", "p.csv:2:1: split: 'two' is not a split")]
    [InlineData("X,user.waiting_s,seco,,,,-1,s", "p.csv:2:1: value: '-1' is not a positive number")]
    [InlineData("X,user.waiting_s,seco,,,1", "p.csv:2:1: 6 fields; a claim has 8")]
    [InlineData(",user.waiting_s,seco,,,,1,s", "p.csv:2:1: claim: empty")]
    public void A_bad_field_is_an_error_at_its_line_and_column(string line, string expected)
    {
        var e = Assert.Throws<ScenarioValidationException>(() => PublishedClaims.Parse(Header + line + "\n", "p.csv"));
        Assert.StartsWith(expected, Assert.Single(e.Errors).ToString());
    }

    [Fact]
    public void A_file_without_the_header_is_refused()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => PublishedClaims.Parse("claim,value\nX,1\n", "p.csv"));
        Assert.Contains("the first line must be the header claim,measure,protocol,versus,model,split,value,source", Assert.Single(e.Errors).Message);
    }

    [Fact]
    public void A_sweep_reports_a_bad_paper_file_with_its_own_line()
    {
        _folder.Write("bad.csv", Header + "X,user.waiting_s,seco,,,,1,s\nY,nope,seco,,,,1,s\n");
        string error = _folder.Error("version: 1\nbase: base.yaml\npaper: bad.csv\ngrid:\n  split: [0, 1]\n");
        Assert.Contains("bad.csv:3:1: measure: unknown measure 'nope'", error);
    }

    [Fact]
    public void The_comparison_computes_values_ratios_and_the_largest_ratio_over_the_splits()
    {
        _folder.Write("paper.csv", Header +
            "Bytes,bytes_sent.total,seco,,,1,1000,T\n" +
            "Gain at 0,bytes_sent.total,seco,delphi,,0,2,T\n" +
            "Up to,bytes_sent.total,seco,delphi,,max,4,T\n");
        Sweep sweep = _folder.Load("version: 1\nbase: base.yaml\npaper: paper.csv\ngrid:\n  split: [0, 1, 2]\n  protocol: [seco, delphi]\n");
        SweepPlan plan = SweepPlan.Build(sweep);
        // SECO sends 600, 500, 400 bytes at splits 0, 1, 2; DELPHI 1200 wherever it stands (split 2's SECO point failed).
        double Bytes(SweepPoint p) => p.Scenario.Protocol == InferenceProtocol.Delphi ? 1200 : 600 - 100 * p.Scenario.Split;
        var rows = plan.Points.Select(p => new SweepRow(p, p.Scenario.Protocol == InferenceProtocol.Seco && p.Scenario.Split == 2 ? PointStatus.NotFinished : PointStatus.Ok,
            true, new Dictionary<string, double> { [SweepMeasures.TotalBytesSent] = Bytes(p) })).ToList();
        IReadOnlyList<ComparisonRow> compared = PaperComparison.Compare(plan, rows, sweep.Published);

        Assert.Equal(3, compared.Count);
        Assert.Equal((1, 1000.0, 500.0), (compared[0].Split!.Value, compared[0].Paper, compared[0].Ours!.Value));
        Assert.Equal(0.5, compared[0].OursOverPaper);
        Assert.Equal((0, 2.0), (compared[1].Split!.Value, compared[1].Ours!.Value));
        // The largest ratio over the splits that both protocols finished: 1200 / 500 at split 1 (split 2's SECO point did not finish).
        Assert.Equal((1, 2.4), (compared[2].Split!.Value, compared[2].Ours!.Value));
        Assert.All(compared, c => Assert.Equal(("lan", "mlp"), (c.Network, c.Model)));

        string path = Path.Combine(_folder.Root, PaperComparison.FileName);
        PaperComparison.Write(path, compared);
        string[] lines = File.ReadAllLines(path);
        Assert.Equal("claim,measure,protocol,versus,network,model,split,paper,ours,ours_over_paper,source", lines[0]);
        Assert.Equal("Up to,bytes_sent.total,seco,delphi,lan,mlp,1,4,2.4,0.6,T", lines[3]);
    }
}
