namespace Seco.Scenarios.Reporting;

/// <summary>How <see cref="CostChart"/> draws; every property has a usable default.</summary>
public sealed record CostChartOptions
{
    /// <summary>The chart's heading, e.g. the scenario's name.</summary>
    public string Title { get; init; } = "Costs per party and phase";

    /// <summary>
    /// Phases to colour first, in this order; phases not listed follow in the order the report shows them.
    /// Give <see cref="TimelineChart"/> the same list to get the same colours in both charts.
    /// </summary>
    public IReadOnlyList<string>? PhaseOrder { get; init; }

    /// <summary>Width of the whole image in pixels (kept within 320–20,000).</summary>
    public double Width { get; init; } = 960;

    /// <summary>Height of each of the two panels in pixels.</summary>
    public double PanelHeight { get; init; } = 300;

    /// <summary>Print each bar's value above it when the label fits within the bar's width.</summary>
    public bool ShowValues { get; init; } = true;
}
