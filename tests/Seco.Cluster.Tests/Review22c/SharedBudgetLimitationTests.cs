using Seco.Cluster.Door;
using Seco.Cluster.Local;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Model;
using Seco.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review22c;

/// <summary>
/// Review 22c, a limitation pinned (not fixed): the run's key set and its query budget are shared by every user in
/// session (D25), and a run re-keys only when a new run starts — after its last user has left. The door has no idle
/// timeout, so one user can spend the budget and then hold a connection without a word: every user after it is refused
/// every query ("… budget of N queries …") for as long as that connection stays, though the door admits them. Before
/// issue 22 each user had a run, so a key set of its own. A fix needs the gateway to re-key under users (or start a
/// new run beside the spent one) and a limit on idle sessions (issue [9/9]'s door limits); a per-user share of the
/// budget would bound, not end, it.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Review22c")]
public sealed class SharedBudgetLimitationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Limitation_one_user_spends_the_shared_key_set_and_a_silent_connection_keeps_it_spent_for_every_later_user()
    {
        PreparedScenario prepared = Review22cScenarios.MlpWithBudget(queries: 3, budget: 2);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = output.WriteLine });
        ulong[][] inputs = LoopbackCluster.InputsOf(prepared);

        // A connection that never sends a frame opens the run and holds it (and one max_users slot).
        var silent = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        await Task.Delay(TimeSpan.FromSeconds(1));
        // One user runs the key set's two queries (honestly: anyone may).
        UserSessionResult spender = await cluster.RunUserAsync([inputs[0], inputs[1]]).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.All(spender.Queries, q => Assert.Null(q.Failure));

        // Every later user is admitted, and refused its query.
        UserSessionResult later = await cluster.RunUserAsync([inputs[2]]).WaitAsync(TimeSpan.FromMinutes(2));
        output.WriteLine($"later user: {later.Queries[0].Failure}");
        Assert.Null(later.Queries[0].Logits);
        Assert.Contains("budget of 2 queries", later.Queries[0].Failure);

        // Once the silent connection goes, the run ends; the next user gets a new run, a new key set, and its prediction.
        await silent.DisposeAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        UserSessionResult fresh = await cluster.RunUserAsync([inputs[2]]).WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Null(fresh.Queries[0].Failure);
        Assert.Equal(FixedPointReference.Forward(prepared.FixedModel, prepared.Queries[2].Input).Logits,
            fresh.Queries[0].Logits!.Select(PrimeField.ToSigned).ToArray());
    }
}
