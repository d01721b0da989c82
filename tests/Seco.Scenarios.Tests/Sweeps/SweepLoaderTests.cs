using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>Sweep files are read like scenario files: every error at its file:line:column, unknown keys refused, a version.</summary>
public sealed class SweepLoaderTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Valid = """
        version: 1
        name: depth
        description: a test sweep
        base: ../base.yaml
        grid:
          model: [MODELS/mlp.onnx, MODELS/minionn.onnx]
          split: [0, 2]
          servers_per_tier: [2, [2, 3]]
          network: [lan, [wan, lan]]
          queries: 1
        charts:
          - { x: split, y: [bytes_sent.total, B.bytes_sent], by: [model, network], scale: log, title: bytes }
        """;

    private const string Minimal = """
        version: 1
        base: ../base.yaml
        grid:
          split: [0, 2]
        """;

    [Fact]
    public void AValidSweepKeepsItsAxesInFileOrderWithTheirValues()
    {
        Sweep s = _folder.Load(Valid.Replace("../base.yaml", "base.yaml"));
        Assert.Equal("depth", s.Name);
        Assert.Equal("a test sweep", s.Description);
        Assert.Equal("base", s.Base.Name);
        Assert.Equal(Path.Combine(_folder.Root, "base.yaml"), s.BasePath);
        Assert.Equal([AxisKind.Model, AxisKind.Split, AxisKind.ServersPerTier, AxisKind.Network, AxisKind.Queries], s.Axes.Select(a => a.Kind));
        Assert.Equal(["mlp", "minionn"], s.Axes[0].Values.Select(v => v.Label));
        Assert.Equal(Path.Combine(SweepFolder.Models, "minionn.onnx"), ((ModelValue)s.Axes[0].Values[1]).Path);
        Assert.Equal(["0", "2"], s.Axes[1].Values.Select(v => v.Label));
        Assert.IsType<CountValue>(s.Axes[2].Values[0]);
        Assert.Equal([2, 3], ((WidthsValue)s.Axes[2].Values[1]).Widths.ToArray());
        var perTier = (NetworkValue)s.Axes[3].Values[1];
        Assert.True(perTier.PerTier);
        Assert.Equal(["wan", "lan"], perTier.Profiles.Select(p => p.Name));
        Assert.False(((NetworkValue)s.Axes[3].Values[0]).PerTier);
        Assert.Equal(["1"], s.Axes[4].Values.Select(v => v.Label));
        SweepChartSpec chart = Assert.Single(s.Charts);
        Assert.Equal(AxisKind.Split, chart.X);
        Assert.Equal(["bytes_sent.total", "B.bytes_sent"], chart.Y);
        Assert.Equal([AxisKind.Model, AxisKind.Network], chart.By!);
        Assert.Equal(ChartScale.Log, chart.Scale);
        Assert.Equal("bytes", chart.Title);
    }

    [Fact]
    public void BaseIsRelativeToTheSweepFileAndTheNameDefaultsToTheFileName()
    {
        string path = _folder.Write("mini.yaml", Minimal.Replace("../base.yaml", "base.yaml"));
        Sweep s = SweepLoader.LoadFile(path);
        Assert.Equal("mini", s.Name);
        Assert.Equal(Path.Combine(_folder.Root, "base.yaml"), s.BasePath);
    }

    [Fact]
    public void WithoutChartsTheDefaultIsTotalBytesAndTheUsersWaitingAgainstTheFirstAxisThatVaries()
    {
        Sweep s = _folder.Load(Minimal.Replace("../base.yaml", "base.yaml").Replace("  split: [0, 2]", "  queries: 1\n  split: [0, 2]"));
        SweepChartSpec chart = Assert.Single(s.Charts);
        Assert.Equal(AxisKind.Split, chart.X);
        Assert.Equal([SweepMeasures.TotalBytesSent, SweepMeasures.UserWaiting], chart.Y);
        Assert.Empty(_folder.Load(Minimal.Replace("../base.yaml", "base.yaml") + "\ncharts: []").Charts);
    }

    [Theory]
    [InlineData("grid:\n  split: 0\ngird: 1", "sweeps/s.yaml:5:1: gird: unknown key (did you mean 'grid'?)")]
    [InlineData("grid:\n  spilt: [0, 2]", "sweeps/s.yaml:4:3: grid.spilt: unknown key (did you mean 'split'?)")]
    [InlineData("grid:\n  split: [0, -1]", "sweeps/s.yaml:4:14: grid.split[1]: out of range: got -1, must be >= 0")]
    [InlineData("grid:\n  split: [0, \"2\"]", "sweeps/s.yaml:4:14: grid.split[1]: expected an integer, got a quoted string \"2\" (remove the quotes)")]
    [InlineData("grid:\n  split: [0, all]", "sweeps/s.yaml:4:14: grid.split[1]: 'all' stands alone: write 'split: all' for every split point, or list the split points")]
    [InlineData("grid:\n  tiers: all", "sweeps/s.yaml:4:10: grid.tiers: 'all' is only for split (every valid split point of each model)")]
    [InlineData("grid:\n  tiers: [1, 33]", "sweeps/s.yaml:4:14: grid.tiers[1]: out of range: got 33, must be between 1 and 32")]
    [InlineData("grid:\n  servers_per_tier: [2, [2, 1]]", "sweeps/s.yaml:4:29: grid.servers_per_tier[1][1]: out of range: got 1, must be between 2 and 32")]
    [InlineData("grid:\n  network: [lan, lann]", "sweeps/s.yaml:4:18: grid.network[1]: unknown profile 'lann' (did you mean 'lan'?)")]
    [InlineData("grid:\n  split: []", "sweeps/s.yaml:4:10: grid.split: an axis needs at least one value")]
    [InlineData("grid:\n  split: [1, 2, 1]", "sweeps/s.yaml:4:17: grid.split[2]: value '1' repeated (first given at 4:11)")]
    [InlineData("grid: {}", "sweeps/s.yaml:3:7: grid: a grid needs at least one axis (model, split, tiers, servers_per_tier, network, queries, protocol, users, rate_per_s, schedule, pool, cores)")]
    [InlineData("grid:\n  model: [MODELS/none.onnx]", "grid.model[0]: file not found:")]
    [InlineData("grid:\n  queries: [0]", "sweeps/s.yaml:4:13: grid.queries[0]: out of range: got 0, must be between 1 and 100000")]
    public void ABadAxisIsOneErrorAtItsValue(string grid, string expected)
    {
        string yaml = $"version: 1\nbase: ../base.yaml\n{grid}\n".Replace("../base.yaml", "base.yaml");
        Assert.Contains(expected, _folder.Error(yaml));
    }

    [Fact]
    public void TwoModelsWithTheSameFileNameAreRefusedBecauseResultsNameModelsByIt()
    {
        string other = Directory.CreateDirectory(Path.Combine(_folder.Root, "other")).FullName;
        File.Copy(Path.Combine(SweepFolder.Models, "mlp.onnx"), Path.Combine(other, "mlp.onnx"));
        string line = SweepFolder.Expand("  model: [MODELS/mlp.onnx, other/mlp.onnx]");
        string error = _folder.Error($"version: 1\nbase: base.yaml\ngrid:\n{line}\n");
        Assert.StartsWith($"sweeps/s.yaml:4:{line.IndexOf("other", StringComparison.Ordinal) + 1}: grid.model[1]: two models named 'mlp' (the other at 4:11)", error);
    }

    [Fact]
    public void VersionIsRequiredAndAnotherVersionIsTheOnlyError()
    {
        Assert.Equal("sweeps/s.yaml:1:1: version: required key is missing", _folder.Error("base: base.yaml\ngrid:\n  split: 0\n"));
        Assert.Equal("sweeps/s.yaml:1:10: version: unsupported version 2 (this build reads version 1)",
            _folder.Error("version: 2\nbase: nowhere.yaml\nwhatever: 3\n"));
    }

    [Fact]
    public void MissingKeysAreReportedTogether()
    {
        IReadOnlyList<string> errors = _folder.Errors("version: 1\nnmae: x\n");
        Assert.Equal(
        [
            "sweeps/s.yaml:1:1: base: required key is missing",
            "sweeps/s.yaml:1:1: grid: required key is missing",
            "sweeps/s.yaml:2:1: nmae: unknown key (did you mean 'name'?)",
        ], errors);
    }

    [Fact]
    public void TheBaseScenariosOwnErrorsKeepItsFileAndPositions()
    {
        _folder.Write("broken.yaml", "version: 1\nmodel: MODELS/mlp.onnx\nsplit: -1\nhierarchy:\n  tiers:\n    - name: r\n      servers: [B, C]\n");
        string error = _folder.Error("version: 1\nbase: broken.yaml\ngrid:\n  split: 0\n");
        Assert.EndsWith("broken.yaml:3:8: split: out of range: got -1, must be >= 0", error);
        Assert.Contains("base: file not found:", _folder.Error("version: 1\nbase: none.yaml\ngrid:\n  split: 0\n"));
    }

    [Fact]
    public void AnEchoBaseIsRefused()
    {
        _folder.Write("echo.yaml", "version: 1\nname: e\nworkload: echo\nhierarchy:\n  tiers:\n    - name: r\n      servers: [B, C]\n");
        Assert.Equal("sweeps/s.yaml:2:7: base: a sweep runs secure inference; 'e' is an echo scenario",
            _folder.Error("version: 1\nbase: echo.yaml\ngrid:\n  split: 0\n"));
    }

    [Theory]
    [InlineData("  - { x: tiers, y: bytes_sent.total }", "sweeps/s.yaml:6:10: charts[0].x: 'tiers' is not an axis of this sweep's grid (grid axes: split)")]
    [InlineData("  - { x: splt, y: bytes_sent.total }", "sweeps/s.yaml:6:10: charts[0].x: unknown axis 'splt' (did you mean 'split'?)")]
    [InlineData("  - { x: split, y: [bytes_sent.totl] }", "sweeps/s.yaml:6:21: charts[0].y[0]: unknown measure 'bytes_sent.totl' (did you mean 'bytes_sent.total'?)")]
    [InlineData("  - { x: split, y: [B.bytes_snt] }", "charts[0].y[0]: unknown measure 'B.bytes_snt'")]
    [InlineData("  - { x: split, y: [] }", "sweeps/s.yaml:6:20: charts[0].y: needs at least one entry")]
    [InlineData("  - { x: split, y: rounds.online, by: split }", "sweeps/s.yaml:6:39: charts[0].by: 'split' is the chart's x axis; series are made of the other axes")]
    [InlineData("  - { x: split, y: rounds.online, scale: logarithmic }", "sweeps/s.yaml:6:42: charts[0].scale: unknown scale 'logarithmic'")]
    [InlineData("  - { y: rounds.online }", "sweeps/s.yaml:6:5: charts[0].x: required key is missing")]
    [InlineData("  - { x: split, y: rounds.online, colour: red }", "sweeps/s.yaml:6:35: charts[0].colour: unknown key")]
    public void ABadChartIsAnErrorAtItsField(string chart, string expected)
    {
        string yaml = $"version: 1\nbase: base.yaml\ngrid:\n  split: [0, 2]\ncharts:\n{chart}\n";
        Assert.Contains(expected, Assert.Single(_folder.Errors(yaml)));
    }
}
