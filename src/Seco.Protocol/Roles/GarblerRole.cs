using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.MessagePack;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// The garbler of a remote tier (server 0; B in paper §III-B-4, Alg. 16): garbles one circuit per ReLU block of the
/// tier's segment per query, sends them to the evaluator with the labels of its own next-mask share, and is the OT
/// sender for A's labels (offline) and every other server's labels (its mask share offline, its share E^j online).
/// Online it sends the evaluator the labels of its own share (paper Alg. 10). In the DELPHI-3 baseline (paper App. C)
/// the circuits and its labels go to A, which evaluates; the OT batches it serves are the same, each still served once.
/// </summary>
public sealed class GarblerRole : RemoteServerRole
{
    private readonly IknpSender _otWithGateway = new();
    private readonly Dictionary<Party, IknpSender> _otWith = [];
    private readonly HashSet<Party> _otReady = [];
    private readonly Dictionary<int, Dictionary<int, Garbler>> _garblers = [];
    private readonly Dictionary<int, int> _layersSent = [];
    private readonly HashSet<(int Query, int Block)> _shared = [];
    private readonly Dictionary<(int Query, int Block, Party From), byte[]> _pendingRequests = [];
    private readonly HashSet<(int Query, int Block, Party To)> _servedOnline = [];
    private readonly OtLedger _servedToGateway = new();
    private readonly Dictionary<Party, OtLedger> _served = [];

    /// <param name="self">The garbler of some tier (default: tier 1's, B).</param>
    public GarblerRole(SecoParameters parameters, RemoteShare share, Party? self = null)
        : base(parameters, share, self ?? Party.Garbler)
    {
        if (Self.Duty != ServerDuty.Garbler)
            throw new ArgumentException($"{Self} is not a garbler", nameof(self));
        foreach (Party peer in TierPeers)
        {
            _otWith[peer] = new IknpSender();
            _served[peer] = new OtLedger();
        }
    }

    protected override bool DutyReady => _otReady.Count == _otWith.Count;

    protected override byte[] SetupDuty(SetupBegin begin, Outbox outbox) => _otWithGateway.ReceiveSetup(begin.OtBase);

    protected override void CreateDuty(RemoteQuery q)
    {
        var garblers = new Dictionary<int, Garbler>();
        foreach (int i in ReluBlocks)
        {
            BlockShape b = P.Block(i);
            garblers[i] = new Garbler(ReluLayers.Remote(b.Shift, b.Rows, Tier.Servers)); // fresh Δ and labels per query (D11)
        }
        _garblers[q.Query] = garblers;
    }

    /// <summary>The evaluator pulls the layers (<see cref="CircuitRequest"/>): nothing is garbled before it asks.</summary>
    protected override void PrepareDuty(RemoteQuery q, Outbox outbox)
    {
    }

    /// <summary>
    /// Garbles the layer the evaluator asks for — the tier's ReLU blocks in order, each once — with this garbler's
    /// next-mask labels, and sends it (paper Alg. 16, one layer per message: issue 20).
    /// </summary>
    private void OnCircuitRequest(Party from, CircuitRequest m, Outbox outbox)
    {
        // A (the DELPHI-3 evaluator) begins the query itself, before it asks; a SECO evaluator may be ahead of A's PreparationBegin.
        RemoteQuery q = Ensure(m.Query, byGateway: from.IsGateway);
        int sent = _layersSent.GetValueOrDefault(q.Query);
        int[] blocks = [.. ReluBlocks];
        if (sent >= blocks.Length || blocks[sent] != m.Block || !_garblers.TryGetValue(q.Query, out var garblers))
            throw new ProtocolViolationException($"a request for the circuit of block {m.Block} of query {q.Query}; the next to send is {(sent < blocks.Length ? $"block {blocks[sent]}" : "none")}");
        _layersSent[q.Query] = sent + 1;
        GarbledLayer layer = ReluLayers.Package(m.Block, garblers[m.Block], ExactArrayPool.Shared, (ReluLayers.MaskGroup(0), ZpVector.Negate(q.R[m.Block + 1])));
        outbox.Send(CircuitEvaluator, new GarbledCircuits(q.Query, [layer]));
        outbox.Lend(ReluLayers.GiveBack(ExactArrayPool.Shared, [layer])); // back to the pool once encoded (issue 19)
    }

    protected override void Forget(int query)
    {
        _garblers.Remove(query);
        _layersSent.Remove(query);
        _servedToGateway.Forget(query);
        foreach (OtLedger ledger in _served.Values) ledger.Forget(query);
        _shared.RemoveWhere(k => k.Query == query);
        _servedOnline.RemoveWhere(k => k.Query == query);
        foreach (var key in _pendingRequests.Keys.Where(k => k.Query == query).ToList()) _pendingRequests.Remove(key);
    }

