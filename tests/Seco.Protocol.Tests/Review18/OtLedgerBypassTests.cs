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
/// both labels of a wire". The ledger keys a batch on (query, purpose, block) — but for the offline purposes
/// (EvaluatorMasks: a server's next-mask labels; ProviderLabels: A's E¹ and −r¹ labels) the served wires do not
/// depend on the request's block number, and nobody checks it. A receiver that sends its request again with block
/// 1, then 2, with the other choice bits, gets W⁰ and W¹ = W⁰ ⊕ Δ of every wire of its groups: the garbler's Δ of
/// every ReLU circuit of the tier for that query. Δ plus the tables and the active labels (the evaluator, or any
/// coalition with it — A + V_t, providers + V_t are allowed coalitions) decodes every wire: every activation.
///
/// Each case runs a real MLP deployment (l = 0; tier 1: three servers, blocks 1–2; tier 2: two servers, block 3) and
/// makes one receiver of tier 1's garbler hostile with its own real IKNP receiver (the OT indices stay in step with
/// the garbler, so the attack is invisible to the rest of the run). The test asserts the secure behaviour: the garbler
/// refuses the renumbered request with a named protocol violation and no Δ is recovered. It fails while the bypass
/// exists.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class OtLedgerBypassTests
{
    private static readonly TierSpec[] Tiers = [new TierSpec(3, 2), new TierSpec(2, 1)];

    [Theory]
    [InlineData("T1.1")] // tier 1's evaluator, its next-mask labels (EvaluatorMasks)
    [InlineData("T1.2")] // tier 1's provider, its next-mask labels (EvaluatorMasks)
    // A's E¹ and −r¹ labels (ProviderLabels) come one batch per ReLU block since issue 20: the garbler serves the
    // wires of the block the request names, once per block — ProviderLabelsPerBlockTests and OtServedOnceTests.
    public void A_receiver_gets_no_second_batch_for_the_same_wires_by_renumbering_the_block(string receiverName)
    {
        Party receiver = TestParties.Of(receiverName);
        Party garbler = Party.Server(1, 0);
        OtPurpose purpose = receiver.IsGateway ? OtPurpose.ProviderLabels : OtPurpose.EvaluatorMasks;
        var h = new Hierarchy("mlp.onnx", 0, Tiers, queries: 1);
        HostileRole hostile = h.Hostile(receiver);
        IknpReceiver ot = Hierarchy.ReceiverOf(hostile.Inner, tier: 1);
        var garblerRole = (GarblerRole)h.Servers[garbler];

        // The wires of the receiver's batch, per ReLU block of tier 1 (the batch concatenates the blocks in order).
        string[] groups = receiver.IsGateway ? ["E1", "neg_r1"] : [ReluLayers.MaskGroup(receiver.Index)];
        var segments = h.ReluBlocks(1).Select(i => (Block: i, Wires: h.Wires(1, i, groups))).ToList();
        int count = segments.Sum(s => s.Wires);

        Block[]? zeros = null, ones = null;
        var realDeltas = new Dictionary<int, Block>();
        int stage = 0; // 0: the honest batch; 1: waiting for the all-0 copy; 2: waiting for the all-1 copy
        hostile.After = (from, m, outbox) =>
        {
            if (stage == 0 && from == garbler && m is OtResponse { Query: 0 } r && r.Purpose == purpose)
            {
                stage = 1; // the honest labels are in; ask again as "block 1" with every choice bit 0
                outbox.Send(garbler, new OtRequest(0, purpose, 1, ot.ExtendChosen(ReluLayers.Pack(new bool[count]), count)));
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
                stage = 2; // and as "block 2" with every choice bit 1
                outbox.Send(garbler, new OtRequest(0, purpose, 2, ot.ExtendChosen(ReluLayers.Pack(Enumerable.Repeat(true, count).ToArray()), count)));
            }
            else
            {
                ones = labels;
                stage = 3;
                foreach ((int block, _) in segments)
                    if (Hierarchy.GarblerOf(garblerRole, 0, block) is { } g) realDeltas[block] = g.InputEncoding.Delta;
            }
            return true;
        };
        h.Run();

        var recovered = new List<string>();
        if (zeros is not null && ones is not null)
        {
            int at = 0;
            foreach ((int block, int wires) in segments)
            {
                Block? delta = Labels.CommonDelta(zeros.AsSpan(at, wires), ones.AsSpan(at, wires));
                if (delta is { } d)
                    recovered.Add($"block {block}: Δ = {d}{(realDeltas.TryGetValue(block, out Block real) && real == d ? " (= the garbler's Δ)" : "")} from {wires} wires");
                at += wires;
            }
        }
        Assert.True(recovered.Count == 0,
            $"{receiver} got tier 1's garbler to serve query 0's {purpose} batch three times (blocks 0, 1, 2 of the ledger) and recovered Δ of every circuit: {string.Join("; ", recovered)}");
        // The secure behaviour: the renumbered copy is refused at the garbler with a named violation.
        Assert.Contains(h.Loop.Failures, f => f.At == garbler && f.Error is ProtocolViolationException && f.Message is OtRequest { Query: 0 });
    }
}
