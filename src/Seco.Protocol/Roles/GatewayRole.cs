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
/// the user evaluates); with each remote tier it shares one collective MPHE key (CKG, RTG — decision D1 needs no RKG;
/// docs/hierarchy.md); for each tier's segment it contributes mask shares r¹, drives the collective decryption that
/// gives it E¹ = F r − Σ_j s^j (paper Alg. 8), obtains its circuit labels from the tier's garbler by OT and forwards
/// them to the tier's evaluator (paper Alg. 16); online it evaluates F_A's linear layers, hands x_{l+1} − r_{l+1} to
/// tier 1, and returns the output ciphertext from the last tier to the user (paper §VI-D). In the DELPHI-3 baseline
/// (paper App. C) it keeps its labels and evaluates tier 1's circuits itself (GatewayRole.Delphi3.cs).
/// </summary>
public sealed partial class GatewayRole : ISecoRole, IUserSessions
{
    private readonly SecoParameters _p;
    private readonly GatewayModel _model;
    private readonly HeTools _he;
    private readonly Dictionary<int, Model.Linear.IEncodedForm> _faProducts = [];
    private readonly Dictionary<int, Model.Linear.IEncodedForm> _faShortcuts = [];
    private readonly bool _residual;
    private readonly TierKeys[] _tiers;
    private readonly CircuitEvaluation? _circuits;
    /// <summary>The server session's queries in preparation or online, by their server query number.</summary>
    private readonly Dictionary<int, QueryState> _queries = [];
    private readonly HashSet<Party> _serversReady = [];
    /// <summary>Server query numbers aborted (the servers drop them); a user's query never takes one of them.</summary>
    private readonly AbortedQueries _aborted = new();
    private Party _sender = Party.User;
    /// <summary>The next server query number to give a user's query (issue 22: numbered across every user).</summary>
    private int _nextQuery;

    /// <param name="tableMemory">In the DELPHI-3 baseline, A's memory for garbled tables before they spill to disk (<see cref="GarbledTableStore"/>).</param>
    public GatewayRole(SecoParameters parameters, GatewayModel model, long tableMemory = GarbledTableStore.DefaultMemoryBudget)
    {
        _p = parameters;
        // DELPHI-3 (paper App. C): A evaluates tier 1's circuits itself. SECO leaves that to the tier's evaluator.
        _circuits = parameters.Protocol == FbcProtocol.Delphi3 && parameters.HasRemoteTier ? new CircuitEvaluation(parameters, parameters.Tier(1), tableMemory) : null;
        _model = model;
        _he = new HeTools(parameters.Context);
        _residual = parameters.ForUser().Residual;
        _tiers = [.. parameters.Tiers.Select(t => new TierKeys(t, new KeyGenerator(parameters.Context)))];
        // F_A's forms encoded once; convolution kernels cached under one budget (HeForm.CacheBudget).
        var cache = new Model.Linear.HeForm.CacheBudget(Model.Linear.HeForm.CacheBudget.DefaultBytes);
        for (int i = 1; i <= parameters.Split; i++)
        {
            _faProducts[i] = cache.Encode(parameters.Form(i), parameters.Context, model.Weights(i));
            if (parameters.ShortcutForm(i) is { } shortcut)
                _faShortcuts[i] = cache.Encode(shortcut, parameters.Context, model.ShortcutWeights(i));
        }
    }

    public Party Self => Party.Gateway;

    /// <summary>A's MPHE key share sk_1 with tier 1, for the view audit's recipient-side decryptions (tests only).</summary>
    internal SecretKey SecretKey => _tiers[0].Secret.SecretKey;

    /// <summary>A's MPHE key share with tier <paramref name="tier"/> (tests only).</summary>
    internal SecretKey SecretKeyOf(int tier) => _tiers[tier - 1].Secret.SecretKey;

    /// <summary>Every remote server of every tier.</summary>
    private IEnumerable<Party> Servers => _p.Servers;

    private static IEnumerable<Party> TierServers(TierShape t) => t.ServerPositions;

    private TierKeys KeysOf(Party server) => _tiers[server.Tier - 1];

