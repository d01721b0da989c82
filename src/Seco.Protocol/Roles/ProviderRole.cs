using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// A provider of a remote tier (servers 2..k−1, docs/hierarchy.md): it holds a weight and mask share
/// like the garbler and the evaluator, and gives its inputs to the tier's garbled ReLU circuits without seeing them:
/// offline the labels of its next-mask shares, online those of its share E^j of each block, both by OT from the
/// garbler, forwarded to the evaluator. It never sees a circuit, a Δ or another party's label. In the DELPHI-3 baseline
/// (paper App. C) server 1, C, has this duty toward A, the evaluator there ("A collects C's labels").
/// </summary>
public sealed class ProviderRole : LabelReceiverRole
{
    private readonly Dictionary<int, int> _maskChoices = [];
    private readonly Dictionary<(int Query, int Block), int> _shareChoices = [];
    public ProviderRole(SecoParameters parameters, RemoteShare share, Party self)
        : base(parameters, share, self)
    {
        if (parameters.DutyOf(Self) != ServerDuty.Provider)
            throw new ArgumentException($"{Self} is not a provider", nameof(self));
    }

    protected override void PrepareDuty(RemoteQuery q, Outbox outbox)
    {
        int count = RequestMaskLabels(q, outbox);
        if (count == 0)
            outbox.Send(CircuitEvaluator, new ProviderLabels(q.Query, 0, []));
        else
            _maskChoices[q.Query] = count;
    }

    protected override void Forget(int query)
    {
        // An aborted query may leave an OT batch with the garbler out.
        ForgetOt(query); // the garbler skips the burned OT indices
        _maskChoices.Remove(query);
        ForgetMaskFetch(query);
        foreach (var key in _shareChoices.Keys.Where(k => k.Query == query).ToList()) _shareChoices.Remove(key);
    }

    protected override void HandleInputs(Party from, SecoMessage message, Outbox outbox)
    {
        switch (message)
        {
            case OtResponse { Purpose: OtPurpose.EvaluatorMasks } m:
                {
                    Expect(from, message, Garbler);
                    RemoteQuery q = Existing(m.Query);
                    if (!_maskChoices.ContainsKey(m.Query))
                        throw new ProtocolViolationException($"an OT response for {Self}'s mask labels of query {m.Query} that it did not request (or a second one)");
                    if (ReceiveMaskLabels(q, m, outbox) is { } labels) // one block per batch: the whole set after the last
                    {
                        _maskChoices.Remove(m.Query);
                        outbox.Send(CircuitEvaluator, new ProviderLabels(m.Query, 0, Groups(labels)));
                    }
                    break;
                }
            case OtResponse { Purpose: OtPurpose.EvaluatorShare } m:
                {
                    Expect(from, message, Garbler);
                    Existing(m.Query);
                    if (!_shareChoices.TryGetValue((m.Query, m.Block), out int count))
                        throw new ProtocolViolationException($"an OT response for block {m.Block} of query {m.Query} that {Self} did not request (or a second one)");
                    Block[] labels = ReceiveLabels(m.Query, m.Payload, count, outbox);
                    // Only once the reply is taken: a refused reply leaves the batch pending, and Forget gives it up by
                    // this entry (review 21: removed first, a malformed reply failed the next query's first batch too).
                    _shareChoices.Remove((m.Query, m.Block));
                    BlockShape b = P.Block(m.Block);
                    Circuit circuit = ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers);
                    outbox.Send(CircuitEvaluator, new ProviderInput(m.Query, m.Block, new InputLabels(ReluLayers.Group(circuit, ReluLayers.ShareGroup(Self.Index)), labels).ToBytes()));
                    if (m.Block == Tier.LastBlock)
                        Finish(m.Query); // the boundary block's labels were this tier's last input
                    break;
                }
            default:
                throw new ProtocolViolationException($"a provider does not expect {message.GetType().Name} from {from}");
        }
    }

    protected override void OnShare(RemoteQuery q, int block, ulong[] share, Outbox outbox) =>
        _shareChoices[(q.Query, block)] = RequestShareLabels(q, block, share, outbox);

    /// <summary>The OT'd mask labels cut into one input group per ReLU block, in block order.</summary>
    private byte[][] Groups(Block[] labels)
    {
        var groups = new List<byte[]>();
        int at = 0;
        foreach (int i in ReluBlocks)
        {
            BlockShape b = P.Block(i);
            Circuit circuit = ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers);
            int group = ReluLayers.Group(circuit, ReluLayers.MaskGroup(Self.Index));
            int count = circuit.Inputs[group].Width;
            groups.Add(new InputLabels(group, labels.AsSpan(at, count).ToArray()).ToBytes());
            at += count;
        }
        return [.. groups];
    }
}
