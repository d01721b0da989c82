using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// A tier before the last is done with a query once it has handed the boundary on (its garbler once every peer has
/// its boundary labels, its evaluator once it sent x − r on, a provider once it forwarded its last labels). MLP at
/// l = 0 on tier 1 = two servers (block 1) and tier 2 = three servers (blocks 2–3), three queries.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class LateMessageTests
{
    private static readonly TierSpec[] Tiers = [new TierSpec(2, 1), new TierSpec(3, 2)];
    private static readonly Party G1 = Party.Server(1, 0), V1 = Party.Server(1, 1), P2 = Party.Server(2, 2);

    /// <summary>
    /// A failure in tier 2 after tier 1 finished query 1 (V₁ replays the boundary activation to a tier-2 provider).
    /// The abort must reach A and the user (query 1 fails), tier 1 must take A's late QueryAborted quietly, and
    /// queries 0 and 2 must finish bit-exact.
    /// </summary>
    private static readonly Lazy<Hierarchy> LateFailure = new(() =>
    {
        bool sent = false;
        Hierarchy? h = null;
        h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 3, inject: (from, to, m) =>
        {
            if (sent || to != Party.Server(2, 0) || m is not MaskedActivation { Query: 1, Block: 2 } boundary)
                return [];
            sent = true;
            return [(V1, P2, boundary)];
        });
        h.Run();
        return h;
    });

    [Fact]
    public void A_failure_in_the_last_tier_after_the_first_finished_fails_that_query_only()
    {
        Hierarchy h = LateFailure.Value;
        Assert.Contains(h.Loop.Failures, f => f.At == P2 && f.Error is ProtocolViolationException);
        Assert.Equal([1], h.Failed);
        Assert.Equal([0, 2], h.Predicted);
        h.AssertPredictionsBitExact();
        // Tier 1 was told by A and took it quietly (no failure of its own, no second abort from it).
        Assert.Contains(h.Loop.Delivered, d => d.To == G1 && d.Message is QueryAborted { Query: 1 });
        Assert.DoesNotContain(h.Loop.Failures, f => f.At.Tier == 1);
        Assert.DoesNotContain(h.Loop.Delivered, d => d.From.Tier == 1 && d.Message is QueryAborted { Query: 1 });
    }

    /// <summary>
    /// docs/hierarchy.md: "the user learns neither the depth nor the widths behind A". A forwards a failure's reason to
    /// the user verbatim (GatewayRole.Abort → QueryAborted(reason) → the user's QueryFailed), and the servers' reasons
    /// name their positions ("tier 2 provider 2 …", "expected 3 linear-share ciphertexts …"): a failure anywhere tells
    /// the user the hierarchy's shape. The test asserts the secure behaviour (the user's reason names no tier or
    /// server role) and fails while the reason is forwarded as is.
    /// </summary>
    [Fact]
    public void The_user_learns_nothing_of_the_hierarchy_from_a_failure_reason()
    {
        Hierarchy h = LateFailure.Value;
        QueryFailed failed = Assert.Single(h.Loop.Events.OfType<QueryFailed>());
        string[] revealing = ["tier", "provider", "evaluator", "garbler"];
        Assert.False(revealing.Any(w => failed.Reason.Contains(w, StringComparison.OrdinalIgnoreCase)),
            $"the user's failure reason describes the hierarchy behind A: \"{failed.Reason}\"");
    }

    /// <summary>
    /// A late frame for a query tier 1 has finished (V₁ replays its boundary OT request once the output reached A):
    /// tier 1's garbler refuses it by name, does not abort a query that is over, and query 1 still finishes.
    /// </summary>
    [Fact]
    public void A_late_frame_to_a_finished_tier_is_refused_and_the_query_still_finishes()
    {
        bool sent = false;
        Hierarchy? h = null;
        h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 3, inject: (from, to, m) =>
        {
            if (sent || !to.IsGateway || m is not OutputCiphertext { Query: 1 })
                return [];
            sent = true;
            var request = h!.Loop.Delivered.First(d => d.From == V1 && d.To == G1 && d.Message is OtRequest { Query: 1, Purpose: OtPurpose.EvaluatorShare }).Message;
            return [(V1, G1, request)];
        });
        h.Run();
        Assert.True(sent);
        var failure = Assert.Single(h.Loop.Failures);
        Assert.Equal(G1, failure.At);
        Assert.IsType<ProtocolViolationException>(failure.Error);
        Assert.Empty(h.Failed);
        Assert.Equal([0, 1, 2], h.Predicted);
        h.AssertPredictionsBitExact();
    }
}
