using Seco.Nn;
using Seco.Nn.Onnx;
using Seco.Scenarios.Running;

namespace Seco.Scenarios.Sweeps;

/// <summary>A chart with its series axes settled: the <c>by</c> axes, or every other axis that varies.</summary>
public sealed record ChartPlan(SweepChartSpec Spec, IReadOnlyList<AxisKind> SeriesAxes);

/// <summary>
/// A sweep ready to run: the grid expanded into points, each built from the base scenario and admitted by every
/// check `seco run` makes (<see cref="RunAdmission"/>), before any of them runs. If any point is invalid the whole
/// sweep is refused, each error naming the point and giving the scenario's own message, at the axis value that made
/// the point (or, for a problem the base scenario carries into it, at the base file's field).
/// </summary>
public sealed class SweepPlan
{
    private SweepPlan(Sweep sweep, IReadOnlyList<SweepPoint> points, IReadOnlyList<string> parties, IReadOnlyList<ChartPlan> charts)
    {
        Sweep = sweep;
        Points = points;
        Parties = parties;
        Charts = charts;
    }

    public Sweep Sweep { get; }

    /// <summary>In grid order: the first axis varies slowest.</summary>
    public IReadOnlyList<SweepPoint> Points { get; }

    /// <summary>Every party of any point, in the order they first appear (user, gateway, then servers tier by tier).</summary>
    public IReadOnlyList<string> Parties { get; }

    public IReadOnlyList<ChartPlan> Charts { get; }

    /// <exception cref="ScenarioValidationException">
    /// A model cannot be read, the grid is too large, or a point is not a scenario `seco run` would run; at most
    /// <see cref="ScenarioLimits.MaxErrors"/> errors are kept, in point order.
    /// </exception>
    public static SweepPlan Build(Sweep sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var errors = new List<ScenarioError>();
        Dictionary<string, int> maxSplit = sweep.Axis(AxisKind.Split) is { AllSplits: true } ? MaxSplits(sweep, errors) : [];
        Throw(errors);
        int MaxSplitOf(string model) => maxSplit[model];
        long size = SweepGrid.Size(sweep, MaxSplitOf);
        if (size > SweepGrid.MaxPoints)
            Throw([sweep.Source.ErrorAt("grid", $"the grid spans {size:N0} points; a sweep is limited to {SweepGrid.MaxPoints:N0} (split it into several sweeps)")]);

        IReadOnlyList<IReadOnlyList<AxisValue>> grid = SweepGrid.Expand(sweep, MaxSplitOf);
        var points = new List<SweepPoint>();
        var built = new List<Scenario>();
        for (int index = 0; index < grid.Count; index++)
        {
            IReadOnlyList<AxisValue> values = grid[index];
            string label = SweepPoint.LabelOf(sweep.Axes, values);
            // Points keep their numbers whether or not others fail: errors name them as results.csv would.
            string named = $"point {index + 1} ({label})";
            if (PointBuilder.Build(sweep, values, index + 1, named, errors) is not { } scenario)
                continue;
            built.Add(scenario);
            try
            {
                points.Add(new SweepPoint(index, values, label, scenario, RunAdmission.Admit(scenario)));
            }
            catch (ScenarioValidationException e)
            {
                errors.AddRange(e.Errors.Select(x => Remap(sweep, values, named, x)));
            }
        }
        // The charts are checked against every point that could be built, so one report names the bad points and the bad charts.
        List<string> parties = [.. built.SelectMany(s => s.Hierarchy.Parties).Distinct()];
        var charts = sweep.Charts.Select(c => Chart(sweep, grid, parties, c, errors)).ToList();
        Throw(errors);
        return new SweepPlan(sweep, points, parties, charts!);
    }

