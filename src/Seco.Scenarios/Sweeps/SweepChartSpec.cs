namespace Seco.Scenarios.Sweeps;

/// <summary>How a chart's y axis is scaled: <see cref="Auto"/> is log when the values span two decades or more.</summary>
public enum ChartScale
{
    Auto,
    Linear,
    Log,
}

/// <summary>
/// How a chart draws its points: <see cref="Auto"/> is lines over a numeric x axis and grouped bars over a categorical
/// one; <see cref="Bars"/> draws grouped bars over any x (the paper's Figs. 4–6: a group per split, a bar per protocol).
/// </summary>
public enum ChartStyle
{
    Auto,
    Bars,
}

/// <summary>
/// One chart of a sweep (<c>charts[i]</c>): measures <see cref="Y"/> (results.csv column names), one panel each,
/// against axis <see cref="X"/>, one series per value of the <see cref="By"/> axes (null: every other axis that
/// has more than one value).
/// </summary>
public sealed record SweepChartSpec(AxisKind X, IReadOnlyList<string> Y, IReadOnlyList<AxisKind>? By, ChartScale Scale, string? Title, string FieldPath)
{
    /// <summary><c>style</c>: lines or grouped bars (<see cref="ChartStyle"/>).</summary>
    public ChartStyle Style { get; init; }

    /// <summary>The charts drawn when the sweep file has no <c>charts</c> key: total bytes and the user's waiting time against the first axis that varies.</summary>
    public static IReadOnlyList<SweepChartSpec> Defaults(AxisKind x) =>
        [new SweepChartSpec(x, [SweepMeasures.TotalBytesSent, SweepMeasures.UserWaiting], null, ChartScale.Auto, null, "charts")];
}
