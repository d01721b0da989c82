using Seco.Actors.Runtime;

namespace Seco.Actors.Simulation;

/// <summary>Settings of one simulated run.</summary>
public sealed record SimulationOptions
{
    /// <summary>The deployment's system name in every address (seco://&lt;system&gt;@&lt;party&gt;:&lt;port&gt;/...).</summary>
    public string SystemName { get; init; } = "sim";

    /// <summary>How handler compute is measured; <see cref="ComputeTiming.ChargedOnly"/> makes runs bit-for-bit repeatable.</summary>
    public ComputeTiming ComputeTiming { get; init; } = ComputeTiming.Measured;

    /// <summary>Every link without its own <see cref="Simulator.SetLink"/>.</summary>
    public LinkModel DefaultLink { get; init; } = LinkModel.Lan;

    /// <summary>Nominal port of the first party; the next ones count up (addresses only, nothing listens).</summary>
    public int BasePort { get; init; } = 7100;

    /// <summary>Every party's frame limit: a larger message fails its sender's session, and a larger frame is refused on receipt.</summary>
    public int MaxFrameBytes { get; init; } = Transport.Frame.DefaultMaxBytes;

    /// <summary>Keep every handler span and message record (for traces and participation time).</summary>
    public bool Record { get; init; } = true;
}
