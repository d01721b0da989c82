using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// D12 and docs/hierarchy.md: "the OT batches are served once each (OtLedger per receiver), so no receiver ever holds
/// both labels of a wire". Issue 18's review found the ledger keyed offline batches on a block number the served wires
/// did not depend on: a receiver that sent its request again as block 1, then 2, with the other choice bits, got W⁰
/// and W¹ = W⁰ ⊕ Δ of every wire of its groups — the garbler's Δ of every ReLU circuit of the tier for that query, and
/// with the tables and the active labels every activation. Since issue 20 a server's mask labels come a block per
/// batch, and the block names the wires: asking again for the same block, with all-0 then all-1 choices, must be
/// refused.
///
/// Each case runs a real MLP deployment (l = 0; tier 1: three servers, blocks 1–2; tier 2: two servers, block 3) and
/// makes one receiver of tier 1's garbler hostile with its own real IKNP receiver (the OT indices stay in step with
/// the garbler, so the attack is invisible to the rest of the run). It asks again for the last ReLU block of the tier
/// once its honest batch for it is in (nothing of its own is pending then). The test asserts the secure behaviour:
/// the garbler refuses the second request with a named protocol violation and no Δ is recovered.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class OtLedgerBypassTests
{
    private static readonly TierSpec[] Tiers = [new TierSpec(3, 2), new TierSpec(2, 1)];

    [Theory]
    [InlineData("T1.1")] // tier 1's evaluator, its next-mask labels (EvaluatorMasks)
    [InlineData("T1.2")] // tier 1's provider, its next-mask labels (EvaluatorMasks)
    // A's E¹ and −r¹ labels (ProviderLabels), also a block per batch: ProviderLabelsPerBlockTests and OtServedOnceTests.
    public void A_receiver_gets_no_second_batch_for_the_same_wires_by_asking_again(string receiverName)
    {
        Party receiver = TestParties.Of(receiverName);
        Party garbler = Party.Server(1, 0);
        const OtPurpose purpose = OtPurpose.EvaluatorMasks;
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 1);
        HostileRole hostile = h.Hostile(receiver);
        IknpReceiver ot = Hierarchy.ReceiverOf(hostile.Inner, tier: 1);
        var garblerRole = (GarblerRole)h.Servers[garbler];

        // The wires of the receiver's batch for the tier's last ReLU block.
        int block = h.ReluBlocks(1).Last();
        int count = h.Wires(1, block, [ReluLayers.MaskGroup(receiver.Index)]);

        Block[]? zeros = null, ones = null;
        Block? realDelta = null;
        int stage = 0; // 0: the honest batch; 1: waiting for the all-0 copy; 2: waiting for the all-1 copy
        hostile.After = (from, m, outbox) =>
        {
            if (stage == 0 && from == garbler && m is OtResponse { Query: 0 } r && r.Purpose == purpose && r.Block == block)
            {
                stage = 1; // the honest labels are in; ask again for the same block with every choice bit 0
                outbox.Send(garbler, new OtRequest(0, purpose, block, ot.ExtendChosen(ReluLayers.Pack(new bool[count]), count)));
            }
        };
        hostile.Intercept = (from, m, outbox) =>
        {
            if (stage == 0 || from != garbler || m is not OtResponse { Query: 0 } r || r.Purpose != purpose)
                return false;
            var labels = new Block[count];
            ot.ReceiveChosen(r.Payload, labels);
            if (stage == 1)
            {
                zeros = labels;
                stage = 2; // and again with every choice bit 1
                outbox.Send(garbler, new OtRequest(0, purpose, block, ot.ExtendChosen(ReluLayers.Pack(Enumerable.Repeat(true, count).ToArray()), count)));
            }
            else
            {
                ones = labels;
                stage = 3;
                if (Hierarchy.GarblerOf(garblerRole, 0, block) is { } g) realDelta = g.InputEncoding.Delta;
            }
            return true;
        };
        h.Run();

        string? recovered = zeros is not null && ones is not null && Labels.CommonDelta(zeros, ones) is { } d
            ? $"block {block}: Δ = {d}{(realDelta == d ? " (= the garbler's Δ)" : "")} from {count} wires"
            : null;
        Assert.True(recovered is null, $"{receiver} got tier 1's garbler to serve query 0's {purpose} batch of block {block} three times and recovered {recovered}");
        // The secure behaviour: the second request is refused at the garbler with a named violation.
        Assert.Contains(h.Loop.Failures, f => f.At == garbler && f.Error is ProtocolViolationException && f.Message is OtRequest { Query: 0 }
                                              && f.Error.Message.Contains("each batch is served once", StringComparison.Ordinal));
    }
}
