using Seco.Protocol.Messages;

namespace Seco.Protocol.Roles;

/// <summary>What a remote server does in its tier's garbled ReLU circuits (docs/hierarchy.md).</summary>
public enum ServerDuty
{
    /// <summary>Server 0 of a tier: garbles every ReLU circuit of the tier's segment and is the OT sender (paper Alg. 16).</summary>
    Garbler,

    /// <summary>Server 1 of a tier: evaluates the circuits and sends each masked activation on (paper Alg. 10).</summary>
    Evaluator,

    /// <summary>Servers 2.. of a tier: provide their shares to the circuits by OT from the garbler, labels forwarded to the evaluator.</summary>
    Provider,
}

/// <summary>
/// A SECO party by its position in the hierarchy (paper Fig. 1, generalised in docs/hierarchy.md): the user, gateway A,
/// or server <see cref="Index"/> of remote tier <see cref="Tier"/> (tiers 1.., servers 0..k−1; server 0 garbles and
/// server 1 evaluates). Hosts map positions to the scenario's names; the protocol never needs the names.
/// </summary>
public readonly record struct Party : IComparable<Party>
{
    private Party(int tier, int index)
    {
        Tier = tier;
        Index = index;
    }

    /// <summary>−1 for a user, 0 for the gateway, t ≥ 1 for a server of remote tier t.</summary>
    public int Tier { get; }

    /// <summary>The server's position in its tier, or the user's session number at the gateway (0 for the gateway).</summary>
    public int Index { get; }

    /// <summary>The user, as it knows itself and as a one-user host names it: user session 0.</summary>
    public static Party User { get; } = new(-1, 0);

    /// <summary>The most user sessions one gateway serves at once (issue 22): each holds keys and OT state at A.</summary>
    public const int MaxUsers = 4096;

    /// <summary>
    /// User session <paramref name="session"/> at the gateway. Only A tells users apart: each user knows itself as
    /// <see cref="User"/>, and the last tier knows a query's user only by the number A gives it (<see cref="Messages.QueryOwner"/>).
    /// </summary>
    public static Party UserOf(int session)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(session);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(session, MaxUsers);
        return new Party(-1, session);
    }

    public static Party Gateway { get; } = new(0, 0);

    /// <summary>The garbler of the first remote tier: B in the paper's four-party setting.</summary>
    public static Party Garbler { get; } = new(1, 0);

    /// <summary>The evaluator of the first remote tier: C in the paper's four-party setting.</summary>
    public static Party Evaluator { get; } = new(1, 1);

    /// <summary>Server <paramref name="index"/> of remote tier <paramref name="tier"/>.</summary>
    public static Party Server(int tier, int index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tier, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return new Party(tier, index);
    }

    /// <summary>The deepest hierarchy the protocol builds: remote tiers 1..16.</summary>
    public const int MaxTiers = 16;

    /// <summary>The widest tier: 16 servers (the garbled circuits then add 17 shares).</summary>
    public const int MaxServersPerTier = 16;

    /// <summary>A compact number for wire formats: −1 − session a user (−1 the one user), 0 the gateway, 64·tier + index a server.</summary>
    public int Code => IsUser ? -1 - Index : (Tier * 64) + Index;

    /// <summary>The party of <see cref="Code"/>; null when the number names no party within the limits.</summary>
    public static Party? FromCode(int code) => code switch
    {
        < 0 when code >= -MaxUsers => UserOf(-1 - code),
        0 => Gateway,
        _ when code >= 64 && code / 64 <= MaxTiers && code % 64 < MaxServersPerTier => Server(code / 64, code % 64),
        _ => null,
    };

    public bool IsUser => Tier < 0;

    public bool IsGateway => Tier == 0;

    public bool IsServer => Tier > 0;

    /// <summary>The server's duty in its tier's circuits; throws for the user and the gateway.</summary>
    public ServerDuty Duty => !IsServer ? throw new InvalidOperationException($"{this} is not a remote server")
        : Index switch { 0 => ServerDuty.Garbler, 1 => ServerDuty.Evaluator, _ => ServerDuty.Provider };

    public int CompareTo(Party other) => Tier != other.Tier ? Tier.CompareTo(other.Tier) : Index.CompareTo(other.Index);

    /// <summary>A name for identifiers (actor names, file names): "user", "gateway", or "t{tier}s{index}".</summary>
    public string Slug => IsUser ? (Index == 0 ? "user" : $"user{Index}") : IsGateway ? "gateway" : $"t{Tier}s{Index}";

    /// <summary>"user", "gateway", or "tier 2 evaluator" / "tier 1 provider 3" (the scenario's names are the host's).</summary>
    public override string ToString() => IsUser ? (Index == 0 ? "user" : $"user {Index}") : IsGateway ? "gateway"
        : Duty == ServerDuty.Provider ? $"tier {Tier} provider {Index}" : $"tier {Tier} {Duty.ToString().ToLowerInvariant()}";
}

/// <summary>Something a role reports to its host besides messages (query progress, results).</summary>
public abstract record ProtocolEvent;

/// <summary>The gateway welcomed the user: the server session is ready and the user may begin queries.</summary>
public sealed record UserWelcomed : ProtocolEvent;

/// <summary>The gateway gave user <paramref name="User"/>'s query <paramref name="UserQuery"/> server query <paramref name="ServerQuery"/> (hosts map sessions with it).</summary>
public sealed record QueryAssigned(Party User, int UserQuery, int ServerQuery) : ProtocolEvent;

/// <summary>The user starts a query's preprocessing (its offline part).</summary>
public sealed record PreprocessingStarted(int Query) : ProtocolEvent;

