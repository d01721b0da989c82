using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Protocol.Tests;

/// <summary>
/// A single-threaded host for the four roles: FIFO delivery of every message through its codec (encode, decode),
/// so each run also exercises the wire form. Records what every party received, for the leakage tests.
/// </summary>
internal sealed class ProtocolLoopback
{
    private readonly Dictionary<Party, ISecoRole> _roles;
    private readonly Queue<(Party From, Party To, byte[] Bytes)> _wire = new();

    public ProtocolLoopback(params ISecoRole[] roles) => _roles = roles.ToDictionary(r => r.Self);

    public List<(Party From, Party To, SecoMessage Message, int Bytes)> Delivered { get; } = [];

    public List<ProtocolEvent> Events { get; } = [];

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
            Flush(to, o => _roles[to].Handle(from, message, o));
        }
    }

    private void Flush(Party self, Action<Outbox> act)
    {
        var outbox = new Outbox();
        act(outbox);
        foreach ((Party to, SecoMessage message) in outbox.Messages)
            _wire.Enqueue((self, to, SecoCodecs.Encode(message)));
        Events.AddRange(outbox.Events);
    }
}
