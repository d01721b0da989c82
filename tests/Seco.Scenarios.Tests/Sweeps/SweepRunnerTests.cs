using Seco.Scenarios.Secure;
using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Tests.Sweeps;

/// <summary>The runner goes on past a failing point, and Ctrl-C keeps the rows done; the points themselves are stand-ins here.</summary>
public sealed class SweepRunnerTests : IDisposable
{
    private readonly SweepFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private SweepPlan Plan() => SweepPlan.Build(_folder.Load("version: 1\nbase: base.yaml\ngrid:\n  split: [0, 1, 2]\n"));

    private static SweepRow Ok(SweepPoint p) =>
        new(p, PointStatus.Ok, true, new Dictionary<string, double> { [SweepMeasures.TotalBytesSent] = 1000 * p.Number });

    [Fact]
    public void APointThatThrowsIsAnErrorRowAndTheSweepGoesOn()
    {
        var seen = new List<string>();
        SweepResult result = SweepRunner.Run(Plan(), p => seen.Add($"{p.GetType().Name} {p.Point.Number}"), runPoint: (point, progress, _) =>
        {
            progress(new SetupFinished(0));
            return point.Number == 2 ? throw new InvalidOperationException("the simulator broke") : Ok(point);
        });
        Assert.False(result.Interrupted);
        Assert.Equal([PointStatus.Ok, PointStatus.Error, PointStatus.Ok], result.Rows.Select(r => r.Status));
        Assert.Equal("InvalidOperationException: the simulator broke", result.Rows[1].Error);
        Assert.Empty(result.Rows[1].Values);
        Assert.Equal(3000, result.Rows[2].Value(SweepMeasures.TotalBytesSent));
        Assert.Equal(["PointStarted 1", "PointStep 1", "PointEnded 1", "PointStarted 2", "PointStep 2", "PointEnded 2", "PointStarted 3", "PointStep 3", "PointEnded 3"], seen);
    }

    [Fact]
    public void CtrlCDuringAPointKeepsTheRowsDoneAndRunsNoMore()
    {
        using var cancel = new CancellationTokenSource();
        var ran = new List<int>();
        SweepResult result = SweepRunner.Run(Plan(), cancel: cancel.Token, runPoint: (point, _, token) =>
        {
            ran.Add(point.Number);
            if (point.Number == 2)
            {
                cancel.Cancel();
                Assert.True(token.IsCancellationRequested); // the running point sees it
                return new SweepRow(point, PointStatus.Interrupted, null, new Dictionary<string, double>());
            }
            return Ok(point);
        });
        Assert.True(result.Interrupted);
        Assert.Equal([1, 2], ran);
        Assert.Equal([PointStatus.Ok, PointStatus.Interrupted], result.Rows.Select(r => r.Status));
    }

    [Fact]
    public void CtrlCBetweenPointsStopsBeforeTheNext()
    {
        using var cancel = new CancellationTokenSource();
        SweepResult result = SweepRunner.Run(Plan(), cancel: cancel.Token, runPoint: (point, _, _) =>
        {
            cancel.Cancel(); // after the point's last event: it finished
            return Ok(point);
        });
        Assert.True(result.Interrupted);
        Assert.Equal(PointStatus.Ok, Assert.Single(result.Rows).Status);
    }
}
