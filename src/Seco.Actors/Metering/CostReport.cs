namespace Seco.Actors.Metering;

/// <summary>Messages and bytes one party exchanged with one peer (a party name; "(local)" for its own actors).</summary>
public sealed record LinkUse(string Peer, long Messages, long Bytes);

/// <summary>
/// What one party spent in one phase. Compute is virtual time (measured or charged, times the party's
/// CPU slowdown); <see cref="MeasuredComputeSeconds"/> is what this machine took. Bytes are frame sizes.
/// <see cref="Rounds"/> is the longest causal chain of messages within the phase that this party sent or
/// received (docs/actors.md).
/// </summary>
public sealed record PhaseCosts(
    string Phase,
    double ComputeSeconds,
    double MeasuredComputeSeconds,
    long AllocatedBytes,
    long Handlers,
    long MessagesSent,
    long BytesSent,
    long MessagesReceived,
    long BytesReceived,
    int Rounds,
    IReadOnlyList<LinkUse> SentTo,
    IReadOnlyList<LinkUse> ReceivedFrom);

/// <summary>One party's costs, phase by phase in the order the phases were first used.</summary>
public sealed record PartyCosts(string Party, string Address, IReadOnlyList<PhaseCosts> Phases)
{
    public double ComputeSeconds => Phases.Sum(p => p.ComputeSeconds);

    public long BytesSent => Phases.Sum(p => p.BytesSent);

    public long BytesReceived => Phases.Sum(p => p.BytesReceived);

    public long MessagesSent => Phases.Sum(p => p.MessagesSent);

    public long MessagesReceived => Phases.Sum(p => p.MessagesReceived);
}
