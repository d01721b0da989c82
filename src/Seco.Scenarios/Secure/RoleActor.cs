using Seco.Actors.Messages;
using Seco.Actors.Runtime;
using Seco.Protocol.Compute;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Scenarios.Secure;

/// <summary>A query's input reaching its user (a workload's arrival, issue 22): the host schedules it to the user's actor.</summary>
internal sealed record UserArrival(int Query, ulong[] Input);

/// <summary>
/// Hosts one sans-IO SECO role in an actor: each incoming message is handed to the role under the message's phase
/// (so its compute is charged there), and each outgoing message is sent under its own phase (so its bytes are) and
/// in its query's session (so a failure stays with one query). Role events become query marks and results.
/// </summary>
/// <param name="firstQuery">The run's index of the key set's query 0 (each key set numbers its queries from 0).</param>
/// <param name="queryCount">How many queries the key set runs (a session outside them is not this key set's).</param>
/// <param name="user">For a user's actor, its session number at the gateway (0 for the one user of a run).</param>
/// <param name="cores">The party's cores (parties.&lt;p&gt;.cores): the role's data-parallel kernels run one iteration after
/// another, timed, and the time that many cores would have saved is credited back to the phase they ran in.</param>
internal sealed class RoleActor(ISecoRole role, IReadOnlyDictionary<Party, ActorRef> peers, Action<ActorContext, ProtocolEvent> onEvent,
    int firstQuery = 0, int queryCount = int.MaxValue, int? user = null, int cores = 1) : Actor
{
    /// <summary>Setup traffic among the servers runs in session 1, the run's server query q in session q + 2 (unique across key sets).</summary>
    public static SessionId SessionOf(SecoMessage message, int firstQuery = 0) => message is QueryMessage q ? SessionOf(firstQuery + q.Query) : SetupSession;

    public static readonly SessionId SetupSession = new(1);

    /// <summary>The session of the run's server query <paramref name="query"/> (its preparation and its online phase among the servers).</summary>
    public static SessionId SessionOf(int query) => new((ulong)query + 2);

    /// <summary>
    /// User sessions lie above every server session: user u's traffic with A in session 2⁴⁰ + u·2²⁴ (its setup) and
    /// 2⁴⁰ + u·2²⁴ + 1 + j (its query j), so a failure of one user's query fails nobody else's (issue 22).
    /// </summary>
    private const ulong UserBase = 1UL << 40, UserStride = 1UL << 24;

    /// <summary>User <paramref name="user"/>'s session for its query <paramref name="query"/>, or its setup (null).</summary>
    public static SessionId UserSessionOf(int user, int? query) => new(UserBase + ((ulong)user * UserStride) + (query is { } q ? (ulong)q + 1 : 0));

    /// <summary>The user and its query (null: setup) of a user session; null for a server session.</summary>
    public static (int User, int? Query)? UserQueryOf(SessionId session)
    {
        if (session.Value < UserBase) return null;
        ulong offset = session.Value - UserBase;
        ulong u = offset / UserStride, j = offset % UserStride;
        return u >= Party.MaxUsers ? null : ((int)u, j == 0 ? null : (int)(j - 1));
    }

    /// <summary>The key set's own number of the server query of a session (null for setup, a user session, or another key set's).</summary>
    internal int? QueryOf(SessionId session)
    {
        if (session.Value < 2 || session.Value >= UserBase) return null;
        long local = (long)(session.Value - 2) - firstQuery;
        return local >= 0 && local < queryCount ? (int)local : null;
    }

    /// <summary>The session a message to or from <paramref name="peer"/> travels in.</summary>
    private SessionId SessionWith(Party peer, SecoMessage message)
    {
        int? owner = user ?? (peer.IsUser ? peer.Index : null);
        return owner is { } u ? UserSessionOf(u, (message as QueryMessage)?.Query) : SessionOf(message, firstQuery);
    }

    protected override void PreStart(ActorContext context)
    {
        context.Phase = ProtocolPhases.Name(ProtocolPhase.Setup);
        Flush(context, o => role.Start(o));
    }

    protected override void Receive(ActorContext context, object message)
    {
        if (message is UserArrival arrival && role is IUserInputs u)
        {
            context.Phase = ProtocolPhases.Name(ProtocolPhase.UserPreprocessing);
            Flush(context, o => u.Submit(arrival.Query, arrival.Input, o));
            return;
        }
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
        ProtocolPhase at = Enum.GetValues<ProtocolPhase>().FirstOrDefault(p => ProtocolPhases.Name(p) == failure.Phase, ProtocolPhase.Online);
        if (UserQueryOf(failure.Session) is (int u, int j))
        {
            if (user is null)
                Flush(context, o => role.AbortUserQuery(Party.UserOf(u), j, at, failure.Error, o));
            else if (user == u)
                Flush(context, o => role.Abort(j, at, failure.Error, o));
            return;
        }
        if (QueryOf(failure.Session) is int query)
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
        // Credited as each kernel region ends, so the credit lands in the phase segment it ran in (the sends below
        // switch phases per message).
        using (KernelRunner.Use(cores == 1 ? KernelRunner.Sequential : new TimedRunner(cores, context.CreditCompute)))
            act(outbox);
        foreach ((Party to, SecoMessage message) in outbox.Messages)
        {
            context.Phase = ProtocolPhases.Name(message.Phase);
            context.Send(peers[to], message, SessionWith(to, message));
        }
        foreach (ProtocolEvent e in outbox.Events)
            onEvent(context, e);
    }
}
