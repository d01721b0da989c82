using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Tests;

/// <summary>Wraps a role and records every message it emits: the simulator's side of the conformance checks.</summary>
internal sealed class RecordingRole(ISecoRole inner, List<(Party From, SecoMessage Message)> sent) : ISecoRole
{
    public Party Self => inner.Self;

    public void Start(Outbox outbox) => Record(outbox, o => inner.Start(o));

    public void Handle(Party from, SecoMessage message, Outbox outbox) => Record(outbox, o => inner.Handle(from, message, o));

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => Record(outbox, o => inner.Abort(query, at, reason, o, from));

    private void Record(Outbox outbox, Action<Outbox> act)
    {
        var mine = new Outbox();
        act(mine);
        foreach ((Party to, SecoMessage m) in mine.Messages)
        {
            lock (sent) sent.Add((Self, m));
            outbox.Send(to, m);
        }
        foreach (ProtocolEvent e in mine.Events) outbox.Raise(e);
    }
}
