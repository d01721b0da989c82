using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22, finding (medium, fixed): the key set's query budget — and F_A's lifetime count — are shared by every user
/// of the server session (issue 22), but A charged them for a user's preprocessing <i>before</i> checking it: a
/// <see cref="UserPreprocessing"/> with no ciphertexts at all took the next server query (the servers are told to drop
/// it) and one query of F_A's life, then was refused. One user could so spend the whole key set's budget with a few
/// bytes per query, at no HE cost to itself and none to A, and every other user's next query was refused ("past this
/// key set's budget"). A malformed preprocessing must fail the sender's query without spending anyone's budget.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class SharedBudgetBurnTests
{
    private const int Budget = 4;

    [Fact]
    public void Malformed_preprocessing_of_one_user_spends_no_budget_of_the_others()
    {
        var run = new MultiUserRun(users: 2, queriesPerUser: 1, queryBudget: Budget,
            // User 0 is hostile: it never sends its honest preprocessing; at its welcome it sends Budget empty ones.
            wrap: (address, role) => address == Party.UserOf(0) ? new HostileRole(role) { Rewrite = (_, m) => m is UserPreprocessing ? null : m } : role);
        long servedBefore = run.Deployment.Gateway.ServedQueries;
        run.Inject = (from, to, m) => m is GatewayWelcome && to == Party.UserOf(0)
            ? Enumerable.Range(0, Budget).Select(j => (Party.UserOf(0), Party.Gateway, (SecoMessage)new UserPreprocessing(j, [], [])))
            : [];
        run.Run();

        // Each of the hostile user's malformed queries failed (its own).
        Assert.Equal(Budget, run.Failures.Count(f => f.From == Party.UserOf(0)));
        // The honest user's query runs, bit-exact: nobody else's malformed messages spent its budget.
        Assert.True(run.Failed(1).Length == 0, run.Describe());
        run.AssertAllExact(1);
        // F_A's lifetime count went up by the one query that was served.
        Assert.Equal(servedBefore + 1, run.Deployment.Gateway.ServedQueries);
    }
}
