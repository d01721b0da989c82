using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// Gateway A (paper §VI): the model owner. Holds F_A in plaintext and runs DELPHI with the user for it (A garbles,
/// the user evaluates); aggregates the MPHE keys of the servers (CKG, RTG — decision D1 needs no RKG); for F_BC it
/// contributes mask shares r¹, drives the collective decryption that gives it E¹ = F r − s² − s³ (paper Alg. 8), obtains its
/// circuit labels from B by OT and forwards them to C (paper Alg. 16); online it evaluates F_A's linear layers, hands
/// x_{l+1} − r_{l+1} to B and C, and returns the output ciphertext to the user (paper §VI-D).
/// </summary>
public sealed partial class GatewayRole : ISecoRole
{
    private readonly SecoParameters _p;
    private readonly GatewayModel _model;
    private readonly HeTools _he;
    private readonly KeyGenerator _secret;
    private readonly IknpReceiver _otWithGarbler = new();
    private readonly IknpSender _otWithUser = new();
    private readonly Dictionary<int, PlainDiagonalMatrix> _faMatrices = [];
    private readonly Dictionary<Party, ServerKeyShares> _keyShares = [];
    private readonly Dictionary<int, QueryState> _queries = [];
    private byte[] _seed = [];
    private PublicKey? _collectiveKey;
    private Encryptor? _collective;
    private GaloisKeys? _rotations;
    private Encryptor? _user;
    private GaloisKeys? _userRotations;
    private byte[]? _userOtReply;
    private readonly HashSet<Party> _serversReady = [];
    private readonly AbortedQueries _aborted = new();
    private readonly OtLedger _servedToUser = new();
    private int _nextQuery;
    private bool _welcomed;

    public GatewayRole(SecoParameters parameters, GatewayModel model)
    {
        _p = parameters;
        _model = model;
        _he = new HeTools(parameters.Context);
        _secret = new KeyGenerator(parameters.Context);
        for (int i = 1; i <= parameters.Split; i++)
        {
            BlockShape b = parameters.Block(i);
            _faMatrices[i] = PlainDiagonalMatrix.Encode(parameters.Context, model.Weights(i), b.Rows, b.Columns);
        }
    }

    public Party Self => Party.Gateway;

    /// <summary>A's MPHE key share sk_1, for the view audit's recipient-side decryptions (tests only).</summary>
    internal SecretKey SecretKey => _secret.SecretKey;

    public void Start(Outbox outbox)
    {
        // D3: the CRP seed is public, fresh from the CSPRNG, and never used for secret or error sampling.
        _seed = CommonReference.CreateSessionSeed();
        outbox.Send(Party.Garbler, new SetupBegin(_seed, _otWithGarbler.Start()));
        outbox.Send(Party.Evaluator, new SetupBegin(_seed, []));
    }

    public void Handle(Party from, SecoMessage message, Outbox outbox)
    {
        if (_aborted.Contains(message))
            return;
        switch (message)
        {
            case QueryAborted m:
                Expect(from, message, Party.User, Party.Garbler, Party.Evaluator);
                Abort(m.Query, m.At, m.Reason, outbox, from);
                break;
            case ServerKeyShares m:
                Expect(from, message, Party.Garbler, Party.Evaluator);
                OnKeyShares(from, m, outbox);
                break;
            case ServerReady:
                Expect(from, message, Party.Garbler, Party.Evaluator);
                if (!_serversReady.Add(from))
                    throw new ProtocolViolationException($"{from} announced itself ready twice");
                TryWelcome(outbox);
                break;
            case UserJoin m:
                Expect(from, message, Party.User);
                OnUserJoin(m, outbox);
                break;
            case UserPreprocessing m:
                Expect(from, message, Party.User);
                OnUserPreprocessing(m, outbox);
                break;
            case OtRequest { Purpose: OtPurpose.UserLabels } m:
                Expect(from, message, Party.User);
                OnUserLabelRequest(Query(m.Query), m, outbox);
                break;
            case MaskShares m:
                Expect(from, message, Party.Garbler, Party.Evaluator);
                OnMaskShares(Query(m.Query), from, m, outbox);
                break;
            case LinearShares m:
                Expect(from, message, Party.Garbler, Party.Evaluator);
                OnLinearShares(Query(m.Query), from, m, outbox);
                break;
            case DecryptionShares m:
                Expect(from, message, Party.Garbler, Party.Evaluator);
                OnDecryptionShares(Query(m.Query), from, m, outbox);
                break;
            case OtResponse { Purpose: OtPurpose.ProviderLabels } m:
                Expect(from, message, Party.Garbler);
                OnProviderLabels(Query(m.Query), m, outbox);
                break;
            case EvaluatorReady m:
                Expect(from, message, Party.Evaluator);
                Query(m.Query).RemoteReady = true;
                TryQueryReady(Query(m.Query), outbox);
                break;
            case MaskedActivation m:
                Expect(from, message, Party.User);
                OnMaskedInput(Query(m.Query), m, outbox);
                break;
            case GatewayCircuitOutput m:
                Expect(from, message, Party.User);
                OnCircuitOutput(Query(m.Query), m, outbox);
                break;
            case OutputCiphertext m:
                Expect(from, message, Party.Garbler, Party.Evaluator);
                OnOutputCiphertext(Query(m.Query), from, m, outbox);
                break;
            default:
                throw new ProtocolViolationException($"the gateway does not expect {message.GetType().Name} from {from}");
        }
    }

