using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// The issue's standard: "a malformed or hostile frame fails one session with a message naming the problem, never the
/// node". A remote server that aborts a query it has not seen yet marks it aborted forever and tells A and its tier
/// peers (RemoteServerRole.Abort, "one not seen yet is marked so it never starts"); A ignores an abort for a query it
/// has not begun unless it is exactly its next one (GatewayRole.Abort). So a single hostile frame that names a future
/// query — any frame whose handler throws, or a bare QueryAborted from a tier peer — poisons that query at the
/// servers while A and the user know nothing: when A begins it, the servers drop its messages silently, A waits for
/// mask shares that never come, the user for QueryReady, and since the user runs its queries one after another, no
/// later query ever runs. The session hangs (no QueryFailed, no prediction) instead of failing one query.
///
/// Each case: the MLP at l = 0 on tiers (3 servers, blocks 1–2) and (2 servers, block 3), three queries; the hostile
/// frame goes out once, while query 0 is being prepared. The test asserts the secure behaviour: every query either
/// finishes bit-exact or fails with a reason, and every query but the one named finishes.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class FutureQueryTests
{
    private static readonly TierSpec[] Tiers = [new TierSpec(3, 2), new TierSpec(2, 1)];

    [Theory]
    [InlineData("garbage OT request from a provider to its garbler", 1)] // query 1 is A's next query at that moment
    [InlineData("garbage OT request from a provider to its garbler", 2)]
    [InlineData("masked activation from a tier-2 server to a tier-1 provider", 2)]
    [InlineData("QueryAborted from a tier peer", 2)]
    public void A_hostile_frame_naming_a_future_query_fails_at_most_that_query(string attack, int target)
    {
        Party provider = Party.Server(1, 2), garbler = Party.Server(1, 0), tier2 = Party.Server(2, 0);
        bool sent = false;
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 3, inject: (from, to, m) =>
        {
            if (sent || to != provider || m is not PreparationBegin { Query: 0 })
                return [];
            sent = true;
            return attack switch
            {
                "garbage OT request from a provider to its garbler" => [(provider, garbler, new OtRequest(target, OtPurpose.EvaluatorMasks, 0, new byte[64]))],
                "masked activation from a tier-2 server to a tier-1 provider" => [(tier2, provider, new MaskedActivation(target, 1, new ulong[784]))],
                _ => [(provider, garbler, new QueryAborted(target, ProtocolPhase.ServerPreprocessing, "hostile"))],
            };
        });
        h.Run();

        Assert.True(sent);
        int[] settled = [.. h.Predicted.Concat(h.Failed).Order()];
        Assert.True(settled.SequenceEqual([0, 1, 2]),
            $"after one hostile frame naming query {target} ({attack}) the session hung: predictions [{string.Join(", ", h.Predicted)}], failures [{string.Join(", ", h.Failed)}]; "
            + $"queries never settled: [{string.Join(", ", new[] { 0, 1, 2 }.Except(settled))}]; handler failures: {string.Join(" | ", h.Loop.Failures.Select(f => $"{f.At}: {f.Error.GetType().Name}: {f.Error.Message}"))}");
        Assert.Equal(new[] { 0, 1, 2 }.Where(q => q != target), h.Predicted.Where(q => q != target));
        h.AssertPredictionsBitExact();
    }
}
