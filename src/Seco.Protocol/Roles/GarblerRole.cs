using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// B, the garbler of the remote tier (paper §III-B-4, Alg. 16): garbles one circuit per F_BC ReLU layer per query,
/// sends it to C with the labels of its own next-mask share, and is the OT sender for A's labels (offline) and C's
/// labels (its mask share offline, its E³ online). Online it sends C the labels of its share E² (paper Alg. 10).
/// </summary>
public sealed class GarblerRole(SecoParameters parameters, RemoteShare share) : RemoteServerRole(parameters, share)
{
    private readonly IknpSender _otWithGateway = new();
    private readonly IknpSender _otWithEvaluator = new();
    private readonly Dictionary<int, Dictionary<int, Garbler>> _garblers = [];
    private readonly Dictionary<(int Query, int Block), ulong[]> _shares = [];
    private readonly Dictionary<(int Query, int Block), byte[]> _pendingRequests = [];
    private readonly OtLedger _served = new();
    private bool _evaluatorOtReady;

    public override Party Self => Party.Garbler;

    protected override bool DutyReady => _evaluatorOtReady;

    protected override byte[] SetupDuty(SetupBegin begin, Outbox outbox) => _otWithGateway.ReceiveSetup(begin.OtBase);

    protected override void CreateDuty(RemoteQuery q)
    {
        var garblers = new Dictionary<int, Garbler>();
        for (int i = Split + 1; i < L; i++)
        {
            BlockShape b = P.Block(i);
            garblers[i] = new Garbler(ReluLayers.Remote(b.Shift, b.Rows)); // fresh Δ and labels per query (D11)
        }
        _garblers[q.Query] = garblers;
    }

    protected override void PrepareDuty(RemoteQuery q, Outbox outbox)
    {
        GarbledLayer[] layers = _garblers[q.Query]
            .Select(g => ReluLayers.Package(g.Key, g.Value, ("neg_r2", ZpVector.Negate(q.R[g.Key + 1]))))
            .ToArray();
        outbox.Send(Party.Evaluator, new GarbledCircuits(q.Query, layers));
    }

    protected override void Forget(int query)
    {
        _garblers.Remove(query);
        _served.Forget(query);
        foreach (var key in _shares.Keys.Where(k => k.Query == query).ToList()) _shares.Remove(key);
        foreach (var key in _pendingRequests.Keys.Where(k => k.Query == query).ToList()) _pendingRequests.Remove(key);
    }

    protected override void HandleDuty(Party from, SecoMessage message, Outbox outbox)
    {
        switch (message)
        {
            case OtBase m:
                Expect(from, message, Party.Evaluator);
                if (_evaluatorOtReady) throw new ProtocolViolationException("the evaluator's OT base setup arrived twice");
                outbox.Send(Party.Evaluator, new OtBase(_otWithEvaluator.ReceiveSetup(m.Payload)));
                _evaluatorOtReady = true;
                TryAnnounce(outbox);
                break;
            case OtRequest { Purpose: OtPurpose.ProviderLabels } m:
                {
                    Expect(from, message, Party.Gateway);
                    RemoteQuery q = Existing(m.Query);
                    if (!q.Decrypted || !_garblers.TryGetValue(q.Query, out var garblers))
                        throw new ProtocolViolationException($"an OT request for A's labels of query {q.Query} before its preparation");
                    _served.Claim(m);
                    var pairs = ReluLayers.LabelPairs(garblers.OrderBy(g => g.Key).SelectMany(g => new[] { (g.Value, "E1"), (g.Value, "neg_r1") }).ToArray());
                    outbox.Send(Party.Gateway, new OtResponse(m.Query, OtPurpose.ProviderLabels, 0, _otWithGateway.SendChosen(m.Matrix, pairs.X0, pairs.X1)));
                    break;
                }
            case OtRequest { Purpose: OtPurpose.EvaluatorMasks } m:
                {
                    Expect(from, message, Party.Evaluator);
                    if (!_garblers.TryGetValue(Ensure(m.Query).Query, out var garblers))
                        throw new ProtocolViolationException($"an OT request for C's mask labels of query {m.Query} that has no circuits");
                    _served.Claim(m);
                    var pairs = ReluLayers.LabelPairs(garblers.OrderBy(g => g.Key).Select(g => (g.Value, "neg_r3")).ToArray());
                    outbox.Send(Party.Evaluator, new OtResponse(m.Query, OtPurpose.EvaluatorMasks, 0, _otWithEvaluator.SendChosen(m.Matrix, pairs.X0, pairs.X1)));
                    break;
                }
            case OtRequest { Purpose: OtPurpose.EvaluatorShare } m:
                Expect(from, message, Party.Evaluator);
                if (!_garblers.TryGetValue(m.Query, out var layer) || !layer.ContainsKey(m.Block))
                    throw new ProtocolViolationException($"unexpected OT request for block {m.Block} of query {m.Query}");
                _served.Claim(m);
                _pendingRequests.Add((m.Query, m.Block), m.Matrix);
                TryServe(m.Query, m.Block, outbox);
                break;
            default:
                throw new ProtocolViolationException($"the garbler does not expect {message.GetType().Name} from {from}");
        }
    }

    protected override void OnShare(RemoteQuery q, int block, ulong[] share, Outbox outbox)
    {
        _shares[(q.Query, block)] = share;
        TryServe(q.Query, block, outbox);
    }

    /// <summary>Online, per ReLU layer: C's E³ labels by OT and B's E² labels, once both C's request and E² exist.</summary>
    private void TryServe(int query, int block, Outbox outbox)
    {
        if (!_pendingRequests.TryGetValue((query, block), out byte[]? matrix) || !_shares.TryGetValue((query, block), out ulong[]? share))
            return;
        _pendingRequests.Remove((query, block));
        Garbler garbler = _garblers[query][block];
        var pairs = ReluLayers.LabelPairs([(garbler, "E3")]);
        outbox.Send(Party.Evaluator, new OtResponse(query, OtPurpose.EvaluatorShare, block, _otWithEvaluator.SendChosen(matrix, pairs.X0, pairs.X1)));
        int group = ReluLayers.Group(garbler.Circuit, "E2");
        int width = garbler.Circuit.Inputs[group].Width / share.Length;
        outbox.Send(Party.Evaluator, new GarblerInput(query, block, new InputLabels(group, garbler.InputEncoding.Encode(group, ReluLayers.Bits(share, width))).ToBytes()));
    }
}
