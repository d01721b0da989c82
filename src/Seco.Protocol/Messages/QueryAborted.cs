namespace Seco.Protocol.Messages;

/// <summary>
/// Any party → its peers: the query failed at the sender (a protocol violation, a malformed message, a refused OT
/// request) in phase <see cref="At"/>. Every party drops the query's state and never runs it again; the user moves on
/// to its next query. The reason is for logs only: a party acts on the query number, never on the text.
/// </summary>
public sealed record QueryAborted(int Query, ProtocolPhase At, string Reason) : QueryMessage(Query)
{
    /// <summary>Longest reason carried on the wire (longer ones are cut).</summary>
    public const int MaxReasonLength = 512;

    public override ProtocolPhase Phase => At;
}
