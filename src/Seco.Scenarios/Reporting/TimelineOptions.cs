namespace Seco.Scenarios.Reporting;

/// <summary>How <see cref="TimelineChart"/> draws; every property has a usable default.</summary>
public sealed record TimelineOptions
{
    /// <summary>The chart's heading, e.g. the scenario's name.</summary>
    public string Title { get; init; } = "Timeline";

    /// <summary>
    /// Lanes to draw first, top to bottom, in this order; parties not listed follow in the order they first
    /// send or receive a message, then any that only ran handlers.
    /// </summary>
    public IReadOnlyList<string>? Parties { get; init; }

    /// <summary>Phases to colour first, in this order (pass the same list as <see cref="CostChartOptions.PhaseOrder"/>).</summary>
    public IReadOnlyList<string>? PhaseOrder { get; init; }

    /// <summary>Start of the time window in virtual nanoseconds; default 0 (the start of the run).</summary>
    public long? FromNs { get; init; }

    /// <summary>End of the time window in virtual nanoseconds; default the last span's end or message's arrival.</summary>
    public long? ToNs { get; init; }

    /// <summary>Width of the whole image in pixels (kept within 400–20,000).</summary>
    public double Width { get; init; } = 1200;

    /// <summary>Height of one party's lane in pixels.</summary>
    public double LaneHeight { get; init; } = 28;

    /// <summary>
    /// At most this many message arrows are drawn; beyond it every k-th message is (the chart says so), since
    /// thousands of overlapping lines hide the spans and add nothing a reader can follow.
    /// </summary>
    public int MaxMessages { get; init; } = 2000;

    /// <summary>
    /// Queries to draw as named bands above the lanes (an unfinished one open to the right edge); none by
    /// default. <see cref="TimelineChart.Render(Seco.Actors.Simulation.SimulationReport, IReadOnlyList{Seco.Actors.Simulation.HandlerSpan}, IReadOnlyList{Seco.Actors.Simulation.MessageRecord}, TimelineOptions?)"/>
    /// fills them from the report's queries.
    /// </summary>
    public IReadOnlyList<TimelineQuery>? Queries { get; init; }

    /// <summary>Failures to mark with a red diamond on their party's lane; none by default (the report overload fills them).</summary>
    public IReadOnlyList<TimelineFailure>? Failures { get; init; }

    /// <summary>Injected failures to mark with a dashed orange line through all lanes; none by default (the report overload fills them).</summary>
    public IReadOnlyList<TimelineIncident>? Incidents { get; init; }
}