    public void Start(Outbox outbox)
    {
        foreach (TierKeys t in _tiers)
        {
            // D3: each tier's CRP seed is public, fresh from the CSPRNG, and never used for secret or error sampling.
            t.Seed = CommonReference.CreateSessionSeed();
            foreach (Party server in TierServers(t.Shape))
                outbox.Send(server, new SetupBegin(t.Seed, server.Duty == ServerDuty.Garbler ? t.OtWithGarbler.Start() : []));
        }
        // The public circuits it garbles (F_A) and reads widths from (every tier's) are built now, in setup, not by the
        // first query (issue 19).
        for (int i = 1; i <= Split; i++)
            if (_p.Block(i).HasRelu) ReluLayers.Gateway(_p.Block(i).Shift, _p.Block(i).Rows);
        for (int t = 1; t <= _p.Depth; t++)
            foreach (int i in _p.Tier(t).Blocks.Where(i => i < L))
                ReluLayers.Remote(_p.Block(i).Shift, _p.Block(i).Rows, _p.Tier(t).Servers);
    }

    public void Handle(Party from, SecoMessage message, Outbox outbox)
    {
        _sender = from;
        // A user's messages name its own query numbers, the servers' name server queries (issue 22).
        if (from.IsUser ? message is not UserJoin && UserSession(from).Aborted.Contains(message) : _aborted.Contains(message))
            return; // a query that failed: its later messages are dropped quietly
        switch (message)
        {
            case QueryAborted m when from.IsUser:
                AbortUserQuery(from, m.Query, m.At, m.Reason, outbox, told: true);
                break;
            case QueryAborted m:
                Expect(from, message, [.. Servers]);
                Abort(m.Query, m.At, m.Reason, outbox, from);
                break;
            case ServerKeyShares m:
                Expect(from, message, [.. Servers]);
                OnKeyShares(from, m, outbox);
                break;
            case ServerReady:
                Expect(from, message, [.. Servers]);
                if (!_serversReady.Add(from))
                    throw new ProtocolViolationException($"{from} announced itself ready twice");
                WelcomeAll(outbox);
                break;
            case UserJoin m:
                Expect(from, message, UserParty(from));
                OnUserJoin(from, m, outbox);
                break;
            case UserPreprocessing m:
                Expect(from, message, UserParty(from));
                OnUserPreprocessing(UserSession(from), m, outbox);
                break;
            case OtRequest { Purpose: OtPurpose.UserLabels } m:
                Expect(from, message, UserParty(from));
                OnUserLabelRequest(UserQuery(from, m.Query), m, outbox);
                break;
            case MaskShares m:
                Expect(from, message, [.. Servers]);
                OnMaskShares(Query(m.Query), from, m, outbox);
                break;
            case LinearShares m:
                Expect(from, message, [.. Servers]);
                OnLinearShares(Query(m.Query), from, m, outbox);
                break;
            case DecryptionShares m:
                Expect(from, message, [.. Servers]);
                OnDecryptionShares(Query(m.Query), from, m, outbox);
                break;
            case OtResponse { Purpose: OtPurpose.ProviderLabels } m:
                Expect(from, message, [.. _tiers.Select(t => Party.Server(t.Shape.Tier, 0))]);
                OnProviderLabels(Query(m.Query), from.Tier, m, outbox);
                break;
            case EvaluatorReady m when _circuits is null: // in DELPHI-3 no server evaluates: A is ready by itself
                Expect(from, message, [.. _tiers.Select(t => Party.Server(t.Shape.Tier, 1))]);
                if (!Query(m.Query).EvaluatorsReady.Add(from.Tier))
                    throw new ProtocolViolationException($"{from} announced query {m.Query} ready twice");
                TryQueryReady(Query(m.Query), outbox);
                break;
            case MaskedActivation m:
                Expect(from, message, UserParty(from));
                OnMaskedInput(UserQuery(from, m.Query), m, outbox);
                break;
            case GatewayCircuitOutput m:
                Expect(from, message, UserParty(from));
                OnCircuitOutput(UserQuery(from, m.Query), m, outbox);
                break;
            case GarbledCircuits or ProviderLabels or GarblerInput or ProviderInput when _circuits is not null:
                HandleCircuitInputs(from, (QueryMessage)message, outbox);
                break;
            case OutputCiphertext m:
                Expect(from, message, [.. _p.Tiers.Count == 0 ? [] : TierServers(_p.Tiers[^1])]);
                OnOutputCiphertext(Query(m.Query), from, m, outbox);
                break;
            default:
                // A user is "the user": the refusal is told to it, and its session number would tell it how many users came
                // before it in this run (review 22c).
                throw new ProtocolViolationException($"the gateway does not expect {message.GetType().Name} from {(from.IsUser ? "the user" : from)}");
        }
    }

