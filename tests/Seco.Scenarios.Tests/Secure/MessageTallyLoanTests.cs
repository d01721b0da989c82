using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>A tallied role's loans (issue 19's pooled garbled chunks) reach the host's outbox: they go back when it is disposed.</summary>
public class MessageTallyLoanTests
{
    private sealed class Lending(Action giveBack) : ISecoRole
    {
        public Party Self => Party.Garbler;

        public void Start(Outbox outbox) { }

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            outbox.Send(Party.Evaluator, new PreparationBegin(1));
            outbox.Lend(giveBack);
        }

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) { }

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) { }
    }

    [Fact]
    public void The_host_s_dispose_gives_the_wrapped_role_s_loans_back()
    {
        int given = 0;
        var tally = new MessageTally();
        ISecoRole role = tally.Wrap(new Lending(() => given++));
        var host = new Outbox();
        role.Handle(Party.Gateway, new PreparationBegin(1), host);
        Assert.Single(host.Messages);
        Assert.Equal(0, given);
        host.Dispose();
        Assert.Equal(1, given);
    }
}
