using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>
/// What one turn of an actor did, for the dispatcher: how much virtual compute it took (measured or
/// charged, times the party's CPU slowdown), how many bytes it allocated on the managed heap, and what it
/// handled (for traces).
/// </summary>
public readonly record struct HandlerRun(bool Ran, long VirtualNs, string Kind, string Actor, SessionId Session, string Phase, long MessageId, long AllocatedBytes)
{
    public static HandlerRun None => default;
}

/// <summary>Signals the runtime puts in a mailbox so that they run in the actor's own turn.</summary>
internal sealed record StartSignal;

internal sealed record StopSignal(string Reason);

internal sealed record RequestTimeoutSignal(long RequestId, Addressing.ActorAddress Target, string Kind);

internal sealed record MalformedSignal(string Reason);
