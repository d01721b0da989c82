using Seco.Actors.Messages;
using Seco.Actors.Runtime;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Scenarios.Secure;

/// <summary>
/// Hosts one sans-IO SECO role in an actor: each incoming message is handed to the role under the message's phase
/// (so its compute is charged there), and each outgoing message is sent under its own phase (so its bytes are) and
/// in its query's session (so a failure stays with one query). Role events become query marks and results.
/// </summary>
/// <param name="firstQuery">The run's index of the key set's query 0 (each key set numbers its queries from 0).</param>
/// <param name="queryCount">How many queries the key set runs (a session outside them is not this key set's).</param>
internal sealed class RoleActor(ISecoRole role, IReadOnlyDictionary<Party, ActorRef> peers, Action<ActorContext, ProtocolEvent> onEvent,
    int firstQuery = 0, int queryCount = int.MaxValue) : Actor
{
    /// <summary>Setup traffic runs in session 1, the run's query q in session q + 2 (unique across key sets).</summary>
    public static SessionId SessionOf(SecoMessage message, int firstQuery = 0) => message is QueryMessage q ? SessionOf(firstQuery + q.Query) : SetupSession;

    public static readonly SessionId SetupSession = new(1);

    /// <summary>The session of the run's query <paramref name="query"/> (its preprocessing and its online phase).</summary>
    public static SessionId SessionOf(int query) => new((ulong)query + 2);

    /// <summary>The key set's own number of the query of a session (null for setup, or a session of another key set).</summary>
    internal int? QueryOf(SessionId session)
    {
        if (session.Value < 2 || session.Value - 2 > int.MaxValue) return null;
        long local = (long)(session.Value - 2) - firstQuery;
        return local >= 0 && local < queryCount ? (int)local : null;
    }

    protected override void PreStart(ActorContext context)
    {
        context.Phase = ProtocolPhases.Name(ProtocolPhase.Setup);
        Flush(context, o => role.Start(o));
    }

    protected override void Receive(ActorContext context, object message)
    {
        if (message is not SecoMessage m)
            throw new InvalidOperationException($"a SECO party does not handle {message.GetType().Name}");
        Party from = PartyOf(context.Sender);
        context.Phase = ProtocolPhases.Name(m.Phase);
        Flush(context, o => role.Handle(from, m, o));
    }

    /// <summary>
    /// A query's session failed here (a handler threw, a frame was malformed) or at the peer that told us: the role
    /// aborts the query and tells its other peers, so every party drops it and the user goes on with its next query.
    /// </summary>
    protected override void OnSessionFailed(ActorContext context, SessionFailure failure)
    {
        if (QueryOf(failure.Session) is not int query)
            return;
        ProtocolPhase at = Enum.GetValues<ProtocolPhase>().FirstOrDefault(p => ProtocolPhases.Name(p) == failure.Phase, ProtocolPhase.Online);
        Flush(context, o => role.Abort(query, at, failure.Error, o));
    }

    private Party PartyOf(ActorRef? sender)
    {
        foreach ((Party party, ActorRef peer) in peers)
            if (peer.Equals(sender)) return party;
        throw new ProtocolViolationException($"a message from {sender?.ToString() ?? "nobody"}, which is not a party of this session");
    }

    private void Flush(ActorContext context, Action<Outbox> act)
    {
        using var outbox = new Outbox(); // disposed once every message is encoded: pooled payloads go back
        act(outbox);
        foreach ((Party to, SecoMessage message) in outbox.Messages)
        {
            context.Phase = ProtocolPhases.Name(message.Phase);
            context.Send(peers[to], message, SessionOf(message, firstQuery));
        }
        foreach (ProtocolEvent e in outbox.Events)
            onEvent(context, e);
    }
}
