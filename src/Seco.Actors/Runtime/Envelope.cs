using Seco.Actors.Addressing;
using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>A decoded message waiting in a mailbox, with what the runtime needs to route and meter it.</summary>
internal sealed record Envelope(
    object Message,
    ActorAddress? Sender,
    SessionId Session,
    long RequestId,
    long InReplyTo,
    string Kind,
    int Bytes,
    string FromParty,
    string MessagePhase,
    int Depth,
    long MessageId)
{
    /// <summary>A message that never crossed a boundary (timer, timeout): not metered, not encoded.</summary>
    public static Envelope Local(object message, ActorAddress self, SessionId session) =>
        new(message, self, session, 0, 0, message.GetType().Name, 0, PartyMeterPeerNone, "", 0, 0);

    public const string PartyMeterPeerNone = "";

    public bool IsMetered => Bytes > 0;
}
