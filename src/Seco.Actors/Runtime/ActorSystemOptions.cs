using Seco.Actors.Transport;

namespace Seco.Actors.Runtime;

/// <summary>Settings of one actor system (one party / node).</summary>
public sealed record ActorSystemOptions
{
    /// <summary>The party's name in reports and traces; default: the node's host.</summary>
    public string? PartyName { get; init; }

    public ComputeTiming ComputeTiming { get; init; } = ComputeTiming.Measured;

    /// <summary>Frames larger than this are rejected before decoding.</summary>
    public int MaxFrameBytes { get; init; } = Frame.DefaultMaxBytes;

    /// <summary>How many dead letters, failures and rejected frames are kept (the counts are always exact).</summary>
    public int MaxRecordedEvents { get; init; } = 10_000;
}
