using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Serialization;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// A remote server of the tier (B or C, paper Fig. 1): holds an additive share F^j, b^j of F_BC and an MPHE key
/// share; contributes key shares (CKG, RTG), mask shares r_i^j and output masks s_i^j; computes F^j·Enc(r) − s^j with
/// its plaintext share (decision D1) and partial decryptions with smudging (D2); online, its share
/// E^j = F^j(x − r) + b^j + s^j of each layer. The garbler or evaluator duty (<see cref="GarblerRole"/>,
/// <see cref="EvaluatorRole"/>) adds the circuit work.
/// </summary>
public abstract class RemoteServerRole : ISecoRole
{
    private readonly KeyGenerator _secret;
    private readonly Dictionary<int, PlainDiagonalMatrix> _matrices = [];
    private GaloisKeys? _rotations;
    private readonly HashSet<int> _created = [];
    private readonly AbortedQueries _aborted = new();
    private bool _announced;
    private bool _setupBegun;

    protected RemoteServerRole(SecoParameters parameters, RemoteShare share)
    {
        P = parameters;
        Share = share;
        He = new HeTools(parameters.Context);
        _secret = new KeyGenerator(parameters.Context);
        // The weights do not change between queries: encode the diagonals once (D10; paper Alg. 8 re-sends them encrypted).
        for (int i = parameters.Split + 1; i <= parameters.BlockCount; i++)
        {
            BlockShape b = parameters.Block(i);
            _matrices[i] = PlainDiagonalMatrix.Encode(parameters.Context, share.Weights(i), b.Rows, b.Columns);
        }
    }

    public abstract Party Self { get; }

    /// <summary>This server's MPHE key share, for the view audit's recipient-side decryptions (tests only).</summary>
    internal SecretKey SecretKey => _secret.SecretKey;

    /// <summary>The other server of the tier: B for C, C for B.</summary>
    protected Party Peer => Self == Party.Garbler ? Party.Evaluator : Party.Garbler;

    protected SecoParameters P { get; }

    protected RemoteShare Share { get; }

    protected HeTools He { get; }

    protected Encryptor? Collective { get; private set; }

    protected Encryptor? User { get; private set; }

    protected int Split => P.Split;

    protected int L => P.BlockCount;

    protected Dictionary<int, RemoteQuery> Queries { get; } = [];

    public virtual void Start(Outbox outbox)
    {
    }

