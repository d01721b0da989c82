using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review20b;

/// <summary>
/// Review 20b: the per-block OT batches of the tier servers' mask labels and A's per-block ProviderLabels messages,
/// attacked in real MLP runs (l = 0; tier 1: three servers, blocks 1–2; tier 2: two servers, block 3). Each test asserts
/// the secure behaviour: the query fails by name (never hangs, never yields a wrong prediction), and the next query
/// runs bit-exact (no OT index desync survives the abort).
/// </summary>
[Trait("Category", "SecurityReview20b")]
public class PerBlockLabelReviewTests
{
    private static readonly TierSpec[] Tiers = [new TierSpec(3, 2), new TierSpec(2, 1)];

    private static void AssertQuery0FailedAndQuery1Exact(Hierarchy h)
    {
        Assert.Contains(0, h.Failed);
        Assert.DoesNotContain(0, h.Predicted);
        Assert.Contains(1, h.Predicted);
        h.AssertPredictionsBitExact();
    }

    /// <summary>A receiver renames its honest batch for block 1 as block 2 (out of order): the garbler serves block 2's
    /// wires to block-1 choices at most once; the receiver's own check refuses a reply for a block it did not ask for,
    /// the query fails by name, and block 2 can never be fetched again.</summary>
    [Theory]
    [InlineData("T1.1")]
    [InlineData("T1.2")]
    public void A_mask_batch_renamed_to_a_later_block_fails_the_query_by_name(string receiverName)
    {
        Party receiver = TestParties.Of(receiverName);
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 2);
        int[] blocks = [.. h.ReluBlocks(1)];
        int requests = 0;
        h.Hostile(receiver).Rewrite = (to, m) =>
        {
            if (m is OtRequest { Purpose: OtPurpose.EvaluatorMasks, Query: 0 } r && r.Block == blocks[0])
            {
                requests++;
                return r with { Block = blocks[1] };
            }
            return m;
        };
        h.Run();
        AssertQuery0FailedAndQuery1Exact(h);
        Assert.Contains(h.Loop.Failures, f => f.Message is { } msg && f.Error is ProtocolViolationException or Seco.Garbling.Ot.OtProtocolException or ArgumentException);
        // The garbler served block 2's mask wires of query 0 to this receiver at most once.
        int served = h.Loop.Delivered.Count(d => d.From == Party.Server(1, 0) && d.To == receiver
                                                 && d.Message is OtResponse { Purpose: OtPurpose.EvaluatorMasks, Query: 0 } o && o.Block == blocks[1]);
        Assert.True(served <= 1, $"block {blocks[1]}'s mask labels were served {served} times");
    }

    /// <summary>A hostile garbler labels its reply to block 1's mask batch as block 2: the receiver refuses it by name
    /// (it decodes no labels with the wrong block's choices), and the next query is exact.</summary>
    [Theory]
    [InlineData("T1.1")]
    [InlineData("T1.2")]
    public void A_mask_reply_naming_another_block_is_refused_by_name(string receiverName)
    {
        Party receiver = TestParties.Of(receiverName);
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 2);
        int[] blocks = [.. h.ReluBlocks(1)];
        h.Hostile(Party.Server(1, 0)).Rewrite = (to, m) =>
            to == receiver && m is OtResponse { Purpose: OtPurpose.EvaluatorMasks, Query: 0 } r && r.Block == blocks[0] ? r with { Block = blocks[1] } : m;
        h.Run();
        AssertQuery0FailedAndQuery1Exact(h);
        var failure = Assert.Single(h.Loop.Failures, f => f.At == receiver);
        Assert.Contains($"mask labels of block {blocks[1]} of query 0 that it did not request", failure.Error.Message);
    }

    /// <summary>Every one of A's per-block ProviderLabels messages delivered twice to the evaluator (a replaying network
    /// or a hostile A): the extra copy is never taken as the next block's labels silently — the query fails by name,
    /// not with a wrong prediction, and does not hang.</summary>
    [Fact]
    public void A_replayed_per_block_ProviderLabels_message_fails_the_query_by_name()
    {
        Party evaluator = Party.Server(1, 1);
        // Each block's message once more — not the copies again: the loopback injects after every delivery, injected
        // ones included, and copying the copies never ends.
        var copied = new HashSet<int>();
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 2,
            inject: (from, to, m) => from == Party.Gateway && to == evaluator && m is ProviderLabels { Query: 0 } p && copied.Add(p.Block) ? [(from, to, m)] : []);
        h.Run();
        AssertQuery0FailedAndQuery1Exact(h);
        Assert.Contains(h.Loop.Failures, f => f.At == evaluator && f.Message is ProviderLabels);
    }

    /// <summary>A's two per-block messages swapped (block 2's before block 1's): refused by the group/width check where
    /// the blocks differ; never a silent wrong prediction.</summary>
    /// <remarks>Finding 1 of the review: ProviderLabels carried no block number, and mlp's two tier-1 ReLU blocks have
    /// the same shape, so block 2's labels were taken for block 1's and C evaluated under the wrong Δ. The message now
    /// names its block and the evaluator checks it against the next it expects.</remarks>
    [Fact]
    public void Swapped_per_block_ProviderLabels_are_never_accepted_silently()
    {
        Party evaluator = Party.Server(1, 1);
        ProviderLabels? held = null;
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 2);
        h.Hostile(Party.Gateway).Rewrite = (to, m) =>
        {
            if (to != evaluator || m is not ProviderLabels { Query: 0 } p) return m;
            if (held is null)
            {
                held = p; // block 1's: held back, sent after block 2's
                return null;
            }
            return p;
        };
        h.Hostile(Party.Gateway).After = (from, m, outbox) =>
        {
            // Once block 2's message left, send block 1's after it.
            if (held is not null && m is OtResponse { Purpose: OtPurpose.ProviderLabels, Query: 0 } r && r.Block == h.ReluBlocks(1).Last())
            {
                outbox.Send(evaluator, held);
                held = null;
            }
        };
        h.Run();
        Assert.DoesNotContain(0, h.Predicted);
        Assert.Contains(1, h.Predicted);
        h.AssertPredictionsBitExact();
        var failure = Assert.Single(h.Loop.Failures, f => f.At == evaluator && f.Message is ProviderLabels);
        Assert.Contains($"where the two of block {h.ReluBlocks(1).First()} were expected", failure.Error.Message);
    }

    /// <summary>A's labels for a block arriving after the evaluator already holds every block's (after ready): refused.</summary>
    [Fact]
    public void An_extra_ProviderLabels_message_after_every_block_is_refused()
    {
        Party evaluator = Party.Server(1, 1);
        ProviderLabels? last = null;
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 2,
            inject: (from, to, m) =>
            {
                if (from == Party.Gateway && to == evaluator && m is ProviderLabels { Query: 0 } p) last = p;
                return from == evaluator && m is EvaluatorReady { Query: 0 } && last is not null ? [(Party.Gateway, evaluator, last)] : [];
            });
        h.Run();
        var failure = Assert.Single(h.Loop.Failures, f => f.At == evaluator && f.Message is ProviderLabels);
        Assert.Contains("after every block's", failure.Error.Message);
        Assert.Contains(1, h.Predicted);
        h.AssertPredictionsBitExact();
    }
}