    private static void Expect(Party from, SecoMessage message, params Party[] allowed) => Senders.Expect(from, message, allowed);

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
    {
        // A query A has begun, or the one the user is about to begin; anything else is not A's to abort.
        if ((!_queries.ContainsKey(query) && query != _nextQuery) || !_aborted.Add(query, at, reason, outbox, from, Party.User, Party.Garbler, Party.Evaluator))
            return;
        if (_queries.Remove(query, out QueryState? q) && q.ProviderChoices > 0 && _otWithGarbler.HasPendingBatch)
            _otWithGarbler.CancelPending(); // B skips the burned OT indices
        _servedToUser.Forget(query);
        if (query == _nextQuery)
            _nextQuery++;
    }

    private QueryState Query(int query) =>
        _queries.TryGetValue(query, out QueryState? q) ? q : throw new ProtocolViolationException($"query {query} is unknown at the gateway");

    // ---- Setup (paper §VI-A-1; the user keys of §VI-B) ----

    private void OnKeyShares(Party from, ServerKeyShares m, Outbox outbox)
    {
        if (!_keyShares.TryAdd(from, m))
            throw new ProtocolViolationException($"{from} sent its key shares twice");
        if (m.RotationKeyShares.Length != _p.GaloisElements.Count)
            throw new ProtocolViolationException($"{from} sent {m.RotationKeyShares.Length} rotation-key shares, expected {_p.GaloisElements.Count}");
        if (from == Party.Garbler)
            _otWithGarbler.ReceiveSetup(m.OtBase);
        if (_keyShares.Count < 2)
            return;

        var ckg = new CollectivePublicKeyGeneration(_p.Context, _seed);
        PolyShare pkAggregate = _keyShares.Values.Select(s => LoadShare(s.PublicKeyShare, "public-key share"))
            .Aggregate(ckg.GenShare(_secret.SecretKey), CollectivePublicKeyGeneration.Aggregate);
        _collectiveKey = ckg.Finalize(pkAggregate);
        _collective = new Encryptor(_p.Context, _collectiveKey);
        var keys = new List<GaloisKeys>();
        for (int e = 0; e < _p.GaloisElements.Count; e++)
        {
            var rtg = new CollectiveRotationKeyGeneration(_p.Context, _seed, _p.GaloisElements[e]);
            PolyShare aggregate = _keyShares.Values.Select(s => LoadShare(s.RotationKeyShares[e], "rotation-key share"))
                .Aggregate(rtg.GenShare(_secret.SecretKey), CollectiveRotationKeyGeneration.Aggregate);
            keys.Add(rtg.Finalize(aggregate));
        }
        _rotations = keys.Count == 0 ? null : CollectiveRotationKeyGeneration.Merge(_p.Context, keys);
        var collective = new CollectiveKeys(BfvSerializer.Serialize(_collectiveKey), _rotations is null ? [] : BfvSerializer.Serialize(_rotations));
        outbox.Send(Party.Garbler, collective);
        outbox.Send(Party.Evaluator, collective);
        TryWelcome(outbox);
    }

    private PolyShare LoadShare(byte[] bytes, string what) => _he.Load((c, b) => PolyShare.Deserialize(c, b), bytes, what);

    private void OnUserJoin(UserJoin m, Outbox outbox)
    {
        if (_user is not null)
            throw new ProtocolViolationException("the user joined twice");
        _user = new Encryptor(_p.Context, _he.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.PublicKey, "user public key"));
        if (_p.Split > 0)
            _userRotations = _he.Load((c, b) => BfvSerializer.LoadGaloisKeys(c, b), m.GaloisKeys, "user Galois keys");
        _userOtReply = _otWithUser.ReceiveSetup(m.OtBase);
        outbox.Send(Party.Garbler, new UserPublicKey(m.PublicKey));
        outbox.Send(Party.Evaluator, new UserPublicKey(m.PublicKey));
        TryWelcome(outbox);
    }

    private void TryWelcome(Outbox outbox)
    {
        if (_welcomed || _collectiveKey is null || _userOtReply is null || _serversReady.Count < 2)
            return;
        _welcomed = true;
        outbox.Send(Party.User, new GatewayWelcome(BfvSerializer.Serialize(_collectiveKey), _userOtReply));
    }
}
