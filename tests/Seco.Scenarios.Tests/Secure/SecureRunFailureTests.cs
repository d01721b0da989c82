using Seco.Actors.Runtime;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// A query that fails in the actor runtime fails alone: the runtime fails its session where a handler threw, the
/// role actor aborts the query (QueryAborted to the peers), and the user goes on with the next query.
/// </summary>
public class SecureRunFailureTests
{
    /// <summary>A user that sends its OT request of query 1 twice, as a cheating receiver would to learn Δ.</summary>
    private sealed class ReplayingUser(ISecoRole inner) : ISecoRole
    {
        public Party Self => inner.Self;

        public void Start(Outbox outbox) => inner.Start(outbox);

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            inner.Handle(from, message, outbox);
            foreach ((Party to, SecoMessage m) in outbox.Messages.ToList())
                if (m is OtRequest { Query: 1, Purpose: OtPurpose.UserLabels })
                    outbox.Send(to, m);
        }

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => inner.Abort(query, at, reason, outbox, from);

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => inner.AbortUserQuery(user, query, at, reason, outbox);
    }

    [Fact]
    public void A_replayed_OT_request_fails_its_query_and_the_others_finish_bit_exact()
    {
        Scenario scenario = MlpScenario.Load("mlp-failure");
        SecureRunResult result = SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly,
            role => role.Self == Party.User ? new ReplayingUser(role) : role);

        Assert.True(result.Queries[0].BitExact);
        Assert.True(result.Queries[2].BitExact);
        Assert.False(result.Queries[1].Completed);
        Assert.Contains("a second OT request for query 1, purpose UserLabels, block 1", result.Queries[1].FailureReason, StringComparison.Ordinal);
        // The runtime recorded the violation where it happened: at A, in query 1's session, in user preprocessing.
        var failure = Assert.Single(new[] { "user", "A", "B", "C" }.SelectMany(p => result.Simulator.Party(p).Failures), f => !f.Remote);
        Assert.Equal("A", failure.Party);
        Assert.Equal(RoleActor.UserSessionOf(0, 1), failure.Session); // A→user traffic travels in the user's session (issue 22)
        Assert.Contains("ProtocolViolationException", failure.Error, StringComparison.Ordinal);
    }
}
