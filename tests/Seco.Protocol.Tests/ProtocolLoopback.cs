using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Protocol.Tests;

/// <summary>
/// A single-threaded host for the four roles: FIFO delivery of every message through its codec (encode, decode),
/// so each run also exercises the wire form. Records what every party received, for the leakage tests. Optionally
/// it behaves like the actor runtime on errors (a handler's exception fails only that query: the role aborts it) and
/// replays chosen messages, as a hostile network or party would.
/// </summary>
internal sealed class ProtocolLoopback
{
    private readonly Dictionary<Party, ISecoRole> _roles;
    private readonly Queue<(Party From, Party To, byte[] Bytes)> _wire = new();

    public ProtocolLoopback(params ISecoRole[] roles) => _roles = roles.ToDictionary(r => r.Self);

    public List<(Party From, Party To, SecoMessage Message, int Bytes)> Delivered { get; } = [];

    public List<ProtocolEvent> Events { get; } = [];

    /// <summary>When true, a handler's exception fails only the message's query (the role aborts it), as in the actor runtime; otherwise it propagates.</summary>
    public bool FailQueriesOnError { get; init; }

    /// <summary>How many extra copies of a message (from, to, message) the wire delivers right after it.</summary>
    public Func<Party, Party, SecoMessage, int>? Replays { get; init; }

    /// <summary>Messages a hostile party or network puts on the wire after a given message was delivered.</summary>
    public Func<Party, Party, SecoMessage, IEnumerable<(Party From, Party To, SecoMessage Message)>>? Inject { get; init; }

    /// <summary>Handler errors turned into query failures (with <see cref="FailQueriesOnError"/>).</summary>
    public List<(Party At, SecoMessage Message, Exception Error)> Failures { get; } = [];

    public void Run(int maxMessages = 1_000_000)
    {
        foreach (ISecoRole role in _roles.Values)
            Flush(role.Self, o => role.Start(o));
        int delivered = 0;
        while (_wire.Count > 0)
        {
            if (++delivered > maxMessages) throw new InvalidOperationException("the protocol does not terminate");
            (Party from, Party to, byte[] bytes) = _wire.Dequeue();
            SecoMessage message = SecoCodecs.Decode(bytes);
            // The record is a separate decode: what was on the wire, even if a handler modifies its copy's arrays.
            Delivered.Add((from, to, SecoCodecs.Decode(bytes), bytes.Length));
            try
            {
                Flush(to, o => _roles[to].Handle(from, message, o));
            }
            catch (Exception e) when (FailQueriesOnError && message is QueryMessage q)
            {
                Failures.Add((to, message, e));
                // A user's message names the user's own query number; the gateway numbers server queries apart (issue 22).
                if (from.IsUser)
                    Flush(to, o => _roles[to].AbortUserQuery(from, q.Query, q.Phase, e.Message, o));
                else
                    Flush(to, o => _roles[to].Abort(q.Query, q.Phase, e.Message, o));
            }
            foreach ((Party f, Party t, SecoMessage m) in Inject?.Invoke(from, to, message) ?? [])
                _wire.Enqueue((f, t, SecoCodecs.Encode(m)));
        }
    }

    private void Flush(Party self, Action<Outbox> act)
    {
        var outbox = new Outbox();
        act(outbox);
        foreach ((Party to, SecoMessage message) in outbox.Messages)
        {
            byte[] bytes = SecoCodecs.Encode(message);
            int copies = 1 + (Replays?.Invoke(self, to, message) ?? 0);
            for (int c = 0; c < copies; c++)
                _wire.Enqueue((self, to, bytes));
        }
        Events.AddRange(outbox.Events);
    }
}