    protected override void HandleDuty(Party from, SecoMessage message, Outbox outbox)
    {
        switch (message)
        {
            case OtBase m:
                Expect(from, message, [.. TierPeers]);
                if (!_otReady.Add(from)) throw new ProtocolViolationException($"{from}'s OT base setup arrived twice");
                outbox.Send(from, new OtBase(_otWith[from].ReceiveSetup(m.Payload)));
                TryAnnounce(outbox);
                break;
            case CircuitRequest m:
                Expect(from, message, CircuitEvaluator);
                OnCircuitRequest(from, m, outbox);
                break;
            case OtRequest { Purpose: OtPurpose.ProviderLabels } m:
                {
                    Expect(from, message, Party.Gateway);
                    RemoteQuery q = Existing(m.Query);
                    if (!q.Decrypted || !_garblers.TryGetValue(q.Query, out var garblers))
                        throw new ProtocolViolationException($"an OT request for A's labels of query {q.Query} before its preparation");
                    // One batch per ReLU block (issue 20), each served once (the ledger): A's E¹ and −r¹ labels of that block.
                    if (!garblers.TryGetValue(m.Block, out Garbler? garbler))
                        throw new ProtocolViolationException($"an OT request for A's labels of block {m.Block}, which this garbler does not garble");
                    InBlockOrder(m, _servedToGateway, "A's labels");
                    _servedToGateway.Claim(m);
                    using var pairs = ReluLayers.LabelPairs([(garbler, "E1"), (garbler, "neg_r1")]);
                    byte[] reply = _otWithGateway.SendChosen(m.Matrix, pairs.X0, pairs.X1, PooledPayloads.Rent);
                    outbox.Send(Party.Gateway, new OtResponse(m.Query, OtPurpose.ProviderLabels, m.Block, reply));
                    outbox.Lend(PooledPayloads.GiveBack(reply));
                    break;
                }
            case OtRequest { Purpose: OtPurpose.EvaluatorMasks } m:
                {
                    Expect(from, message, [.. TierPeers]);
                    if (!_garblers.TryGetValue(Ensure(m.Query).Query, out var garblers))
                        throw new ProtocolViolationException($"an OT request for {from}'s mask labels of query {m.Query} that has no circuits");
                    // One batch per ReLU block (issue 20), each served once (the ledger): the peer's −r^j labels of that block.
                    if (!garblers.TryGetValue(m.Block, out Garbler? garbler))
                        throw new ProtocolViolationException($"an OT request for {from}'s mask labels of block {m.Block}, which this garbler does not garble");
                    InBlockOrder(m, _served[from], $"{from}'s mask labels");
                    _served[from].Claim(m);
                    using var pairs = ReluLayers.LabelPairs([(garbler, ReluLayers.MaskGroup(from.Index))]);
                    byte[] reply = _otWith[from].SendChosen(m.Matrix, pairs.X0, pairs.X1, PooledPayloads.Rent);
                    outbox.Send(from, new OtResponse(m.Query, OtPurpose.EvaluatorMasks, m.Block, reply));
                    outbox.Lend(PooledPayloads.GiveBack(reply));
                    break;
                }
            case OtRequest { Purpose: OtPurpose.EvaluatorShare } m:
                Expect(from, message, [.. TierPeers]);
                if (!_garblers.TryGetValue(m.Query, out var layer) || !layer.ContainsKey(m.Block))
                    throw new ProtocolViolationException($"unexpected OT request for block {m.Block} of query {m.Query}");
                _served[from].Claim(m);
                _pendingRequests.Add((m.Query, m.Block, from), m.Matrix);
                TryServe(m.Query, m.Block, from, outbox);
                break;
            default:
                throw new ProtocolViolationException($"the garbler does not expect {message.GetType().Name} from {from}");
        }
    }

    /// <summary>
    /// An offline label batch (A's, or a peer's mask labels) must be for the next ReLU block not yet served on that
    /// ledger: the receiver asks block by block, in order, each once its previous reply is in (issue 20). Out of order,
    /// a hostile frame could be served while the receiver waits for an earlier block: the receiver refuses that reply by
    /// its block without reading its OT index, so a frame that also skipped indices left this sender's index ahead of the
    /// receiver's for good (review 21). A second request for a served block is the ledger's to refuse.
    /// </summary>
    private void InBlockOrder(OtRequest m, OtLedger ledger, string what)
    {
        int next = ReluBlocks.FirstOrDefault(i => !ledger.WasServed(m with { Block = i }));
        if (next != 0 && m.Block > next)
            throw new ProtocolViolationException($"an OT request for {what} of block {m.Block} of query {m.Query}; the next ReLU block to serve is {next}");
    }

    /// <summary>Online, per ReLU block: the labels of the garbler's own share to the circuit evaluator (C; A in DELPHI-3), then the OT batches waiting for it.</summary>
    protected override void OnShare(RemoteQuery q, int block, ulong[] share, Outbox outbox)
    {
        Garbler garbler = _garblers[q.Query][block];
        int group = ReluLayers.Group(garbler.Circuit, ReluLayers.ShareGroup(0));
        int width = garbler.Circuit.Inputs[group].Width / share.Length;
        outbox.Send(CircuitEvaluator, new GarblerInput(q.Query, block, new InputLabels(group, garbler.InputEncoding.Encode(group, ReluLayers.Bits(share, width))).ToBytes()));
        _shared.Add((q.Query, block));
        foreach (Party peer in TierPeers) TryServe(q.Query, block, peer, outbox);
    }

    /// <summary>A server's labels of its share E^j by OT, once its request has arrived and this garbler is online at the block.</summary>
    private void TryServe(int query, int block, Party to, Outbox outbox)
    {
        if (!_shared.Contains((query, block)) || !_pendingRequests.Remove((query, block, to), out byte[]? matrix))
            return;
        using var pairs = ReluLayers.LabelPairs([(_garblers[query][block], ReluLayers.ShareGroup(to.Index))]);
        byte[] reply = _otWith[to].SendChosen(matrix, pairs.X0, pairs.X1, PooledPayloads.Rent);
        outbox.Send(to, new OtResponse(query, OtPurpose.EvaluatorShare, block, reply));
        outbox.Lend(PooledPayloads.GiveBack(reply));
        _servedOnline.Add((query, block, to));
        // A tier before the last is done with the query once every peer has its labels of the boundary block.
        if (block == Tier.LastBlock && TierPeers.All(p => _servedOnline.Contains((query, block, p))))
            Finish(query);
    }
}
