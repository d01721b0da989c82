using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Scenarios.Tests.Load;

/// <summary>A user that rewrites what it sends (a hostile or broken user in one session of a load).</summary>
internal sealed class RewritingUser(ISecoRole inner, Func<SecoMessage, SecoMessage> rewrite) : ISecoRole, IUserInputs
{
    public Party Self => inner.Self;

    public void Start(Outbox outbox) => inner.Start(outbox);

    public void Handle(Party from, SecoMessage message, Outbox outbox) => Pass(outbox, o => inner.Handle(from, message, o));

    public void Submit(int query, ulong[] input, Outbox outbox) => Pass(outbox, o => ((IUserInputs)inner).Submit(query, input, o));

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => inner.Abort(query, at, reason, outbox, from);

    public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => inner.AbortUserQuery(user, query, at, reason, outbox);

    private void Pass(Outbox outbox, Action<Outbox> act)
    {
        var mine = new Outbox();
        act(mine);
        foreach ((Party to, SecoMessage m) in mine.Messages)
            outbox.Send(to, rewrite(m));
        foreach (ProtocolEvent e in mine.Events) outbox.Raise(e);
    }
}
