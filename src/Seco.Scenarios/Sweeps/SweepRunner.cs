using System.Diagnostics;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Sweeps;

/// <summary>Progress of a sweep: a point starts, reports a step of its secure run, or ends with its row.</summary>
public abstract record SweepProgress(SweepPoint Point);

public sealed record PointStarted(SweepPoint Point) : SweepProgress(Point);

public sealed record PointStep(SweepPoint Point, SecureRunProgress Step) : SweepProgress(Point);

public sealed record PointEnded(SweepPoint Point, SweepRow Row) : SweepProgress(Point);

/// <summary>Runs one point and measures it; the default is <see cref="SweepRunner.RunSecure"/>.</summary>
public delegate SweepRow PointRunner(SweepPoint point, Action<SecureRunProgress> progress, CancellationToken cancel);

/// <summary>The rows of the points that ran, in grid order; <see cref="Interrupted"/> when Ctrl-C stopped the sweep before its last point.</summary>
public sealed record SweepResult(IReadOnlyList<SweepRow> Rows, bool Interrupted);

/// <summary>
/// Runs a sweep's points one after another, each through the same code path as `seco run` on a secure scenario
/// (<see cref="SecureRun.Run(PreparedScenario, Action{SecureRunProgress}?, Actors.Runtime.ComputeTiming, CancellationToken)"/>
/// on the point's admitted scenario). A point that throws is recorded as an <see cref="PointStatus.Error"/> row and
/// the sweep goes on; Ctrl-C stops the running point at its next event, records it as interrupted and runs no more.
/// </summary>
public static class SweepRunner
{
    public static SweepResult Run(SweepPlan plan, Action<SweepProgress>? progress = null, CancellationToken cancel = default, PointRunner? runPoint = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        runPoint ??= RunSecure;
        var rows = new List<SweepRow>();
        var measured = new Dictionary<string, SweepRow>(StringComparer.Ordinal);
        foreach (SweepPoint point in plan.Points)
        {
            if (cancel.IsCancellationRequested)
                return new SweepResult(rows, Interrupted: true);
            progress?.Invoke(new PointStarted(point));
            SweepRow row;
            try
            {
                // A point that runs what an earlier point ran (DELPHI beside another split) reports that run, once measured.
                string key = point.RunKey(plan.Sweep.Axes);
                row = measured.TryGetValue(key, out SweepRow? same)
                    ? same with { Point = point }
                    : runPoint(point, step => progress?.Invoke(new PointStep(point, step)), cancel);
                if (row.Status is not (PointStatus.Error or PointStatus.Interrupted))
                    measured.TryAdd(key, row);
            }
            catch (PlatformNotSupportedException)
            {
                // No AES-NI: no point can run safely on this machine; that is the sweep's failure, not a point's.
                throw;
            }
            catch (Exception e)
            {
                row = new SweepRow(point, PointStatus.Error, null, new Dictionary<string, double>(), $"{e.GetType().Name}: {e.Message}");
            }
            rows.Add(row);
            progress?.Invoke(new PointEnded(point, row));
            if (row.Status == PointStatus.Interrupted)
                return new SweepResult(rows, Interrupted: true);
        }
        return new SweepResult(rows, Interrupted: false);
    }

    /// <summary>One point as `seco run` runs a secure scenario, timed on the wall clock, and its measures.</summary>
    public static SweepRow RunSecure(SweepPoint point, Action<SecureRunProgress> progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(point);
        PreparedScenario prepared = point.Admitted.Prepared
            ?? throw new InvalidOperationException($"point {point.Number} was admitted without its model and inputs");
        var wall = Stopwatch.StartNew();
        SecureRunResult result = SecureRun.Run(prepared, progress, cancel: cancel);
        return PointMeasurement.Row(point, result, wall.Elapsed.TotalSeconds);
    }
}
