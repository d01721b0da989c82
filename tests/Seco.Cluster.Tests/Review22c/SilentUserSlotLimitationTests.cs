using Seco.Cluster.Door;
using Seco.Cluster.Local;
using Seco.Protocol.Model;
using Seco.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review22c;

/// <summary>
/// Review 22c, a limitation pinned (not fixed; the door's limits are issue [9/9]'s): a connection with the pinned
/// user certificate that never sends a frame is a user in session — it holds one of <c>max_users</c> slots, and the
/// run, for as long as it stays open. <c>max_users</c> such connections turn every user away; one keeps the run (and its
/// user session numbers: after Party.MaxUsers admissions in one run every user is turned away until the run's last user
/// leaves) alive — once the run's key set is spent, only until the query deadline (ManyUsersClusterTests).
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Review22c")]
public sealed class SilentUserSlotLimitationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Limitation_a_connection_that_never_speaks_holds_a_max_users_slot()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 1);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = output.WriteLine, MaxUsers = 1 });

        await using var silent = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        await Task.Delay(TimeSpan.FromSeconds(3));
        UserSessionResult turnedAway = await cluster.RunUserAsync(LoopbackCluster.InputsOf(prepared)).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal("the gateway serves at most 1 users at once and is full; try again later", turnedAway.SessionFailure);
    }
}