    /// <summary>The last split point of each model, for <c>split: all</c>.</summary>
    private static Dictionary<string, int> MaxSplits(Sweep sweep, List<ScenarioError> errors)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string model in SweepGrid.Models(sweep).Distinct())
        {
            try
            {
                result[model] = OnnxImporter.Load(model).MaxSplit;
            }
            catch (ModelFormatException e)
            {
                string path = sweep.Axis(AxisKind.Model)?.Values.First(v => ((ModelValue)v).Path == model).FieldPath ?? "base";
                errors.Add(sweep.Source.ErrorAt(path, $"split: all needs the model's split points: {e.Message}"));
            }
        }
        return result;
    }

    /// <summary>
    /// A point's error where the user can fix it: at the axis value that set the field it is about, else (a part
    /// of the base scenario the point kept) at the base file's field; either way naming the point.
    /// </summary>
    private static ScenarioError Remap(Sweep sweep, IReadOnlyList<AxisValue> values, string named, ScenarioError e)
    {
        bool Has(AxisKind k) => sweep.Axis(k) is not null;
        string p = e.Path;
        AxisKind? kind =
            p == "split" ? AxisKind.Split
            : p.StartsWith("model", StringComparison.Ordinal) ? AxisKind.Model
            : p == "queries.count" ? AxisKind.Queries
            : p == "protocol" ? AxisKind.Protocol
            : p == "load.users" ? AxisKind.Users
            : p == "load.schedule" ? AxisKind.Schedule
            : p == "load.pool" ? AxisKind.Pool
            : p.StartsWith("parties", StringComparison.Ordinal) && Has(AxisKind.Cores) ? AxisKind.Cores
            : p.StartsWith("load", StringComparison.Ordinal) && Has(AxisKind.Rate) ? AxisKind.Rate
            : p.StartsWith("network", StringComparison.Ordinal) ? AxisKind.Network
            : p.StartsWith("hierarchy", StringComparison.Ordinal)
                ? (p.Contains(".servers", StringComparison.Ordinal) && Has(AxisKind.ServersPerTier)) || !Has(AxisKind.Tiers) ? AxisKind.ServersPerTier : AxisKind.Tiers
            : null;
        int i = kind is null ? -1 : sweep.Axes.Select(a => a.Kind).ToList().IndexOf(kind.Value);
        return i >= 0
            ? sweep.Source.ErrorAt(values[i].FieldPath, $"{named}: {(p.Length > 0 ? p + ": " : "")}{e.Message}")
            : e with { Message = $"{named} of {sweep.File}: {e.Message}" };
    }

    private static ChartPlan? Chart(Sweep sweep, IReadOnlyList<IReadOnlyList<AxisValue>> grid, IReadOnlyList<string> parties, SweepChartSpec spec, List<ScenarioError> errors)
    {
        for (int j = 0; j < spec.Y.Count; j++)
        {
            string y = spec.Y[j], at = $"{spec.FieldPath}.y[{j}]";
            if (!sweep.Source.Locations.ContainsKey(at)) at = $"{spec.FieldPath}.y";
            if (SweepMeasures.PartyOf(y) is { } party && !parties.Contains(party))
                errors.Add(sweep.Source.ErrorAt(at, $"'{Printable.Shorten(y, 40)}': no point has a party '{Printable.Shorten(party, 40)}' " +
                    $"(parties: {string.Join(", ", parties.Take(16))}{(parties.Count > 16 ? ", …" : "")})"));
        }
        var varying = sweep.Axes.Select((a, i) => (a.Kind, i)).Where(a => grid.Select(values => values[a.i].Label).Distinct().Count() > 1).Select(a => a.Kind).ToList();
        if (spec.By is null)
            return new ChartPlan(spec, [.. varying.Where(k => k != spec.X)]);
        var missing = varying.Where(k => k != spec.X && !spec.By.Contains(k)).ToList();
        if (missing.Count > 0)
        {
            errors.Add(sweep.Source.ErrorAt($"{spec.FieldPath}.by", $"{string.Join(" and ", missing.Select(AxisNames.Of))} also " +
                $"{(missing.Count == 1 ? "varies" : "vary")}: add {(missing.Count == 1 ? "it" : "them")} to by, or leave by out (series are then every combination of the other axes that vary)"));
            return null;
        }
        return new ChartPlan(spec, [.. sweep.Axes.Select(a => a.Kind).Where(spec.By.Contains)]);
    }

    private static void Throw(IReadOnlyList<ScenarioError> errors)
    {
        if (errors.Count == 0)
            return;
        int keep = ScenarioLimits.Default.MaxErrors;
        throw new ScenarioValidationException([.. errors.Take(keep)], Math.Max(0, errors.Count - keep));
    }
}
