using Seco.Cluster.Door;
using Seco.Cluster.Local;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review22c;

/// <summary>
/// Review 22c: a user must not learn its session number at the gateway (how many users came before it in the run — the
/// node names every user "the user" in reasons for that reason). A message kind the gateway never takes from anyone
/// fell through to the role's catch-all refusal, which named the sender by <c>Party.ToString()</c>: "from user 1".
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "Review22c")]
public sealed class SessionNumberLeakTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_refused_message_kind_does_not_tell_the_user_its_session_number()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp(queries: 1);
        ModelSplit split = ClusterScenarios.Deal(prepared);
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = output.WriteLine });

        // Session 0 opens the run and says nothing; session 1 joins properly, then sends a server's setup message.
        await using var first = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using var second = await DoorProbe.Handshake(cluster.Door.Port, cluster.User.Certificate);
        using (var join = new Outbox())
        {
            new UserRole(split.Parameters.ForUser(), LoopbackCluster.InputsOf(prepared)).Start(join);
            await DoorFrames.WriteAsync(second, SecoCodecs.Encode(join.Messages.Single().Message), default);
        }
        await DoorFrames.WriteAsync(second, SecoCodecs.Encode(new SetupBegin(new byte[32], [])), default);
        byte[]? closing = await DoorProbe.ReadUntilClosedFrame(second, TimeSpan.FromSeconds(30));

        string? reason = closing is null ? null : DoorFrames.ClosedReason(closing);
        output.WriteLine($"closed with: {reason}");
        Assert.NotNull(reason);
        Assert.Contains("does not expect SetupBegin", reason);
        Assert.DoesNotContain("user 1", reason, StringComparison.Ordinal);
    }
}