/// <summary>The query's preparation is done at the user and the servers: it can go online as soon as its input is in.</summary>
public sealed record QueryPrepared(int Query) : ProtocolEvent;

/// <summary>The user sends its masked input: the online phase (and the user's waiting time) of the query starts.</summary>
public sealed record OnlineStarted(int Query) : ProtocolEvent;

/// <summary>The user decrypted the query's logits (residues mod p in output order).</summary>
public sealed record PredictionReady(int Query, ulong[] Logits) : ProtocolEvent;

/// <summary>The user gave up on a query: it failed somewhere (<see cref="Messages.QueryAborted"/>); the user moved on.</summary>
public sealed record QueryFailed(int Query, string Reason) : ProtocolEvent;

/// <summary>
/// Where a role's messages and events go; the host delivers them (sans-IO, docs/seco-run.md). A role may lend the
/// messages pooled payloads (<see cref="Lend"/>); a host that has encoded every message disposes the outbox, which
/// gives them back. A host that never disposes it only leaves them to the collector.
/// </summary>
public sealed class Outbox : IDisposable
{
    private readonly List<Action> _loans = [];

    public List<(Party To, SecoMessage Message)> Messages { get; } = [];

    public List<ProtocolEvent> Events { get; } = [];

    public void Send(Party to, SecoMessage message) => Messages.Add((to, message));

    public void Raise(ProtocolEvent e) => Events.Add(e);

    /// <summary>
    /// <paramref name="giveBack"/> returns pooled buffers some message of this outbox holds (garbled chunks, issue 19);
    /// it runs on <see cref="Dispose"/>, after which those messages must not be read.
    /// </summary>
    public void Lend(Action giveBack) => _loans.Add(giveBack);

    /// <summary>Gives every loan back; call it once every message has been encoded (sent or dropped).</summary>
    public void Dispose()
    {
        // Each loan runs at most once (review 19b): a loan run twice returns its arrays twice, and two later renters
        // then share one array. So the list is emptied before any loan runs (a second or re-entrant Dispose finds
        // nothing), and one loan that throws does not keep the others from going back.
        Action[] loans = [.. _loans];
        _loans.Clear();
        List<Exception>? errors = null;
        foreach (Action giveBack in loans)
        {
            try
            {
                giveBack();
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }
        if (errors is [var only]) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(only);
        if (errors is not null) throw new AggregateException("giving an outbox's loans back failed", errors);
    }
}

/// <summary>A SECO role: a state machine that takes one message at a time and emits messages into an outbox.</summary>
public interface ISecoRole
{
    Party Self { get; }

    /// <summary>Called once before any message.</summary>
    void Start(Outbox outbox);

    /// <summary>Handles one message; throws <see cref="ProtocolViolationException"/> (or InvalidDataException) on a message that does not fit the state.</summary>
    void Handle(Party from, SecoMessage message, Outbox outbox);

    /// <summary>
    /// The query failed here (the host calls this when a handler of the query threw or its session failed) or at
    /// <paramref name="from"/> (a <see cref="QueryAborted"/> arrived): drop its state, tell every other peer once,
    /// and never run the query again. Idempotent; the other queries go on.
    /// </summary>
    void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null);

    /// <summary>
    /// Query <paramref name="query"/> of user session <paramref name="user"/> failed here (the host calls this when a
    /// handler of that user's message threw). Only the gateway tells users apart and numbers each user's queries
    /// apart from the server queries; every other role has one numbering and aborts by it.
    /// </summary>
    void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox);
}

/// <summary>A role that takes its queries' inputs as they arrive (the user; a host's wrapper of it passes them on).</summary>
public interface IUserInputs
{
    /// <summary>Query <paramref name="query"/>'s input has arrived (issue 22's workloads).</summary>
    void Submit(int query, ulong[] input, Outbox outbox);
}

/// <summary>A role that keeps a session per user (the gateway, issue 22): a host ends one when its user leaves.</summary>
public interface IUserSessions
{
    /// <summary>
    /// User session <paramref name="user"/> is over (its connection ended, or its own message failed the session): its
    /// queries in flight are dropped everywhere — the servers hear <paramref name="reason"/>, the user nothing more — its
    /// keys and OT state are released, and a later message in its name is refused. The other users go on. Idempotent.
    /// </summary>
    void EndUserSession(Party user, string reason, Outbox outbox);

    /// <summary>
    /// The server session's key set has given every query of its budget (docs/noise.md): no user's next query can run
    /// under it. A host that serves users over time then admits new users into a new server session (re-keying).
    /// </summary>
    bool KeySetSpent { get; }
}

/// <summary>The queries a role has aborted: later messages of theirs are dropped quietly, and they never run again.</summary>
internal sealed class AbortedQueries
{
    private readonly HashSet<int> _queries = [];

    public bool Contains(SecoMessage message) => message is QueryMessage q && _queries.Contains(q.Query);

    public bool Contains(int query) => _queries.Contains(query);

    /// <summary>Marks the query aborted; false if it already was. Tells <paramref name="peers"/> (but not <paramref name="from"/>) the first time.</summary>
    public bool Add(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from, params IEnumerable<Party> peers)
    {
        if (!_queries.Add(query)) return false;
        foreach (Party peer in peers)
            if (peer != from) outbox.Send(peer, new QueryAborted(query, at, reason));
        return true;
    }
}

/// <summary>A message that is well-formed but not what the protocol allows here (wrong sender, state or size).</summary>
public sealed class ProtocolViolationException(string message) : Exception(message);