    /// <summary>
    /// A message from a party that may not send it is refused. The user is told why its own message was refused, so
    /// its refusal does not list who may send it — the servers of every tier (the user learns neither the depth nor
    /// the widths behind A, docs/hierarchy.md; issue 18's review).
    /// </summary>
    private static void Expect(Party from, SecoMessage message, params Party[] allowed)
    {
        if (from.IsUser && !allowed.Contains(from))
            throw new ProtocolViolationException($"the gateway does not take {message.GetType().Name} from the user");
        Senders.Expect(from, message, allowed);
    }

    /// <summary>What the user is told of a query that failed among the servers: that it failed, not where.</summary>
    public const string RemoteFailure = "the query failed among the remote servers (the gateway's log has the details)";

    /// <summary>
    /// Server query <paramref name="query"/> failed here, at a server (<paramref name="from"/>), or — when
    /// <paramref name="from"/> is a user — user query <paramref name="query"/> of that user (<see cref="AbortUserQuery"/>).
    /// </summary>
    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
    {
        if (from is { IsUser: true } user)
        {
            AbortUserQuery(user, query, at, reason, outbox, told: true);
            return;
        }
        // A query A has given to a user, or one still to give within the key set's budget (a server may fail a query
        // before A begins it, e.g. on a hostile frame naming it: A must not give it to a user then, or the servers that
        // dropped it would leave that user waiting — issue 18's review); a query that is over is not A's to abort.
        bool future = query >= _nextQuery && query < _p.Budget.Queries;
        if ((!_queries.ContainsKey(query) && !future) || !_aborted.Add(query, at, reason, outbox, from, [.. Servers]))
            return;
        if (_queries.TryGetValue(query, out QueryState? q))
        {
            // The user learns that its query failed, not where: a failure among the servers (reported by one, or a
            // server's message A refused) is told without its details, which name tiers and duties (issue 18's review).
            bool remote = from is { IsServer: true } || (from is null && _sender.IsServer);
            q.User.Aborted.Add(q.UserQuery, at, remote ? RemoteFailure : reason, outbox, null, q.User.Party);
            Forget(q, outbox);
        }
    }

