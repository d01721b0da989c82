namespace Seco.Scenarios.Sweeps;

/// <summary>
/// The cartesian product of a sweep's axes, first axis outermost (it varies slowest), as nested loops in the
/// order the file lists them. <c>split: all</c> gives each model its own split points 0..L: the axis runs over
/// 0..(the largest L of the sweep's models) and a combination whose split is past its own model's L is left out.
/// </summary>
public static class SweepGrid
{
    /// <summary>Enough for any real experiment; a typo (<c>queries: [1, 10000]</c> × six axes) must not run for a week.</summary>
    public const int MaxPoints = 1000;

    /// <summary>How many combinations the grid spans before <c>split: all</c> drops those past a model's last block (an upper bound).</summary>
    public static long Size(Sweep sweep, Func<string, int> maxSplitOf)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        long size = 1;
        foreach (SweepAxis axis in sweep.Axes)
            size = Math.Min(long.MaxValue / 1024, size * Values(sweep, axis, maxSplitOf).Count);
        return size;
    }

    /// <param name="maxSplitOf">The last valid split point L of the model at an absolute path (its block count).</param>
    /// <returns>One list of values per point, aligned with <see cref="Sweep.Axes"/>.</returns>
    public static IReadOnlyList<IReadOnlyList<AxisValue>> Expand(Sweep sweep, Func<string, int> maxSplitOf)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(maxSplitOf);
        IEnumerable<AxisValue[]> combinations = [[]];
        foreach (SweepAxis axis in sweep.Axes)
        {
            IReadOnlyList<AxisValue> values = Values(sweep, axis, maxSplitOf);
            combinations = combinations.SelectMany(c => values.Select(v => (AxisValue[])[.. c, v]));
        }
        SweepAxis? split = sweep.Axis(AxisKind.Split);
        if (split is { AllSplits: true })
        {
            int at = IndexOf(sweep, AxisKind.Split);
            combinations = combinations.Where(c => ((CountValue)c[at]).Value <= maxSplitOf(ModelOf(sweep, c)));
        }
        return [.. combinations];
    }

    /// <summary>The model a point runs: its model axis value, else the base scenario's.</summary>
    public static string ModelOf(Sweep sweep, IReadOnlyList<AxisValue> values) =>
        values.OfType<ModelValue>().FirstOrDefault()?.Path ?? sweep.Base.Model!.Path;

    /// <summary>Every model the sweep runs.</summary>
    public static IReadOnlyList<string> Models(Sweep sweep) =>
        sweep.Axis(AxisKind.Model) is { } models ? [.. models.Values.Cast<ModelValue>().Select(m => m.Path)] : [sweep.Base.Model!.Path];

    private static IReadOnlyList<AxisValue> Values(Sweep sweep, SweepAxis axis, Func<string, int> maxSplitOf) =>
        axis.AllSplits
            ? [.. Enumerable.Range(0, Models(sweep).Max(maxSplitOf) + 1).Select(s => new CountValue(s, axis.FieldPath))]
            : axis.Values;

    private static int IndexOf(Sweep sweep, AxisKind kind) => sweep.Axes.Select(a => a.Kind).ToList().IndexOf(kind);
}
