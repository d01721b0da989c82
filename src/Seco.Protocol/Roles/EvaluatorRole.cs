using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// C, the evaluator of the remote tier (paper §III-B-4, Alg. 10): offline it receives B's garbled circuits, A's labels
/// and (by OT from B) the labels of its own next-mask share; online, per ReLU layer, it fetches the labels of its share
/// E³ by OT, evaluates, and sends x_{i+1} − r_{i+1} to B. Only B and C are online for F_BC.
/// </summary>
public sealed class EvaluatorRole(SecoParameters parameters, RemoteShare share) : RemoteServerRole(parameters, share)
{
    private readonly IknpReceiver _otWithGarbler = new();
    private readonly Dictionary<int, Offline> _offline = [];
    private readonly Dictionary<(int Query, int Block), Online> _online = [];
    private bool _otReady;

    public override Party Self => Party.Evaluator;

    protected override bool DutyReady => _otReady;

    private IEnumerable<int> ReluBlocks => Enumerable.Range(Split + 1, Math.Max(0, L - Split - 1));

    protected override byte[] SetupDuty(SetupBegin begin, Outbox outbox)
    {
        outbox.Send(Party.Garbler, new OtBase(_otWithGarbler.Start()));
        return [];
    }

    protected override void PrepareDuty(RemoteQuery q, Outbox outbox)
    {
        Offline state = State(q.Query);
        var choices = new List<bool>();
        foreach (int i in ReluBlocks)
        {
            BlockShape b = P.Block(i);
            choices.AddRange(ReluLayers.Bits(ZpVector.Negate(q.R[i + 1]), ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows), b.Rows)));
        }
        if (choices.Count == 0)
        {
            state.MaskLabels = [];
            TryReady(q.Query, outbox);
            return;
        }
        state.MaskChoices = choices.Count;
        outbox.Send(Party.Garbler, new OtRequest(q.Query, OtPurpose.EvaluatorMasks, 0, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices.ToArray()), choices.Count)));
    }

    protected override void Forget(int query)
    {
        // An aborted query may leave an OT batch with B pending (C's mask labels offline, or an E³ batch online).
        bool pending = (_offline.TryGetValue(query, out Offline? state) && state.MaskChoices > 0 && state.MaskLabels is null)
            || _online.Any(s => s.Key.Query == query && s.Value.ShareLabels is null);
        if (pending && _otWithGarbler.HasPendingBatch)
            _otWithGarbler.CancelPending(); // B skips the burned OT indices
        _offline.Remove(query);
        foreach (var key in _online.Keys.Where(k => k.Query == query).ToList()) _online.Remove(key);
    }

    protected override void HandleDuty(Party from, SecoMessage message, Outbox outbox)
    {
        switch (message)
        {
            case OtBase m:
                Expect(from, message, Party.Garbler);
                _otWithGarbler.ReceiveSetup(m.Payload);
                _otReady = true;
                TryAnnounce(outbox);
                break;
            case GarbledCircuits m:
                Expect(from, message, Party.Garbler);
                if (!m.Layers.Select(l => l.Block).SequenceEqual(ReluBlocks))
                    throw new ProtocolViolationException($"garbled circuits for blocks [{string.Join(", ", m.Layers.Select(l => l.Block))}], expected [{string.Join(", ", ReluBlocks)}]");
                Offline circuitsFor = State(Ensure(m.Query).Query);
                if (circuitsFor.Circuits is not null)
                    throw new ProtocolViolationException($"garbled circuits for query {m.Query} arrived twice");
                circuitsFor.Circuits = m.Layers.ToDictionary(l => l.Block);
                TryReady(m.Query, outbox);
                break;
            case ProviderLabels m:
                Expect(from, message, Party.Gateway);
                if (m.Labels.Length != 2 * ReluBlocks.Count())
                    throw new ProtocolViolationException($"expected {2 * ReluBlocks.Count()} label groups from A, got {m.Labels.Length}");
                Offline providerFor = State(Existing(m.Query).Query);
                if (providerFor.ProviderLabels is not null)
                    throw new ProtocolViolationException($"A's labels for query {m.Query} arrived twice");
                providerFor.ProviderLabels = m.Labels;
                TryReady(m.Query, outbox);
                break;
            case OtResponse { Purpose: OtPurpose.EvaluatorMasks } m:
                {
                    Expect(from, message, Party.Garbler);
                    Offline state = State(Existing(m.Query).Query);
                    if (state.MaskChoices == 0 || state.MaskLabels is not null)
                        throw new ProtocolViolationException($"an OT response for C's mask labels of query {m.Query} that C did not request (or a second one)");
                    var labels = new Block[state.MaskChoices];
                    _otWithGarbler.ReceiveChosen(m.Payload, labels);
                    state.MaskLabels = labels;
                    TryReady(m.Query, outbox);
                    break;
                }
            case OtResponse { Purpose: OtPurpose.EvaluatorShare } m:
                {
                    Expect(from, message, Party.Garbler);
                    Online step = Step(m.Query, m.Block);
                    if (step.ShareLabels is not null)
                        throw new ProtocolViolationException($"a second OT response for block {m.Block} of query {m.Query}");
                    var labels = new Block[step.Choices];
                    _otWithGarbler.ReceiveChosen(m.Payload, labels);
                    step.ShareLabels = labels;
                    TryEvaluate(m.Query, m.Block, outbox);
                    break;
                }
            case GarblerInput m:
                Expect(from, message, Party.Garbler);
                Online online = Step(m.Query, m.Block);
                if (online.GarblerLabels is not null)
                    throw new ProtocolViolationException($"B's labels for block {m.Block} of query {m.Query} arrived twice");
                online.GarblerLabels = m.Labels;
                TryEvaluate(m.Query, m.Block, outbox);
                break;
            default:
                throw new ProtocolViolationException($"the evaluator does not expect {message.GetType().Name} from {from}");
        }
    }

    protected override void OnShare(RemoteQuery q, int block, ulong[] share, Outbox outbox)
    {
        BlockShape b = P.Block(block);
        bool[] choices = ReluLayers.Bits(share, ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows), b.Rows));
        _online[(q.Query, block)] = new Online { Choices = choices.Length };
        outbox.Send(Party.Garbler, new OtRequest(q.Query, OtPurpose.EvaluatorShare, block, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices), choices.Length)));
    }

    private static int MaskWidth(BlockShape b) => ReluLayers.Remote(b.Shift, b.Rows).Input("neg_r3").Width;

    private Offline State(int query)
    {
        if (!_offline.TryGetValue(query, out Offline? state))
            _offline[query] = state = new Offline();
        return state;
    }

    private Online Step(int query, int block) =>
        _online.TryGetValue((query, block), out Online? step) ? step : throw new ProtocolViolationException($"no online step for block {block} of query {query}");

    private void TryReady(int query, Outbox outbox)
    {
        Offline state = State(query);
        if (state.Announced || state.Circuits is null || state.ProviderLabels is null || state.MaskLabels is null) return;
        state.Announced = true;
        outbox.Send(Party.Gateway, new EvaluatorReady(query));
    }

    private void TryEvaluate(int query, int block, Outbox outbox)
    {
        Online step = Step(query, block);
        Offline state = State(query);
        if (step.ShareLabels is null || step.GarblerLabels is null) return;
        if (!state.Announced)
            throw new ProtocolViolationException($"query {query} went online before C was prepared");
        _online.Remove((query, block));

        BlockShape b = P.Block(block);
        var circuit = ReluLayers.Remote(b.Shift, b.Rows);
        int k = block - Split - 1; // position among the F_BC ReLU layers
        // C's mask labels are concatenated over the layers in order; layers differ in width.
        int maskAt = ReluBlocks.TakeWhile(i => i < block).Sum(i => MaskWidth(P.Block(i)));
        Block[] maskLabels = state.MaskLabels!.AsSpan(maskAt, MaskWidth(b)).ToArray();
        GarbledLayer layer = state.Circuits![block];
        ulong[] next = ReluLayers.Evaluate(circuit, b.Rows,
            [state.ProviderLabels![2 * k], state.ProviderLabels[(2 * k) + 1], .. layer.GarblerLabels, step.GarblerLabels],
            [(ReluLayers.Group(circuit, "E3"), step.ShareLabels), (ReluLayers.Group(circuit, "neg_r3"), maskLabels)],
            layer);
        outbox.Send(Party.Garbler, new MaskedActivation(query, block + 1, next)); // x_{i+1} − r_{i+1}
        RemoteQuery q = Queries[query];
        q.Seen.Add(block + 1);
        Advance(q, block + 1, next, outbox);
    }

    private sealed class Offline
    {
        public Dictionary<int, GarbledLayer>? Circuits { get; set; }

        public byte[][]? ProviderLabels { get; set; }

        public Block[]? MaskLabels { get; set; }

        public int MaskChoices { get; set; }

        public bool Announced { get; set; }
    }

    private sealed class Online
    {
        public int Choices { get; init; }

        public Block[]? ShareLabels { get; set; }

        public byte[]? GarblerLabels { get; set; }
    }
}