    /// <summary>
    /// Query <paramref name="query"/> of user session <paramref name="user"/> failed here (a handler of the user's
    /// message threw: the host calls this) or at the user (<paramref name="told"/>): the user is told once (unless it
    /// told A), the servers drop the server query it had, and the user's other queries and every other user go on.
    /// </summary>
    public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) =>
        AbortUserQuery(user, query, at, reason, outbox, told: false);

    private void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox, bool told)
    {
        if (!_users.TryGetValue(user.Index, out UserState? u))
        {
            // A user that has not joined has no queries to drop, but learns why its message was refused.
            if (!told) outbox.Send(user, new QueryAborted(query, at, reason));
            return;
        }
        // A query of the user's that A has begun, or its next one (the user may abort it before A heard of it).
        bool known = u.Queries.ContainsKey(query) || (query == u.NextQuery && query < MaxQueriesPerUser);
        if (!known || !u.Aborted.Add(query, at, reason, outbox, told ? user : null, user))
            return;
        if (query == u.NextQuery)
            u.NextQuery++;
        if (u.Queries.TryGetValue(query, out QueryState? q) && _aborted.Add(q.Query, at, reason, outbox, null, [.. Servers]))
            Forget(q, outbox);
    }

    /// <summary>Drops a query's state at A, everywhere A keeps it.</summary>
    private void Forget(QueryState q, Outbox outbox)
    {
        _queries.Remove(q.Query);
        q.User.Queries.Remove(q.UserQuery);
        q.User.Served.Forget(q.UserQuery);
        // A batch of the query's still out is given up (the garbler skips the burned OT indices); the next query's goes out.
        foreach (TierKeys t in _tiers)
        {
            t.Batches.Forget(q.Query);
            t.Batches.Resume(outbox);
        }
        q.ProviderChoices.Clear();
        _circuits?.Forget(q.Query);
    }

    private QueryState Query(int query) =>
        _queries.TryGetValue(query, out QueryState? q) ? q : throw new ProtocolViolationException($"query {query} is unknown at the gateway");

    // ---- Setup (paper §VI-A-1; the user keys of §VI-B), one collective key per tier ----

    private void OnKeyShares(Party from, ServerKeyShares m, Outbox outbox)
    {
        TierKeys t = KeysOf(from);
        if (!t.KeyShares.TryAdd(from, m))
            throw new ProtocolViolationException($"{from} sent its key shares twice");
        IReadOnlyList<uint> elements = _p.GaloisElementsOf(t.Shape.Tier);
        if (m.RotationKeyShares.Length != elements.Count)
            throw new ProtocolViolationException($"{from} sent {m.RotationKeyShares.Length} rotation-key shares, expected {elements.Count}");
        if (from.Duty == ServerDuty.Garbler)
            t.OtWithGarbler.ReceiveSetup(m.OtBase);
        if (t.KeyShares.Count < t.Shape.Servers)
            return;

        var ckg = new CollectivePublicKeyGeneration(_p.Context, t.Seed);
        PolyShare pkAggregate = t.KeyShares.Values.Select(s => LoadShare(s.PublicKeyShare, "public-key share"))
            .Aggregate(ckg.GenShare(t.Secret.SecretKey), CollectivePublicKeyGeneration.Aggregate);
        t.PublicKey = ckg.Finalize(pkAggregate);
        t.Collective = new Encryptor(_p.Context, t.PublicKey);
        var keys = new List<GaloisKeys>();
        for (int e = 0; e < elements.Count; e++)
        {
            var rtg = new CollectiveRotationKeyGeneration(_p.Context, t.Seed, elements[e]);
            PolyShare aggregate = t.KeyShares.Values.Select(s => LoadShare(s.RotationKeyShares[e], "rotation-key share"))
                .Aggregate(rtg.GenShare(t.Secret.SecretKey), CollectiveRotationKeyGeneration.Aggregate);
            keys.Add(rtg.Finalize(aggregate));
        }
        t.Rotations = keys.Count == 0 ? null : CollectiveRotationKeyGeneration.Merge(_p.Context, keys);
        SendCollectiveKeys(outbox);
        WelcomeAll(outbox);
    }

    /// <summary>Each tier's keys go out once its own cpk and the next tier's (for the boundary mask shares) exist.</summary>
    private void SendCollectiveKeys(Outbox outbox)
    {
        for (int i = 0; i < _tiers.Length; i++)
        {
            TierKeys t = _tiers[i];
            PublicKey? next = i + 1 < _tiers.Length ? _tiers[i + 1].PublicKey : null;
            if (t.KeysSent || t.PublicKey is null || (i + 1 < _tiers.Length && next is null))
                continue;
            t.KeysSent = true;
            var collective = new CollectiveKeys(BfvSerializer.Serialize(t.PublicKey), t.Rotations is null ? [] : BfvSerializer.Serialize(t.Rotations),
                next is null ? [] : BfvSerializer.Serialize(next));
            foreach (Party server in TierServers(t.Shape))
                outbox.Send(server, collective);
        }
    }

    private PolyShare LoadShare(byte[] bytes, string what) => _he.Load((c, b) => PolyShare.Deserialize(c, b), bytes, what);

    /// <summary>A's key material with one remote tier: its key share, the tier's CRP seed and keys, its OT with the tier's garbler.</summary>
    private sealed class TierKeys(TierShape shape, KeyGenerator secret)
    {
        public TierShape Shape { get; } = shape;

        public KeyGenerator Secret { get; } = secret;

        public IknpReceiver OtWithGarbler { get; } = new();

        /// <summary>A's label batches with the garbler, one out at a time across every user's queries (issue 22).</summary>
        public OtReceiverQueue Batches => _batches ??= new OtReceiverQueue(OtWithGarbler);

        private OtReceiverQueue? _batches;

        public byte[] Seed { get; set; } = [];

        public Dictionary<Party, ServerKeyShares> KeyShares { get; } = [];

        public PublicKey? PublicKey { get; set; }

        public Encryptor? Collective { get; set; }

        public GaloisKeys? Rotations { get; set; }

        public bool KeysSent { get; set; }
    }
}
