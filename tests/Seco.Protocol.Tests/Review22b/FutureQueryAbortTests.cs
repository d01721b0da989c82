using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

using Seco.Protocol.Tests.Review22;

namespace Seco.Protocol.Tests.Review22b;

/// <summary>
/// Review 22b, question 4 — FINDING (was a real bug, fixed): A may abort a user's <em>next</em> query before the user
/// has begun it (a message naming it that A refused: e.g. one injected by the network). A then takes the user's next
/// preprocessing under the following number and drops any message of the aborted one quietly. The user ignored
/// QueryAborted for a query it had not begun, began it later, and A never answered: the query hung — and with a
/// pipelined (or sequential) user every later query hung behind it, a silent stall rather than a failure. Now the user
/// skips a query aborted ahead (it fails, and A is told in order), and goes on with the next ones.
/// </summary>
[Trait("Category", "SecurityReview22b")]
public class FutureQueryAbortTests
{
    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 2)]
    public void A_query_aborted_before_the_user_began_it_fails_and_the_next_ones_go_on(bool pipelined, int pool)
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 4, pipelined: pipelined, pool: pool);
        run.SubmitAll();
        int target = -1;
        run.Inject = (from, to, m) =>
        {
            // Right after A took the user's preprocessing of query 0 (pool: of the last one the pool holds), a forged
            // message names the next query, which the user has not begun yet: A refuses it and aborts that query.
            if (target >= 0 || !to.IsGateway || m is not UserPreprocessing p || p.Query != (pool > 0 ? pool - 1 : 0))
                return [];
            target = p.Query + 1;
            return [(Party.UserOf(0), Party.Gateway, new MaskedActivation(target, 1, new ulong[run.P.Block(1).Columns]))];
        };
        run.Run();

        Assert.True(target >= 1);
        Assert.Equal([target], run.Failed(0));
        Assert.Equal(Enumerable.Range(0, 4).Where(q => q != target), run.Predicted(0).Order());
        run.AssertBitExact(0);
        GatewayState.AssertFreed(run.Gateway);
    }

    /// <summary>
    /// A network that tells only the user that a future query was aborted (A never aborted it): the user skips it and
    /// tells A in order, so A numbers the user's next preprocessing as the user does and nothing hangs.
    /// </summary>
    [Fact]
    public void A_forged_abort_of_a_future_query_told_to_the_user_only_costs_that_query_only()
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 4, pipelined: true);
        run.SubmitAll();
        bool sent = false;
        run.Inject = (from, to, m) =>
        {
            if (sent || !to.IsUser || m is not GatewayWelcome)
                return [];
            sent = true;
            return [(Party.Gateway, Party.UserOf(0), new QueryAborted(2, ProtocolPhase.UserPreprocessing, "forged"))];
        };
        run.Run();

        Assert.True(sent);
        Assert.Equal([2], run.Failed(0));
        Assert.Equal([0, 1, 3], run.Predicted(0).Order());
        run.AssertBitExact(0);
        GatewayState.AssertFreed(run.Gateway);
    }
}
