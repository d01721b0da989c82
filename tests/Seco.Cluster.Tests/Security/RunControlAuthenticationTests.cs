using Akka.Actor;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Roles;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Security;

/// <summary>
/// Run control is authenticated per party, not per connection (docs/cluster.md, "Security review"): Akka lets a pinned
/// peer name any sender, so the garbler B forges RunStart, RunStarted, RunStop and RunStopped in the gateway's or the
/// evaluator's name — unsigned, signed with its own key, signed by A for B (a replay to another recipient) and signed
/// for another gateway incarnation. Each is dropped with a warning; the genuine, signed messages still run a session
/// bit-exact. The servers are pinned by fingerprint only, so the keys come from the TLS handshakes.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RunControlAuthenticationTests(ITestOutputHelper output)
{
    private const long Huge = long.MaxValue - 1;

    [Fact]
    public async Task A_garbler_cannot_start_a_run_on_the_evaluator_in_the_gateways_name()
    {
        await using AttackCluster c = await AttackCluster.StartAsync();
        IActorRef forgedA = c.GatewayAsSeenBy("B");
        var aSigner = new RunControl(c.Settings("A"));
        var bSigner = new RunControl(c.Settings("B"));

        // Unsigned (the review's attack: only the sender was checked).
        c.FromGarbler("C", new RunStart(Huge, c.DeploymentId), forgedA);
        // Signed by B with its own key, in A's name.
        c.FromGarbler("C", bSigner.Sealed(new RunStart(Huge - 1, c.DeploymentId), Party.Evaluator, c.GatewayUid, c.DeploymentId), forgedA);
        // A genuine RunStart of A's, signed for B, replayed to C.
        c.FromGarbler("C", aSigner.Sealed(new RunStart(Huge - 2, c.DeploymentId), Party.Garbler, c.GatewayUid, c.DeploymentId), forgedA);
        // Signed by A for C, but for another incarnation of the gateway.
        c.FromGarbler("C", aSigner.Sealed(new RunStart(Huge - 3, c.DeploymentId), Party.Evaluator, c.GatewayUid + 1, c.DeploymentId), forgedA);
        // A RunStarted in C's name to A, and a RunStopped in C's name.
        c.FromGarbler("A", new RunStarted(1, Party.Evaluator), c.Host("B").Node);
        c.FromGarbler("A", bSigner.Sealed(new RunStopped(1, Party.Evaluator), Party.Gateway, c.GatewayUid, c.DeploymentId), c.Host("B").Node);

        await AttackCluster.WaitUntil(() => c.Count("[evaluator C] warning: dropped RunStart") >= 4 && c.Count("[gateway A] warning: dropped RunStop") >= 1,
            TimeSpan.FromSeconds(20), "the forged messages to be dropped");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        UserSessionResult session = await c.RunUserAsync(1, cancel.Token);
        foreach (string l in c.Log) output.WriteLine(l);

        for (long run = Huge - 3; run <= Huge; run++)
            Assert.False(c.Logged($"run {run}: started"), $"evaluator C started run {run} on a RunStart that garbler B sent in the gateway's name");
        Assert.True(c.Logged($"[evaluator C] warning: dropped RunStart of run {Huge} in the name of gateway A: it is not signed"));
        Assert.True(c.Logged($"[evaluator C] warning: dropped RunStart of run {Huge - 1} in the name of gateway A: its signature does not verify against A's pinned certificate"));
        Assert.True(c.Logged($"[evaluator C] warning: dropped RunStart of run {Huge - 2} in the name of gateway A: its signature does not verify"));
        Assert.True(c.Logged($"[evaluator C] warning: dropped RunStart of run {Huge - 3} in the name of gateway A: it was signed for another incarnation of the gateway"));
        Assert.True(c.Logged("[gateway A] warning: dropped RunStarted of run 1 in the name of evaluator C: it is not signed"));
        Assert.True(c.Logged("[gateway A] warning: dropped RunStopped of run 1 in the name of evaluator C: its signature does not verify"));
        // The gateway's own, signed RunStart still starts the run everywhere, and the session is bit-exact.
        Assert.True(c.Logged("[evaluator C] run 1: started"));
        Assert.True(c.Logged("[garbler B] run 1: started"));
        Assert.Null(session.SessionFailure);
        Assert.True(c.BitExact(session));
    }

    [Fact]
    public async Task Only_the_gateway_can_stop_a_run_and_its_stop_is_acknowledged()
    {
        await using AttackCluster c = await AttackCluster.StartAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        Task<UserSessionResult> session = c.RunUserAsync(2, cancel.Token);
        await AttackCluster.WaitUntil(() => c.Logged("[evaluator C] run 1: started"), TimeSpan.FromSeconds(60), "run 1 on C");
        IActorRef forgedA = c.GatewayAsSeenBy("B");
        var bSigner = new RunControl(c.Settings("B"));
        c.FromGarbler("C", new RunStop(1, Party.Gateway, "stopped by garbler B"), forgedA);
        c.FromGarbler("C", bSigner.Sealed(new RunStop(1, Party.Gateway, "stopped by garbler B, signed"), Party.Evaluator, c.GatewayUid, c.DeploymentId), forgedA);
        // In C's name to A: the gateway would fail the run.
        c.FromGarbler("A", new RunStop(1, Party.Evaluator, "stopped by garbler B as C"), c.Host("B").Node);

        UserSessionResult result = await session;
        // The gateway ends the run when the user leaves; give the stops and their acknowledgements time (5 sends a second apart at most).
        await AttackCluster.WaitUntil(() => c.Logged("[evaluator C] run 1: ended") && c.Logged("[garbler B] run 1: ended"), TimeSpan.FromSeconds(20), "run 1 to end on B and C");
        await Task.Delay(TimeSpan.FromSeconds(6));
        foreach (string l in c.Log) output.WriteLine(l);

        Assert.Null(result.SessionFailure);
        Assert.True(c.BitExact(result));
        Assert.False(c.Logged("stopped by garbler B"), "a RunStop forged by garbler B ended a run");
        Assert.Equal(2, c.Count("[evaluator C] warning: dropped RunStop of run 1 in the name of gateway A"));
        Assert.True(c.Logged("[gateway A] warning: dropped RunStop of run 1 in the name of evaluator C: it is not signed"));
        // The genuine stop ended the run once on each server, and each acknowledged it (the gateway gives up on a
        // stop after 5 unacknowledged sends and says so).
        Assert.Equal(1, c.Count("[evaluator C] run 1: ended (the user finished)"));
        Assert.Equal(1, c.Count("[garbler B] run 1: ended (the user finished)"));
        // issue 20: a run's end names the node process's peak resident memory (its own peak when it is its own process)
        Assert.Equal(1, c.Count("[garbler B] run 1: ended (the user finished); peak resident memory of this process "));
        Assert.False(c.Logged("did not acknowledge"));
    }
}
