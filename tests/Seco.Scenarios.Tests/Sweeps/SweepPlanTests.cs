using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>Every point is admitted as `seco run` would before any runs; an invalid point is named, at the value that made it.</summary>
public sealed class SweepPlanTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void EveryPointIsBuiltAndAdmittedInGridOrder()
    {
        SweepPlan plan = SweepPlan.Build(_folder.Load("version: 1\nbase: base.yaml\ngrid:\n  model: [MODELS/mlp.onnx, MODELS/minionn.onnx]\n  split: [0, 2]\n"));
        Assert.Equal([1, 2, 3, 4], plan.Points.Select(p => p.Number));
        Assert.Equal(["model=mlp, split=0", "model=mlp, split=2", "model=minionn, split=0", "model=minionn, split=2"], plan.Points.Select(p => p.Label));
        Assert.All(plan.Points, p => Assert.NotNull(p.Admitted.Prepared));
        Assert.Equal("minionn", plan.Points[2].Admitted.Prepared!.Model.Name);
        Assert.Equal(2, plan.Points[3].Scenario.Split);
        Assert.Equal(["user", "A", "B", "C"], plan.Parties);
        // Default chart: series over the other axis that varies.
        ChartPlan chart = Assert.Single(plan.Charts);
        Assert.Equal(AxisKind.Model, chart.Spec.X);
        Assert.Equal([AxisKind.Split], chart.SeriesAxes);
    }

    [Fact]
    public void TheCoresAxisGivesEveryServerItsCoresAndLeavesTheUserAlone()
    {
        // Issue 22: speed-up per phase for 1, 2 and 8 cores is one sweep.
        SweepPlan plan = SweepPlan.Build(_folder.Load("version: 1\nbase: base.yaml\ngrid:\n  cores: [1, 2, 8]\n"));
        Assert.Equal(["cores=1", "cores=2", "cores=8"], plan.Points.Select(p => p.Label));
        int[] expected = [1, 2, 8];
        for (int i = 0; i < 3; i++)
        {
            Scenario s = plan.Points[i].Scenario;
            Assert.All(new[] { "A", "B", "C" }, server => Assert.Equal(expected[i], s.SettingsOf(server).Cores));
            Assert.Equal(1, s.SettingsOf("user").Cores);
        }
        Assert.Equal("sweeps/s.yaml:4:10: grid.cores: out of range: got 0, must be between 1 and 256",
            _folder.Error("version: 1\nbase: base.yaml\ngrid:\n  cores: 0\n"));
    }

    [Fact]
    public void SplitAllRunsEveryValidSplitOfTheRealModel()
    {
        SweepPlan plan = SweepPlan.Build(_folder.Load("version: 1\nbase: base.yaml\ngrid:\n  split: all\n"));
        Assert.Equal(["split=0", "split=1", "split=2", "split=3"], plan.Points.Select(p => p.Label)); // the MLP has 3 blocks
    }

    [Fact]
    public void APointTheProtocolCannotRunStopsTheSweepWithItsNumberValuesAndTheScenariosMessage()
    {
        // The MLP at split 1 leaves two blocks: three tiers cannot each hold one.
        IReadOnlyList<string> errors = _folder.PlanErrors("version: 1\nbase: base.yaml\ngrid:\n  tiers: [1, 3]\n");
        Assert.Equal(["sweeps/s.yaml:4:14: grid.tiers[1]: point 2 (tiers=3): hierarchy.tiers: 3 remote tiers need at least 3 blocks, but split 1 leaves 2 of the model's 3"], errors);
    }

    [Fact]
    public void ASplitPastTheModelIsReportedAtItsValue()
    {
        string error = Assert.Single(_folder.PlanErrors("version: 1\nbase: base.yaml\ngrid:\n  split: [1, 9]\n"));
        Assert.StartsWith("sweeps/s.yaml:4:14: grid.split[1]: point 2 (split=9): split: split 9 is past the model's last block;", error);
    }

    [Fact]
    public void AProblemThePointKeptFromTheBaseIsReportedAtTheBaseFileNamingThePoint()
    {
        string path = _folder.Write("weak.yaml", File.ReadAllText(Path.Combine(_folder.Root, "base.yaml")) + "crypto: { preset: test-4096 }\n");
        IReadOnlyList<string> errors = _folder.PlanErrors("version: 1\nbase: weak.yaml\ngrid:\n  split: [0, 1]\n");
        Assert.Equal(2, errors.Count);
        Assert.StartsWith($"{path}:13:9: crypto: point 1 (split=0) of sweeps/s.yaml: the secure protocol needs crypto preset 'seco-8192'", errors[0]);
        Assert.StartsWith($"{path}:13:9: crypto: point 2 (split=1) of sweeps/s.yaml:", errors[1]);
    }

    [Fact]
    public void AChartWhoseSeriesLeaveAnAxisOutOrThatNamesAnAbsentPartyIsRefused()
    {
        IReadOnlyList<string> errors = _folder.PlanErrors("""
            version: 1
            base: base.yaml
            grid:
              split: [0, 1]
              network: [lan, wan]
              queries: [1, 2]
            charts:
              - { x: split, y: [T1S1.bytes_sent], by: network }
            """);
        Assert.Equal(
        [
            "sweeps/s.yaml:8:21: charts[0].y[0]: 'T1S1.bytes_sent': no point has a party 'T1S1' (parties: user, A, B, C)",
            "sweeps/s.yaml:8:43: charts[0].by: queries also varies: add it to by, or leave by out (series are then every combination of the other axes that vary)",
        ], errors);
    }
}
