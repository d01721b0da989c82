using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
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
/// Review of issue 18 (cluster): what the user sees through the door does not depend on the hierarchy behind A. The
/// same model at the same split, served by one tier of two and by two tiers (3 + 2): the user receives the same number
/// of messages of the same sizes in every phase and sends the same kinds and bytes, and gets the same logits.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "SecurityReview18Cluster")]
public sealed class UserViewAcrossHierarchiesTests(ITestOutputHelper output)
{
    private static async Task<UserSessionResult> Run(PreparedScenario prepared)
    {
        Scenario s = prepared.Scenario;
        ModelSplit split = ClusterScenarios.Deal(prepared);
        ulong[][] inputs = [.. LoopbackCluster.InputsOf(prepared).Take(1)];
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, LoopbackCluster.ServerNames(s.Hierarchy), new LoopbackOptions { Log = _ => { } });
        return await cluster.RunUserAsync(inputs);
    }

    private static string View(PartyCosts c) =>
        string.Join("\n", c.Phases.Select(p => $"{p.Phase}: received {p.MessagesReceived} messages, {p.BytesReceived} B; sent {p.MessagesSent}, {p.BytesSent} B")
            .Concat(c.SentByKind.Select(k => $"sent {k.Kind}: {k.Messages} messages, {k.BodyBytes} B")));

    [Fact]
    public async Task The_user_sees_the_same_traffic_from_one_tier_of_two_and_from_two_tiers()
    {
        UserSessionResult one = await Run(ClusterScenarios.Mlp());
        UserSessionResult two = await Run(ClusterScenarios.TwoTierMlp());
        output.WriteLine("one tier of two:\n" + View(one.Costs));
        output.WriteLine("two tiers of 3 + 2:\n" + View(two.Costs));
        Assert.Null(one.SessionFailure);
        Assert.Null(two.SessionFailure);
        Assert.Equal(one.Queries[0].Logits, two.Queries[0].Logits);
        Assert.Equal(View(one.Costs), View(two.Costs));
    }
}
