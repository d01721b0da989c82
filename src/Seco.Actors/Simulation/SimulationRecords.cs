using Seco.Actors.Messages;

namespace Seco.Actors.Simulation;

/// <summary>One handler run on a party's CPU, in virtual nanoseconds, and the managed bytes it allocated.</summary>
public sealed record HandlerSpan(string Party, long StartNs, long DurationNs, string Actor, string Kind, SessionId Session, string Phase, long MessageId, long AllocatedBytes = 0)
{
    public long EndNs => StartNs + DurationNs;
}

/// <summary>
/// One message on the simulated network. <see cref="TransmitStartNs"/> is when its first bit left (after
/// queueing behind earlier messages), <see cref="TransmitEndNs"/> when its last bit left, and
/// <see cref="FirstBitArrivedNs"/>/<see cref="ArrivedNs"/> the same at the receiver. A dropped message has
/// a <see cref="DropReason"/> and no arrival.
/// </summary>
public sealed record MessageRecord(
    long Id,
    string From,
    string To,
    string Kind,
    SessionId Session,
    string Phase,
    long Bytes,
    int Depth,
    long SentNs,
    long TransmitStartNs,
    long TransmitEndNs,
    long FirstBitArrivedNs,
    long ArrivedNs,
    string? DropReason)
{
    public bool Dropped => DropReason is not null;

    /// <summary>Time spent waiting for the link (or NIC) to finish earlier messages.</summary>
    public long QueuedNs => TransmitStartNs - SentNs;
}

/// <summary>A failure injected into the run (a party stopped, a link dropped).</summary>
public sealed record InjectedFailure(long AtNs, string What);
