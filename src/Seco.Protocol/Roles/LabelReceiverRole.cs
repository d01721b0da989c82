using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// A tier server that gets its circuit inputs from the garbler by OT: the evaluator and every provider
/// (docs/hierarchy.md). It runs the IKNP base setup with the garbler as the receiver, fetches the labels of its
/// next-mask shares offline and of its share E^j of each ReLU block online (paper Alg. 10, Alg. 16).
/// </summary>
public abstract class LabelReceiverRole : RemoteServerRole
{
    private readonly IknpReceiver _otWithGarbler = new();
    private readonly OtReceiverQueue _batches;
    private readonly Dictionary<int, MaskFetch> _masks = [];
    private bool _otReady;

    protected LabelReceiverRole(SecoParameters parameters, RemoteShare share, Party self)
        : base(parameters, share, self)
    {
        _batches = new OtReceiverQueue(_otWithGarbler);
    }

    protected sealed override bool DutyReady => _otReady;


    protected sealed override byte[] SetupDuty(SetupBegin begin, Outbox outbox)
    {
        outbox.Send(Garbler, new OtBase(_otWithGarbler.Start()));
        return [];
    }

    protected sealed override void HandleDuty(Party from, SecoMessage message, Outbox outbox)
    {
        if (message is not OtBase m)
        {
            HandleInputs(from, message, outbox);
            return;
        }
        Expect(from, message, Garbler);
        if (_otReady) throw new ProtocolViolationException("the garbler's OT base reply arrived twice");
        _otWithGarbler.ReceiveSetup(m.Payload);
        _otReady = true;
        TryAnnounce(outbox);
    }

    /// <summary>The duty's messages other than the OT base setup.</summary>
    protected abstract void HandleInputs(Party from, SecoMessage message, Outbox outbox);

    /// <summary>
    /// Starts fetching the labels of this server's −r^j_{i+1} over the tier's ReLU blocks from the garbler, one OT batch
    /// per block in order (issue 20: all of ResNet-32's at once were a 199 MB request, a 199 MB reply and twice that in
    /// the extension's working arrays at both ends); returns how many labels in all — 0, and nothing sent, when the
    /// tier has no ReLU block. <see cref="ReceiveMaskLabels"/> takes each reply.
    /// </summary>
    protected int RequestMaskLabels(RemoteQuery q, Outbox outbox)
    {
        var blocks = new Queue<int>(Tier.Blocks.Where(i => i < P.BlockCount));
        int total = blocks.Sum(i => MaskChoices(q, i).Length);
        if (total == 0) return 0;
        _masks[q.Query] = new MaskFetch(blocks, new Block[total]);
        SendMaskRequest(q, outbox);
        return total;
    }

    /// <summary>
    /// Takes the garbler's reply for the block being fetched and asks for the next; returns every block's labels,
    /// concatenated in block order, once the last is in (null before).
    /// </summary>
    protected Block[]? ReceiveMaskLabels(RemoteQuery q, OtResponse m, Outbox outbox)
    {
        if (!_masks.TryGetValue(q.Query, out MaskFetch? fetch) || !fetch.Blocks.TryPeek(out int block) || m.Block != block)
            throw new ProtocolViolationException($"an OT response for {Self}'s mask labels of block {m.Block} of query {q.Query} that it did not request (or a second one)");
        int count = MaskChoices(q, block).Length;
        ExpectOut(q.Query);
        _otWithGarbler.ReceiveChosen(m.Payload, fetch.Labels.AsSpan(fetch.At, count));
        _batches.Answered(outbox);
        fetch.At += count;
        fetch.Blocks.Dequeue();
        if (fetch.Blocks.Count > 0)
        {
            SendMaskRequest(q, outbox);
            return null;
        }
        _masks.Remove(q.Query);
        return fetch.Labels;
    }

    /// <summary>The OT batch for the next block of the query's mask fetch.</summary>
    private void SendMaskRequest(RemoteQuery q, Outbox outbox)
    {
        int block = _masks[q.Query].Blocks.Peek();
        bool[] choices = MaskChoices(q, block);
        _batches.Request(q.Query, o => o.Send(Garbler, new OtRequest(q.Query, OtPurpose.EvaluatorMasks, block, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices), choices.Length))), outbox);
    }

    /// <summary>This server's OT choices for block <paramref name="block"/>'s next-mask input: the bits of −r^j_{i+1}.</summary>
    private bool[] MaskChoices(RemoteQuery q, int block)
    {
        BlockShape b = P.Block(block);
        return ReluLayers.Bits(ZpVector.Negate(q.R[block + 1]), ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers), b.Rows));
    }

    /// <summary>Drops a query's mask fetch (it ended or was aborted).</summary>
    protected void ForgetMaskFetch(int query) => _masks.Remove(query);

    /// <summary>Asks the garbler for the labels of this server's share E^j of <paramref name="block"/>; returns how many.</summary>
    protected int RequestShareLabels(RemoteQuery q, int block, ulong[] share, Outbox outbox)
    {
        BlockShape b = P.Block(block);
        bool[] choices = ReluLayers.Bits(share, ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers), b.Rows));
        _batches.Request(q.Query, o => o.Send(Garbler, new OtRequest(q.Query, OtPurpose.EvaluatorShare, block, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices), choices.Length))), outbox);
        return choices.Length;
    }

    /// <summary>The chosen labels of the garbler's response to the pending batch of <paramref name="count"/> choices.</summary>
    protected Block[] ReceiveLabels(int query, byte[] payload, int count, Outbox outbox)
    {
        ExpectOut(query);
        var labels = new Block[count];
        _otWithGarbler.ReceiveChosen(payload, labels);
        _batches.Answered(outbox);
        return labels;
    }

    /// <summary>A reply is taken only for the batch that is out (review 22), never for one still waiting in line.</summary>
    private void ExpectOut(int query)
    {
        if (!_batches.IsOut(query))
            throw new ProtocolViolationException($"an OT response from the garbler for query {query}, whose batch has not gone out yet");
    }

    /// <summary>The blocks of a mask fetch still to come (the next first) and the labels so far.</summary>
    private sealed class MaskFetch(Queue<int> blocks, Block[] labels)
    {
        public Queue<int> Blocks { get; } = blocks;

        public Block[] Labels { get; } = labels;

        public int At { get; set; }
    }

    /// <summary>The query is over or failed: its OT batch still out is given up (the garbler skips the burned indices), its waiting ones dropped.</summary>
    protected void ForgetOt(int query) => _batches.Forget(query);

    /// <summary>After an abort: the next query's OT batch goes out.</summary>
    protected override void Resume(Outbox outbox) => _batches.Resume(outbox);
}
