using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>The grid is the cartesian product of the axes in file order, the first outermost; split: all is per model.</summary>
public sealed class SweepGridTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>A stand-in for the models' block counts: the MLP's last split is 1 here, MiniONN's 2.</summary>
    private static int MaxSplit(string model) => model.EndsWith("mlp.onnx", StringComparison.Ordinal) ? 1 : 2;

    private IReadOnlyList<string> Points(string grid)
    {
        Sweep sweep = _folder.Load($"version: 1\nbase: base.yaml\ngrid:\n{grid}\n");
        return [.. SweepGrid.Expand(sweep, MaxSplit).Select(p => SweepPoint.LabelOf(sweep.Axes, p))];
    }

    [Fact]
    public void TheFirstAxisVariesSlowest()
    {
        Assert.Equal(
        [
            "queries=1, split=0, network=lan", "queries=1, split=0, network=wan",
            "queries=1, split=2, network=lan", "queries=1, split=2, network=wan",
            "queries=3, split=0, network=lan", "queries=3, split=0, network=wan",
            "queries=3, split=2, network=lan", "queries=3, split=2, network=wan",
        ], Points("  queries: [1, 3]\n  split: [0, 2]\n  network: [lan, wan]"));
    }

    [Fact]
    public void SplitAllGivesEachModelItsOwnSplitPoints()
    {
        Assert.Equal(["model=mlp, split=0", "model=mlp, split=1", "model=minionn, split=0", "model=minionn, split=1", "model=minionn, split=2"],
            Points("  model: [MODELS/mlp.onnx, MODELS/minionn.onnx]\n  split: all"));
        // With split first, a split past one model's last block leaves that model out of it, not the whole split.
        Assert.Equal(["split=0, model=mlp", "split=0, model=minionn", "split=1, model=mlp", "split=1, model=minionn", "split=2, model=minionn"],
            Points("  split: all\n  model: [MODELS/mlp.onnx, MODELS/minionn.onnx]"));
        // Without a model axis, the base scenario's model (the MLP) decides.
        Assert.Equal(["split=0", "split=1"], Points("  split: all"));
    }

    [Fact]
    public void AGridPastTheLimitIsRefusedBeforeAnyPointIsBuilt()
    {
        string values = string.Join(", ", Enumerable.Range(1, 40));
        string error = Assert.Single(_folder.PlanErrors($"version: 1\nbase: base.yaml\ngrid:\n  queries: [{values}]\n  split: [{values}]\n"));
        Assert.Equal("sweeps/s.yaml:4:3: grid: the grid spans 1,600 points; a sweep is limited to 1,000 (split it into several sweeps)", error);
    }
}
