namespace Seco.Scenarios.Reporting;

/// <summary>How <see cref="CostChart"/> draws; every property has a usable default.</summary>
public sealed record CostChartOptions
{
    /// <summary>The chart's heading, e.g. the scenario's name.</summary>
    public string Title { get; init; } = "Costs per party and phase";

    /// <summary>
    /// Phases in the order the legend and each group's bars list them; phases not listed follow in the
    /// report's order (<c>SimulationReport.Phases</c>). Give the cost tables and <see cref="TimelineChart"/>
    /// the same list to get the same order and colours everywhere.
    /// </summary>
    public IReadOnlyList<string>? PhaseOrder { get; init; }

    /// <summary>One shared axis per quantity (the default), or one small panel per party.</summary>
    public CostLayout Layout { get; init; } = CostLayout.Shared;

    /// <summary>Linear (the default: bar heights compare as the values do) or log (every decade the same height).</summary>
    public CostScale Scale { get; init; } = CostScale.Linear;

    /// <summary>Width of the whole image in pixels (kept within 320–20,000).</summary>
    public double Width { get; init; } = 960;

    /// <summary>Height of each panel (of each row of panels in the per-party layout) in pixels.</summary>
    public double PanelHeight { get; init; } = 300;

    /// <summary>Print each bar's value above it when the label fits within the bar's width.</summary>
    public bool ShowValues { get; init; } = true;
}

/// <summary>How <see cref="CostChart"/> arranges parties.</summary>
public enum CostLayout
{
    /// <summary>One panel per quantity, every party on the same axis: compare parties by bar height.</summary>
    Shared,

    /// <summary>
    /// Per quantity, one small panel per party, each with its own axis and unit: how a party's costs split
    /// over phases is readable however small they are next to another party's, but bar heights no longer
    /// compare across parties (read the axes). Not chosen automatically: with one phase every bar fills its panel.
    /// </summary>
    PerParty,
}

/// <summary>The y axis of <see cref="CostChart"/>'s panels.</summary>
public enum CostScale
{
    Linear,

    /// <summary>A tick at each power of ten labelled with its unit (1 kB, 10 kB, …).</summary>
    Log,
}
