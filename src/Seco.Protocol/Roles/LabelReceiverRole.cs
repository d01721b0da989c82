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
    private bool _otReady;

    protected LabelReceiverRole(SecoParameters parameters, RemoteShare share, Party self)
        : base(parameters, share, self)
    {
    }

    protected sealed override bool DutyReady => _otReady;

    /// <summary>True while an OT batch with the garbler awaits its response (an aborted query cancels it).</summary>
    protected bool OtPending => _otWithGarbler.HasPendingBatch;

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

    /// <summary>Asks the garbler for the labels of this server's −r^j_{i+1} over the tier's ReLU blocks; 0 (and nothing sent) when there are none.</summary>
    protected int RequestMaskLabels(RemoteQuery q, Outbox outbox)
    {
        bool[] choices = ReluLayers.NextMaskChoices(P, Tier, q.R);
        if (choices.Length > 0)
            outbox.Send(Garbler, new OtRequest(q.Query, OtPurpose.EvaluatorMasks, 0, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices), choices.Length)));
        return choices.Length;
    }

    /// <summary>Asks the garbler for the labels of this server's share E^j of <paramref name="block"/>; returns how many.</summary>
    protected int RequestShareLabels(RemoteQuery q, int block, ulong[] share, Outbox outbox)
    {
        BlockShape b = P.Block(block);
        bool[] choices = ReluLayers.Bits(share, ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers), b.Rows));
        outbox.Send(Garbler, new OtRequest(q.Query, OtPurpose.EvaluatorShare, block, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices), choices.Length)));
        return choices.Length;
    }

    /// <summary>The chosen labels of the garbler's response to the pending batch of <paramref name="count"/> choices.</summary>
    protected Block[] ReceiveLabels(byte[] payload, int count)
    {
        var labels = new Block[count];
        _otWithGarbler.ReceiveChosen(payload, labels);
        return labels;
    }

    /// <summary>Drops a pending OT batch so that the garbler's burned indices are skipped.</summary>
    protected void CancelPendingOt()
    {
        if (_otWithGarbler.HasPendingBatch)
            _otWithGarbler.CancelPending();
    }
}
