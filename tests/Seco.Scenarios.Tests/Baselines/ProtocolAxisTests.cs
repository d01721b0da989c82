using Seco.Scenarios.Sweeps;
using Seco.Scenarios.Tests.Sweeps;

namespace Seco.Scenarios.Tests.Baselines;

/// <summary>
/// Issue 21: the sweep axis <c>protocol</c> — SECO beside its baselines in one results.csv — and the rule that DELPHI
/// points beside different SECO splits are one run, measured once and reported for each (<c>measured_at</c>).
/// </summary>
public sealed class ProtocolAxisTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private SweepPlan Plan(string grid) => SweepPlan.Build(_folder.Load($"version: 1\nbase: base.yaml\ngrid:\n{grid}"));

    [Fact]
    public void Each_point_gets_its_axis_protocol_and_a_delphi_point_keeps_its_split_as_a_coordinate()
    {
        SweepPlan plan = Plan("  split: [0, 2]\n  protocol: [seco, delphi]\n");
        Assert.Equal(["split=0, protocol=seco", "split=0, protocol=delphi", "split=2, protocol=seco", "split=2, protocol=delphi"], plan.Points.Select(p => p.Label));
        Assert.Equal([InferenceProtocol.Seco, InferenceProtocol.Delphi, InferenceProtocol.Seco, InferenceProtocol.Delphi], plan.Points.Select(p => p.Scenario.Protocol));
        Assert.Equal([0, 0, 2, 2], plan.Points.Select(p => p.Scenario.Split));
        // Admitted, a DELPHI point runs every block on the gateway (the MLP has 3).
        Assert.Equal([0, 3, 2, 3], plan.Points.Select(p => p.Admitted.Scenario.Split));
        Assert.Contains("protocol", ResultsCsv.Columns(plan));
    }

    [Fact]
    public void An_unknown_protocol_in_the_grid_is_an_error_at_its_value()
    {
        string error = _folder.Error("version: 1\nbase: base.yaml\ngrid:\n  protocol: [seco, delfi]\n");
        Assert.Contains("sweeps/s.yaml:4:20: grid.protocol[1]: unknown protocol 'delfi'", error);
        Assert.Contains("did you mean 'delphi'", error);
    }

    [Fact]
    public void Delphi_points_beside_different_splits_run_once_and_each_row_names_the_point_that_ran()
    {
        SweepPlan plan = Plan("  split: [0, 1, 2]\n  protocol: [seco, delphi]\n");
        var ran = new List<int>();
        SweepResult result = SweepRunner.Run(plan, runPoint: (point, _, _) =>
        {
            ran.Add(point.Number);
            return new SweepRow(point, PointStatus.Ok, true, new Dictionary<string, double>
            {
                [SweepMeasures.MeasuredAt] = point.Number,
                [SweepMeasures.TotalBytesSent] = 1000 * point.Number,
            });
        });
        Assert.Equal([1, 2, 3, 5], ran); // every SECO point, and DELPHI once (point 2)
        Assert.Equal([1, 2, 3, 2, 5, 2], result.Rows.Select(r => (int)r.Value(SweepMeasures.MeasuredAt)!.Value));
        Assert.Equal([1, 2, 3, 4, 5, 6], result.Rows.Select(r => r.Point.Number));
        Assert.Equal(2000, result.Rows[5].Value(SweepMeasures.TotalBytesSent));
        string csv = ResultsCsv.Record(plan, result.Rows[3]);
        Assert.StartsWith("4,1,delphi,ok,true,2,", csv);
    }

    [Fact]
    public void A_delphi_point_that_failed_is_run_again_beside_the_next_split()
    {
        SweepPlan plan = Plan("  split: [0, 1]\n  protocol: [delphi]\n");
        var ran = new List<int>();
        SweepRunner.Run(plan, runPoint: (point, _, _) =>
        {
            ran.Add(point.Number);
            return point.Number == 1 ? throw new InvalidOperationException("broke")
                : new SweepRow(point, PointStatus.Ok, true, new Dictionary<string, double> { [SweepMeasures.MeasuredAt] = point.Number });
        });
        Assert.Equal([1, 2], ran);
    }

    [Fact]
    public void A_bars_chart_over_split_draws_a_group_per_split_and_a_bar_per_protocol()
    {
        SweepPlan plan = SweepPlan.Build(_folder.Load(
            "version: 1\nbase: base.yaml\ngrid:\n  split: [0, 2]\n  protocol: [seco, delphi]\ncharts:\n  - { x: split, y: bytes_sent.total, by: protocol, style: bars }\n  - { x: split, y: bytes_sent.total, by: protocol }\n"));
        var rows = plan.Points.Select(p => new SweepRow(p, PointStatus.Ok, true, new Dictionary<string, double> { [SweepMeasures.TotalBytesSent] = 1000 * p.Number })).ToList();
        string bars = SweepCharts.Render(plan, rows, 0), lines = SweepCharts.Render(plan, rows, 1);
        Assert.DoesNotContain("<polyline", bars);
        Assert.Contains("data-series=\"delphi\"", bars);
        Assert.Contains("<polyline", lines);
    }

    [Fact]
    public void An_unknown_chart_style_is_an_error_at_it()
    {
        string error = _folder.Error("version: 1\nbase: base.yaml\ngrid:\n  split: [0, 2]\ncharts:\n  - { x: split, y: bytes_sent.total, style: bar }\n");
        Assert.Contains("charts[0].style: unknown style 'bar' (did you mean 'bars'?)", error);
    }
}
