using Akka.Actor;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Cluster.Wire;
using Seco.Lattice.Parameters;
using Seco.Nn.Field;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review18Cluster;

/// <summary>
/// Review of issue 18 (cluster): a pinned server deep in the hierarchy cannot offer a link in another server's name.
/// A link offer names its consumer, which must be at the named party's node — but any actor there would do (its node
/// actor, say), and a consumer registered again takes the link over: a tier-2 server could offer the gateway, as the
/// tier-1 garbler, the garbler's own node actor, and the gateway's messages to the garbler would go there from then on.
/// The offer must come from the named party's node.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "SecurityReview18Cluster")]
public sealed class ForgedLinkOfferTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_tier_2_server_cannot_offer_the_gateway_a_link_as_the_tier_1_garbler()
    {
        PreparedScenario prepared = ClusterScenarios.TwoTierMlp();
        Scenario s = prepared.Scenario;
        ModelSplit split = ClusterScenarios.Deal(prepared);
        ulong[][] inputs = [.. LoopbackCluster.InputsOf(prepared).Take(1)];
        var log = new List<string>();
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, LoopbackCluster.ServerNames(s.Hierarchy),
            new LoopbackOptions { Log = l => { lock (log) log.Add(l); } });
        NodeHost gateway = cluster.Hosts.Single(h => h.Settings.Self.Role == Party.Gateway);
        NodeHost garbler = cluster.Hosts.Single(h => h.Settings.Self.Role == Party.Garbler);
        NodeHost attacker = cluster.Hosts.Single(h => h.Settings.Self.Role == Party.Server(2, 1));
        Address AddressOf(NodeHost h) => Akka.Cluster.Cluster.Get(h.System).SelfAddress;

        // A link taken over stalls the setup, which has no deadline of its own: the user gives up after two minutes.
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Task<UserSessionResult> session = cluster.RunUserAsync(inputs, cancel: giveUp.Token);
        for (int i = 0; i < 600 && !gateway.Runs.ContainsKey(1); i++) await Task.Delay(50);
        Assert.True(gateway.Runs.ContainsKey(1), "run 1 did not start");

        // The attacker (tier 2's evaluator, its own ActorSystem) resolves the gateway's node and the garbler's node actor.
        IActorRef gatewayNode = await attacker.System.ActorSelection(new RootActorPath(AddressOf(gateway)) / "user" / NodeActor.Name).ResolveOne(TimeSpan.FromSeconds(10));
        IActorRef garblerNode = await attacker.System.ActorSelection(new RootActorPath(AddressOf(garbler)) / "user" / NodeActor.Name).ResolveOne(TimeSpan.FromSeconds(10));
        bool accepted;
        try
        {
            await gatewayNode.Ask<LinkAccepted>(new LinkOffer(1, Party.Garbler, garblerNode, "forged"), TimeSpan.FromSeconds(5));
            accepted = true;
        }
        catch (AskTimeoutException)
        {
            accepted = false;
        }

        UserSessionResult result = await session;
        lock (log) foreach (string line in log.Where(l => l.Contains("offer", StringComparison.OrdinalIgnoreCase) || l.Contains("failed", StringComparison.Ordinal))) output.WriteLine(line);
        output.WriteLine($"the forged offer was {(accepted ? "accepted" : "not answered")}; the session: {result.SessionFailure ?? "succeeded"}");
        Assert.False(accepted, "the gateway accepted a link offer in the tier 1 garbler's name from the tier 2 evaluator's node");
        Assert.Null(result.SessionFailure);
        Assert.All(result.Queries, q => Assert.NotNull(q.Logits));
    }
}
