namespace Seco.Scenarios.Sweeps;

/// <summary>
/// One key of the sweep file's <c>grid</c>: what it varies and its values in file order. A
/// <c>split: all</c> axis has no values of its own (<see cref="AllSplits"/>): they are every
/// valid split point of each model, found when the grid is expanded (<see cref="SweepGrid"/>).
/// </summary>
public sealed record SweepAxis
{
    public SweepAxis(AxisKind kind, IReadOnlyList<AxisValue> values, string fieldPath, bool allSplits = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(fieldPath);
        if (allSplits && (kind != AxisKind.Split || values.Count > 0))
            throw new ArgumentException("only a split axis can be 'all', and then it lists no values", nameof(allSplits));
        if (!allSplits && values.Count == 0)
            throw new ArgumentException($"axis {AxisNames.Of(kind)} needs at least one value", nameof(values));
        Kind = kind;
        Values = values;
        FieldPath = fieldPath;
        AllSplits = allSplits;
    }

    public AxisKind Kind { get; }

    public string Name => AxisNames.Of(Kind);

    public IReadOnlyList<AxisValue> Values { get; }

    /// <summary>Where the axis is in the sweep file: <c>grid.split</c>.</summary>
    public string FieldPath { get; }

    /// <summary><c>split: all</c>: every split point 0..L of each point's model.</summary>
    public bool AllSplits { get; }
}