    public void Handle(Party from, SecoMessage message, Outbox outbox)
    {
        if (_aborted.Contains(message))
            return;
        switch (message)
        {
            case QueryAborted m:
                Expect(from, message, Party.Gateway, Peer);
                Abort(m.Query, m.At, m.Reason, outbox, from);
                break;
            case SetupBegin m:
                Expect(from, message, Party.Gateway);
                if (_setupBegun)
                    throw new ProtocolViolationException("a second SetupBegin: the key set of a session is made once");
                _setupBegun = true;
                OnSetupBegin(m, outbox);
                break;
            case CollectiveKeys m:
                Expect(from, message, Party.Gateway);
                if (!_setupBegun || Collective is not null)
                    throw new ProtocolViolationException(Collective is null ? "collective keys before SetupBegin" : "a second copy of the collective keys: they are accepted once per session");
                Collective = new Encryptor(P.Context, He.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.PublicKey, "collective public key"));
                if (P.GaloisElements.Count > 0)
                    _rotations = He.Load((c, b) => BfvSerializer.LoadGaloisKeys(c, b), m.GaloisKeys, "collective Galois keys");
                TryAnnounce(outbox);
                break;
            case UserPublicKey m:
                Expect(from, message, Party.Gateway);
                if (User is not null)
                    throw new ProtocolViolationException("a second copy of the user's public key: it is accepted once per session");
                User = new Encryptor(P.Context, He.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.PublicKey, "user public key"));
                TryAnnounce(outbox);
                break;
            case PreparationBegin m:
                Expect(from, message, Party.Gateway);
                OnPreparationBegin(Ensure(m.Query), outbox);
                break;
            case MaskAggregate m:
                Expect(from, message, Party.Gateway);
                OnMaskAggregate(Existing(m.Query), m, outbox);
                break;
            case LinearShares m:
                Expect(from, message, Peer);
                OnPeerProducts(Existing(m.Query), m, outbox);
                break;
            case MaskedActivation m:
                OnMaskedActivation(from, Existing(m.Query), m, outbox);
                break;
            default:
                HandleDuty(from, message, outbox);
                break;
        }
    }

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
    {
        // A query that ran to its end here is over; one not seen yet is marked so it never starts.
        if ((_created.Contains(query) && !Queries.ContainsKey(query)) || !_aborted.Add(query, at, reason, outbox, from, Party.Gateway, Peer))
            return;
        Queries.Remove(query);
        _created.Add(query);
        Forget(query);
    }

    /// <summary>Messages of the garbler or evaluator duty.</summary>
    protected abstract void HandleDuty(Party from, SecoMessage message, Outbox outbox);

    /// <summary>The setup step of the duty (OT base setup); returns the payload for A in <see cref="ServerKeyShares"/>.</summary>
    protected abstract byte[] SetupDuty(SetupBegin begin, Outbox outbox);

    /// <summary>True once the duty's own setup (OT) is complete.</summary>
    protected abstract bool DutyReady { get; }

    /// <summary>Per-query offline work of the duty (garbling, or fetching mask labels).</summary>
    protected abstract void PrepareDuty(RemoteQuery q, Outbox outbox);

    /// <summary>The online step of a ReLU block once this server's share E^j_i is known.</summary>
    protected abstract void OnShare(RemoteQuery q, int block, ulong[] share, Outbox outbox);

    protected static void Expect(Party from, SecoMessage message, params Party[] allowed) => Senders.Expect(from, message, allowed);

    /// <summary>
    /// The query's state, created by the first preparation message that names it (A's PreparationBegin, or the other
    /// remote server's preparation traffic, which may overtake it on another link). A finished query never returns.
    /// </summary>
    protected RemoteQuery Ensure(int query)
    {
        if (Queries.TryGetValue(query, out RemoteQuery? q)) return q;
        if (!_announced)
            throw new ProtocolViolationException($"query {query} before setup finished");
        if (P.Budget.Refusal(query) is { } refusal)
            throw new ProtocolViolationException(refusal);
        if (!_created.Add(query))
            throw new ProtocolViolationException($"query {query} has already run");
        q = new RemoteQuery(query);
        // r_i^j for the blocks after the transition, s_i^j for every F_BC block: uniform over Z_p, single use (D11).
        for (int i = Split + 2; i <= L; i++) q.R[i] = ZpRandom.Uniform(P.Block(i).Columns);
        for (int i = Split + 1; i <= L; i++) q.S[i] = ZpRandom.Uniform(P.Block(i).Rows);
        Queries[query] = q;
        CreateDuty(q);
        return q;
    }

    /// <summary>A query that preparation has created; online and later preparation steps never create one.</summary>
    protected RemoteQuery Existing(int query) =>
        Queries.TryGetValue(query, out RemoteQuery? q) ? q : throw new ProtocolViolationException($"query {query} is unknown here (never prepared, or finished)");

    /// <summary>Drops the duty's per-query state once the query's output has left.</summary>
    protected abstract void Forget(int query);

    /// <summary>Creates the duty's per-query state (the garbler's circuits) when a query is first seen.</summary>
    protected virtual void CreateDuty(RemoteQuery q)
    {
    }

    protected void TryAnnounce(Outbox outbox)
    {
        if (_announced || Collective is null || User is null || !DutyReady) return;
        _announced = true;
        outbox.Send(Party.Gateway, new ServerReady());
    }

    private void OnSetupBegin(SetupBegin m, Outbox outbox)
    {
        var ckg = new CollectivePublicKeyGeneration(P.Context, m.SessionSeed);
        byte[] pkShare = ckg.GenShare(_secret.SecretKey).Serialize();
        byte[][] rtgShares = P.GaloisElements
            .Select(g => new CollectiveRotationKeyGeneration(P.Context, m.SessionSeed, g).GenShare(_secret.SecretKey).Serialize())
            .ToArray();
        byte[] duty = SetupDuty(m, outbox);
        outbox.Send(Party.Gateway, new ServerKeyShares(pkShare, rtgShares, duty));
    }

    private void OnPreparationBegin(RemoteQuery q, Outbox outbox)
    {
        if (q.Started)
            throw new ProtocolViolationException($"query {q.Query} was already begun");
        q.Started = true;
        // Paper Alg. 8: Enc_cpk(r_i^j) for the blocks whose mask is shared among the servers.
        byte[][] masks = Enumerable.Range(Split + 2, L - Split - 1)
            .Select(i => HeTools.Serialize(Collective!.Encrypt(He.EncodeInput(P.Layout(i), q.R[i]))))
            .ToArray();
        outbox.Send(Party.Gateway, new MaskShares(q.Query, masks));
        PrepareDuty(q, outbox);
    }

    private void OnMaskAggregate(RemoteQuery q, MaskAggregate m, Outbox outbox)
    {
        if (!q.Started || q.Multiplied)
            throw new ProtocolViolationException($"unexpected mask aggregate for query {q.Query}");
        q.Multiplied = true; // once per query: a second product would reuse s^j
        if (m.Ciphertexts.Length != L - Split)
            throw new ProtocolViolationException($"expected {L - Split} mask ciphertexts, got {m.Ciphertexts.Length}");
        var products = new Ciphertext[L - Split];
        for (int i = Split + 1; i <= L; i++)
        {
            Ciphertext r = He.LoadCiphertext(m.Ciphertexts[i - Split - 1], $"Enc(r_{i})");
            Ciphertext product = MatVec.Multiply(He.Evaluator, _matrices[i], r, _rotations!); // D1: F^j · Enc(r)
            // s^j on the m outputs, a fresh uniform pad on every other slot (HeTools.EncodeOutputMask).
            He.Evaluator.SubPlainInplace(product, He.EncodeOutputMask(q.S[i]));
            // Re-randomise before it leaves: rotations and key switches draw no randomness, so A — which built ct(r), holds
            // the rotation keys and dealt F^j — could recompute F^j·ct(r) exactly and subtract it from a bare product,
            // leaving (Δ·mask, 0) that any key "decrypts". A fresh encryption of zero under cpk leaves a difference only
            // the three key shares together can open (found by the adversarial review of issue 15).
            var zero = new Ciphertext(P.Context);
            Collective!.EncryptZero(zero);
            He.Evaluator.AddInplace(product, zero);
            products[i - Split - 1] = product;
        }
        q.OwnProducts = products;
        // To A (it combines and decrypts) and to the peer, so that each server decrypts only ct_E = ct² + ct³ it has
        // checked itself, never a ciphertext A chose (paper Alg. 7 with the decryption tied to this query's blocks).
        var message = new LinearShares(q.Query, products.Select(HeTools.Serialize).ToArray());
        outbox.Send(Party.Gateway, message);
        outbox.Send(Peer, message);
        TryDecrypt(q, outbox);
    }

    private void OnPeerProducts(RemoteQuery q, LinearShares m, Outbox outbox)
    {
        if (!q.Started || q.PeerReceived)
            throw new ProtocolViolationException($"unexpected linear shares from {Peer} for query {q.Query}");
        q.PeerReceived = true;
        if (m.Ciphertexts.Length != L - Split)
            throw new ProtocolViolationException($"expected {L - Split} linear-share ciphertexts from {Peer}, got {m.Ciphertexts.Length}");
        q.PeerProducts = m.Ciphertexts.Select((c, k) => He.LoadCiphertext(c, $"{Peer}'s F·r − s of block {Split + 1 + k}")).ToArray();
        TryDecrypt(q, outbox);
    }

    /// <summary>
    /// Paper Alg. 5 with smudging (D2), once per query and block: ct_E = ModSwitch(own product + peer's product) — the
    /// ciphertext A decrypts too — so the share can only open this query's E = F·r − s² − s³ (masked by this server's
    /// own s^j and pad), never an arbitrary ciphertext.
    /// </summary>
    private void TryDecrypt(RemoteQuery q, Outbox outbox)
    {
        if (q.OwnProducts is null || q.PeerProducts is null || q.Decrypted)
            return;
        q.Decrypted = true;
        var shares = new byte[L - Split][];
        for (int i = Split + 1; i <= L; i++)
        {
            int k = i - Split - 1;
            Ciphertext e = He.Evaluator.Add(q.OwnProducts[k], q.PeerProducts[k]);
            He.Evaluator.ModSwitchToNextInplace(e); // docs/noise.md step 5, as A does
            shares[k] = P.Budget.Decryption(i).GenShare(_secret.SecretKey, e).Serialize();
        }
        q.OwnProducts = q.PeerProducts = null;
        outbox.Send(Party.Gateway, new DecryptionShares(q.Query, shares));
    }

    private void OnMaskedActivation(Party from, RemoteQuery q, MaskedActivation m, Outbox outbox)
    {
        if (!q.Decrypted)
            throw new ProtocolViolationException($"masked activation for query {q.Query} before its preparation finished");
        bool fromGateway = from == Party.Gateway && m.Block == Split + 1;
        bool fromEvaluator = from == Party.Evaluator && Self == Party.Garbler && m.Block > Split + 1;
        if ((!fromGateway && !fromEvaluator) || m.Block > L || m.Values.Length != P.Block(m.Block).Columns || !q.Seen.Add(m.Block))
            throw new ProtocolViolationException($"unexpected masked activation for block {m.Block} from {from}");
        Advance(q, m.Block, m.Values, outbox);
    }

    /// <summary>E^j_i from x_i − r_i (paper Alg. 10), then the layer's circuit step or, for block L, the output (paper §VI-D).</summary>
    protected void Advance(RemoteQuery q, int block, ulong[] masked, Outbox outbox)
    {
        BlockShape b = P.Block(block);
        ulong[] share = ZpVector.MultiplyAdd(Share.Weights(block), b.Rows, b.Columns, masked, Share.Bias(block), q.S[block]);
        if (block == L)
        {
            outbox.Send(Party.Gateway, new OutputCiphertext(q.Query, HeTools.Serialize(User!.Encrypt(He.EncodePrefix(share)))));
            Queries.Remove(q.Query);
            Forget(q.Query);
            return;
        }
        OnShare(q, block, share, outbox);
    }
}

/// <summary>A remote server's per-query state.</summary>
public sealed class RemoteQuery(int query)
{
    public int Query { get; } = query;

    /// <summary>r_i^j (blocks l+2..L).</summary>
    public Dictionary<int, ulong[]> R { get; } = [];

    /// <summary>s_i^j (blocks l+1..L).</summary>
    public Dictionary<int, ulong[]> S { get; } = [];

    public HashSet<int> Seen { get; } = [];

    /// <summary>A's PreparationBegin arrived.</summary>
    public bool Started { get; set; }

    /// <summary>This server sent its decryption shares: its part of the preparation is done.</summary>
    public bool Decrypted { get; set; }

    /// <summary>This server computed its products (once per query; they stay set after decryption).</summary>
    public bool Multiplied { get; set; }

    /// <summary>The peer's products arrived (once per query).</summary>
    public bool PeerReceived { get; set; }

    /// <summary>This server's Enc(F^j r − s^j ⊕ pad) per F_BC block, until it has decrypted.</summary>
    public Ciphertext[]? OwnProducts { get; set; }

    /// <summary>The peer's products, until this server has decrypted.</summary>
    public Ciphertext[]? PeerProducts { get; set; }
}
