using Seco.Protocol.Messages;

namespace Seco.Protocol.Roles;

/// <summary>The four SECO parties (paper Fig. 1): the user, gateway A, and the remote tier's garbler B and evaluator C.</summary>
public enum Party
{
    User,
    Gateway,
    Garbler,
    Evaluator,
}

/// <summary>Something a role reports to its host besides messages (query progress, results).</summary>
public abstract record ProtocolEvent;

/// <summary>The user starts a query's preprocessing (its offline part).</summary>
public sealed record PreprocessingStarted(int Query) : ProtocolEvent;

/// <summary>The user sends its masked input: the online phase (and the user's waiting time) of the query starts.</summary>
public sealed record OnlineStarted(int Query) : ProtocolEvent;

/// <summary>The user decrypted the query's logits (residues mod p in output order).</summary>
public sealed record PredictionReady(int Query, ulong[] Logits) : ProtocolEvent;

/// <summary>The user gave up on a query: it failed somewhere (<see cref="Messages.QueryAborted"/>); the user moved on.</summary>
public sealed record QueryFailed(int Query, string Reason) : ProtocolEvent;

/// <summary>Where a role's messages and events go; the host delivers them (sans-IO, docs/seco-run.md).</summary>
public sealed class Outbox
{
    public List<(Party To, SecoMessage Message)> Messages { get; } = [];

    public List<ProtocolEvent> Events { get; } = [];

    public void Send(Party to, SecoMessage message) => Messages.Add((to, message));

    public void Raise(ProtocolEvent e) => Events.Add(e);
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
}

/// <summary>The queries a role has aborted: later messages of theirs are dropped quietly, and they never run again.</summary>
internal sealed class AbortedQueries
{
    private readonly HashSet<int> _queries = [];

    public bool Contains(SecoMessage message) => message is QueryMessage q && _queries.Contains(q.Query);

    /// <summary>Marks the query aborted; false if it already was. Tells <paramref name="peers"/> (but not <paramref name="from"/>) the first time.</summary>
    public bool Add(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from, params Party[] peers)
    {
        if (!_queries.Add(query)) return false;
        foreach (Party peer in peers)
            if (peer != from) outbox.Send(peer, new QueryAborted(query, at, reason));
        return true;
    }
}

/// <summary>A message that is well-formed but not what the protocol allows here (wrong sender, state or size).</summary>
public sealed class ProtocolViolationException(string message) : Exception(message);
