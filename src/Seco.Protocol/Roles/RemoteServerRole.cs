using System.Security.Cryptography;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Serialization;
using Seco.Protocol.Compute;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;

namespace Seco.Protocol.Roles;

/// <summary>
/// A server of a remote tier (paper Fig. 1; docs/hierarchy.md for k servers and several tiers): holds an additive share
/// F^j, b^j of its tier's segment of F_BC and a share of the tier's MPHE key; contributes key shares (CKG, RTG), mask
/// shares r_i^j (for the next tier's input mask too) and output masks s_i^j; computes F^j·Enc(r) − s^j with its plaintext
/// share (decision D1) and partial decryptions with smudging (D2); online, its share E^j = F^j(x − r) + b^j + s^j of each
/// block. The garbler, evaluator or provider duty (<see cref="GarblerRole"/>, <see cref="EvaluatorRole"/>,
/// <see cref="ProviderRole"/>) adds the circuit work.
/// </summary>
public abstract class RemoteServerRole : ISecoRole
{
    private readonly KeyGenerator _secret;
    private readonly Dictionary<int, Model.Linear.IEncodedForm> _products = [];
    private readonly Dictionary<int, Model.Linear.IEncodedForm> _shortcuts = [];
    private GaloisKeys? _rotations;
    private readonly HashSet<int> _created = [];
    private readonly AbortedQueries _aborted = new();
    private readonly HashSet<int> _aheadOfGateway = [];
    private const int MaxAheadOfGateway = 2;
    private bool _announced;
    private bool _setupBegun;

    protected RemoteServerRole(SecoParameters parameters, RemoteShare share, Party self)
    {
        // l = L leaves no remote tier: a deployment's B and C may still be hosted (party files, cluster nodes) but stay
        // idle — A never contacts them (DELPHI between the user and A).
        bool idle = parameters.Depth == 0 && self.Tier == 1 && self.Index < 2;
        if (!idle && (!self.IsServer || self.Tier > parameters.Depth || self.Index >= parameters.Tier(self.Tier).Servers))
            throw new ArgumentException($"{self} is not a server of this hierarchy ({parameters.Depth} remote tiers)", nameof(self));
        P = parameters;
        Share = share;
        Self = self;
        Tier = idle ? new TierShape(1, 2, parameters.BlockCount + 1, parameters.BlockCount) : parameters.Tier(self.Tier);
        He = new HeTools(parameters.Context);
        _secret = new KeyGenerator(parameters.Context);
        // The weights do not change between queries: encode them once in the block's form (D10; paper Alg. 8 re-sends
        // them encrypted).
        var cache = new Model.Linear.HeForm.CacheBudget(Model.Linear.HeForm.CacheBudget.DefaultBytes);
        foreach (int i in Tier.Blocks)
        {
            _products[i] = cache.Encode(parameters.Form(i), parameters.Context, share.Weights(i));
            if (parameters.ShortcutForm(i) is { } shortcut)
                _shortcuts[i] = cache.Encode(shortcut, parameters.Context, share.ShortcutWeights(i));
        }
    }

    public Party Self { get; }

    /// <summary>This server's tier: its width and segment of blocks.</summary>
    protected TierShape Tier { get; }

    /// <summary>This server's MPHE key share, for the view audit's recipient-side decryptions (tests only).</summary>
    internal SecretKey SecretKey => _secret.SecretKey;

    protected Party Garbler => Party.Server(Tier.Tier, 0);

    protected Party Evaluator => Party.Server(Tier.Tier, 1);

    /// <summary>
    /// Who evaluates this tier's circuits: its evaluator in SECO, gateway A in the DELPHI-3 baseline (paper App. C). The
    /// garbler's circuits and labels and every provider's forwarded labels go there, and the masked activations inside
    /// the segment come from there.
    /// </summary>
    protected Party CircuitEvaluator => P.CircuitEvaluator(Tier.Tier);

    /// <summary>The other servers of this tier.</summary>
    protected IEnumerable<Party> TierPeers => Tier.ServerPositions.Where(p => p != Self);

    /// <summary>True for the tier whose servers send the output shares.</summary>
    protected bool IsLastTier => Tier.Tier == P.Depth;

    /// <summary>The tier's ReLU blocks: every block of its segment but the model's last (the boundary block included).</summary>
    protected IEnumerable<int> ReluBlocks => Tier.Blocks.Where(i => i < L);

    protected SecoParameters P { get; }

    protected RemoteShare Share { get; }

    protected HeTools He { get; }

    protected Encryptor? Collective { get; private set; }

    /// <summary>The next tier's collective key, under which this server encrypts its share of that tier's input mask.</summary>
    protected Encryptor? NextTier { get; private set; }

    /// <summary>The last tier's copy of each user session's pk0, by the number A gives the session (issue 22).</summary>
    private readonly Dictionary<int, Encryptor> _users = [];

    protected int L => P.BlockCount;

    protected Dictionary<int, RemoteQuery> Queries { get; } = [];

    public virtual void Start(Outbox outbox)
    {
        // The tier's public ReLU circuits are built now, in setup, not by the first query (issue 19).
        foreach (int i in ReluBlocks) ReluLayers.Remote(P.Block(i).Shift, P.Block(i).Rows, Tier.Servers);
    }

    public void Handle(Party from, SecoMessage message, Outbox outbox)
    {
        if (_aborted.Contains(message))
            return;
        switch (message)
        {
            case QueryAborted m:
                Expect(from, message, [Party.Gateway, .. TierPeers]);
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
                OnCollectiveKeys(m, outbox);
                break;
            case UserPublicKey m:
                Expect(from, message, Party.Gateway);
                if (!IsLastTier)
                    throw new ProtocolViolationException($"the user's public key goes to the last tier only; {Self} sends no output");
                if (!_announced)
                    throw new ProtocolViolationException("a user's public key before setup finished");
                if (_users.Count >= Party.MaxUsers || _users.ContainsKey(m.User))
                    throw new ProtocolViolationException(_users.ContainsKey(m.User)
                        ? $"a second public key for user {m.User}: it is accepted once per user session"
                        : $"more than {Party.MaxUsers} user keys");
                _users[m.User] = new Encryptor(P.Context, He.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.PublicKey, "user public key"));
                break;
            case QueryOwner m:
                {
                    Expect(from, message, Party.Gateway);
                    RemoteQuery q = Existing(m.Query);
                    if (!IsLastTier || q.Owner is not null || !_users.TryGetValue(m.User, out Encryptor? key))
                        throw new ProtocolViolationException(!IsLastTier ? $"a query's user goes to the last tier only; {Self} sends no output"
                            : q.Owner is not null ? $"query {m.Query}'s user was named twice" : $"query {m.Query} names user {m.User}, whose key never came");
                    q.Owner = key;
                    break;
                }
            case PreparationBegin m:
                Expect(from, message, Party.Gateway);
                _aheadOfGateway.Remove(m.Query);
                OnPreparationBegin(Ensure(m.Query, byGateway: true), outbox);
                break;
            case MaskAggregate m:
                Expect(from, message, Party.Gateway);
                OnMaskAggregate(Existing(m.Query), m, outbox);
                break;
            case ProductCommitment m:
                Expect(from, message, [.. TierPeers]);
                OnPeerCommitment(from, Existing(m.Query), m, outbox);
                break;
            case LinearShares m:
                Expect(from, message, [.. TierPeers]);
                OnPeerProducts(from, Existing(m.Query), m, outbox);
                break;
            case MaskedActivation m:
                OnMaskedActivation(from, Existing(m.Query), m, outbox);
                break;
            default:
                HandleDuty(from, message, outbox);
                break;
        }
    }

    /// <summary>A server never talks to a user: a user session's failure is A's to handle.</summary>
    public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox)
    {
    }

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
    {
        // A query that ran to its end here is over; one not seen yet is marked so it never starts.
        if ((_created.Contains(query) && !Queries.ContainsKey(query)) || !_aborted.Add(query, at, reason, outbox, from, [Party.Gateway, .. TierPeers]))
            return;
        Queries.Remove(query);
        _created.Add(query);
        _aheadOfGateway.Remove(query);
        Forget(query);
        Resume(outbox);
    }

    /// <summary>After an abort: work another query waited for behind the aborted one goes on (an OT stream's next batch).</summary>
    protected virtual void Resume(Outbox outbox)
    {
    }

    /// <summary>Messages of the garbler, evaluator or provider duty.</summary>
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
    /// The query's state, created by the first preparation message that names it (A's PreparationBegin, or another
    /// server's preparation traffic, which may overtake it on another link). A finished query never returns.
    /// </summary>
    protected RemoteQuery Ensure(int query, bool byGateway = false)
    {
        if (Queries.TryGetValue(query, out RemoteQuery? q)) return q;
        // A peer may be a query or two ahead of A's PreparationBegin here (another link), no more: every query made
        // for a peer holds garbling state, so a hostile peer must not make them for the whole budget (issue 18's review).
        if (!byGateway && _aheadOfGateway.Count >= MaxAheadOfGateway)
            throw new ProtocolViolationException($"query {query} named by a peer before A began it, with {_aheadOfGateway.Count} such queries open already");
        if (!_announced)
            throw new ProtocolViolationException($"query {query} before setup finished");
        if (P.Budget.Refusal(query) is { } refusal)
            throw new ProtocolViolationException(refusal);
        if (!_created.Add(query))
            throw new ProtocolViolationException($"query {query} has already run");
        if (!byGateway) _aheadOfGateway.Add(query);
        q = new RemoteQuery(query);
        // r_i^j for the segment's blocks after its first and for the next tier's input mask; s_i^j for every block of
        // the segment: uniform over Z_p, single use (D11).
        for (int i = Tier.FirstBlock + 1; i <= Math.Min(Tier.LastBlock + 1, L); i++) q.R[i] = ZpRandom.Uniform(P.Block(i).Columns);
        foreach (int i in Tier.Blocks) q.S[i] = ZpRandom.Uniform(P.Block(i).Rows);
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
        if (_announced || Collective is null || !DutyReady) return;
        _announced = true;
        outbox.Send(Party.Gateway, new ServerReady());
    }

    private void OnSetupBegin(SetupBegin m, Outbox outbox)
    {
        var ckg = new CollectivePublicKeyGeneration(P.Context, m.SessionSeed);
        byte[] pkShare = ckg.GenShare(_secret.SecretKey).Serialize();
        byte[][] rtgShares = P.GaloisElementsOf(Tier.Tier)
            .Select(g => new CollectiveRotationKeyGeneration(P.Context, m.SessionSeed, g).GenShare(_secret.SecretKey).Serialize())
            .ToArray();
        byte[] duty = SetupDuty(m, outbox);
        outbox.Send(Party.Gateway, new ServerKeyShares(pkShare, rtgShares, duty));
    }

    private void OnCollectiveKeys(CollectiveKeys m, Outbox outbox)
    {
        if (!_setupBegun || Collective is not null)
            throw new ProtocolViolationException(Collective is null ? "collective keys before SetupBegin" : "a second copy of the collective keys: they are accepted once per session");
        if ((m.NextTierPublicKey.Length > 0) == IsLastTier)
            throw new ProtocolViolationException(IsLastTier ? "a next tier's key sent to the last tier" : "the collective keys lack the next tier's public key");
        Collective = new Encryptor(P.Context, He.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.PublicKey, "collective public key"));
        if (!IsLastTier)
            NextTier = new Encryptor(P.Context, He.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.NextTierPublicKey, "next tier's collective public key"));
        if (P.GaloisElementsOf(Tier.Tier).Count > 0)
            _rotations = He.Load((c, b) => BfvSerializer.LoadGaloisKeys(c, b), m.GaloisKeys, "collective Galois keys");
        TryAnnounce(outbox);
    }

    private void OnPreparationBegin(RemoteQuery q, Outbox outbox)
    {
        if (q.Started)
            throw new ProtocolViolationException($"query {q.Query} was already begun");
        q.Started = true;
        // Paper Alg. 8: Enc(r_i^j) for the segment's later blocks under this tier's key, and the share of the next
        // tier's input mask under the next tier's key (docs/hierarchy.md: the outgoing tier masks the boundary).
        byte[][] masks = q.R.Keys.Order()
            .SelectMany(i => He.EncodeInput(P.Form(i), q.R[i]).Select(plain => (Key: i > Tier.LastBlock ? NextTier! : Collective!, Plain: plain)))
            // then its share of each shortcut mask g(r_j) it owns (j − 1 in this segment), under the key of the block's tier
            .Concat(P.ShortcutsSharedBy(Tier.Tier).SelectMany(i => He.EncodeInput(P.ShortcutForm(i)!, Shortcuts.Input(P.Block(i), P.Block(P.Block(i).ShortcutSource), q.R[P.Block(i).ShortcutSource]))
                .Select(plain => (Key: P.TierOf(i).Tier == Tier.Tier ? Collective! : NextTier!, Plain: plain))))
            .Select(e => HeTools.SerializePooled(e.Key.Encrypt(e.Plain)))
            .ToArray();
        outbox.Send(Party.Gateway, new MaskShares(q.Query, masks));
        outbox.Lend(PooledPayloads.GiveBack(masks));
        PrepareDuty(q, outbox);
    }

    private void OnMaskAggregate(RemoteQuery q, MaskAggregate m, Outbox outbox)
    {
        if (!q.Started || q.Multiplied)
            throw new ProtocolViolationException($"unexpected mask aggregate for query {q.Query}");
        q.Multiplied = true; // once per query: a second product would reuse s^j
        // Enc(r_i) per block (keyed by block), then Enc(g(r_j)) per residual block (keyed by −block).
        Dictionary<int, byte[][]> runs = CiphertextRuns.Split(m.Ciphertexts, Tier.Blocks.Concat(P.ShortcutsOf(Tier.Tier).Select(i => -i)),
            k => k > 0 ? P.InputCiphertexts(k) : P.ShortcutCiphertexts(-k), "A's mask aggregate");
        var products = new List<Ciphertext>();
        int[] blocks = [.. Tier.Blocks];
        var masked = new Ciphertext[blocks.Length][];
        // One block's product per iteration, on the party's cores: each block has its own encoded weights (a conv kernel's
        // plaintext cache is per block), the evaluator and its scratch pool are thread-safe, and the pads come from the OS
        // CSPRNG (ZpRandom); each iteration writes only its own slot.
        KernelRunner.For(blocks.Length, b =>
        {
            int i = blocks[b];
            Ciphertext[] r = He.LoadCiphertexts(runs[i], $"Enc(r_{i})");
            // D1: F^j · Enc(r), plus S^j · Enc(g(r_j')) for a residual block, into the same output slots
            Ciphertext[] product = Shortcuts.Sum(He.Evaluator, _products[i].Multiply(He.Evaluator, r, _rotations!),
                _shortcuts.TryGetValue(i, out var shortcut) ? shortcut.Multiply(He.Evaluator, He.LoadCiphertexts(runs[-i], $"Enc(g(r_{P.Block(i).ShortcutSource}))"), _rotations!) : null);
            // s^j on the outputs, a fresh uniform pad on every other slot (HeForm.PackOutputMask).
            Plaintext[] mask = He.EncodeOutputMask(P.Form(i), q.S[i]);
            for (int k = 0; k < product.Length; k++)
                He.Evaluator.SubPlainInplace(product[k], mask[k]);
            masked[b] = product;
        });
        // Sequential: the collective Encryptor draws from one random source, which is not thread-safe.
        foreach (Ciphertext[] product in masked)
        {
            for (int k = 0; k < product.Length; k++)
            {
                // Re-randomise before it leaves: rotations and key switches draw no randomness, so A — which built ct(r), holds
                // the rotation keys and dealt F^j — could recompute F^j·ct(r) exactly and subtract it from a bare product,
                // leaving (Δ·mask, 0) that any key "decrypts". A fresh encryption of zero under cpk leaves a difference only
                // all the tier's key shares together can open (found by the adversarial review of issue 15).
                var zero = new Ciphertext(P.Context);
                Collective!.EncryptZero(zero);
                He.Evaluator.AddInplace(product[k], zero);
                products.Add(product[k]);
            }
        }
        q.OwnProducts = [.. products];
        // Commit first, reveal once every peer has committed (ProductCommitment): no product may depend on another.
        q.OwnShares = new LinearShares(q.Query, products.Select(HeTools.SerializePooled).ToArray()); // lent when revealed
        var commitment = new ProductCommitment(q.Query, ProductCommitments.Digest(Self, q.OwnShares));
        foreach (Party peer in TierPeers) outbox.Send(peer, commitment);
        TryReveal(q, outbox);
    }

    private void OnPeerCommitment(Party from, RemoteQuery q, ProductCommitment m, Outbox outbox)
    {
        if (!q.Started || !q.PeerCommitments.TryAdd(from, m.Digest))
            throw new ProtocolViolationException($"unexpected product commitment from {from} for query {q.Query}");
        TryReveal(q, outbox);
    }

    /// <summary>
    /// With its own products made and every peer's commitment in: to A (it combines and decrypts) and to every peer
    /// of the tier, so that each server decrypts only ct_E = Σ_j ct^j it has checked itself, never a ciphertext A chose
    /// (paper Alg. 7, tied to this query's blocks), and no peer's product was chosen after seeing this one.
    /// </summary>
    private void TryReveal(RemoteQuery q, Outbox outbox)
    {
        if (q.OwnShares is null || q.Revealed || q.PeerCommitments.Count < Tier.Servers - 1)
            return;
        q.Revealed = true;
        outbox.Send(Party.Gateway, q.OwnShares);
        foreach (Party peer in TierPeers) outbox.Send(peer, q.OwnShares);
        outbox.Lend(PooledPayloads.GiveBack(q.OwnShares.Ciphertexts));
        q.OwnShares = null;
        TryDecrypt(q, outbox);
    }

    private void OnPeerProducts(Party from, RemoteQuery q, LinearShares m, Outbox outbox)
    {
        if (!q.Started || q.Decrypted || q.PeerProducts.ContainsKey(from))
            throw new ProtocolViolationException($"unexpected linear shares from {from} for query {q.Query}");
        if (!q.PeerCommitments.TryGetValue(from, out byte[]? committed))
            throw new ProtocolViolationException($"{from} revealed its linear shares for query {q.Query} before committing to them");
        int expected = Tier.Blocks.Sum(P.OutputCiphertexts);
        if (m.Ciphertexts.Length != expected)
            throw new ProtocolViolationException($"expected {expected} linear-share ciphertexts from {from}, got {m.Ciphertexts.Length}");
        if (!CryptographicOperations.FixedTimeEquals(ProductCommitments.Digest(from, m), committed))
            throw new ProtocolViolationException($"{from}'s linear shares for query {q.Query} differ from its commitment");
        int[] owners = CiphertextRuns.Owners(Tier.Blocks, P.OutputCiphertexts);
        q.PeerProducts[from] = m.Ciphertexts.Select((c, k) => He.LoadCiphertext(c, $"{from}'s F·r − s of block {owners[k]}")).ToArray();
        TryDecrypt(q, outbox);
    }

    /// <summary>
    /// Paper Alg. 5 with smudging (D2), once per query and block: ct_E = ModSwitch(Σ_j ct^j) over the tier — the
    /// ciphertext A decrypts too — so the share can only open this query's E = F·r − Σ_j s^j (masked by this server's
    /// own s^j and pad), never an arbitrary ciphertext.
    /// </summary>
    private void TryDecrypt(RemoteQuery q, Outbox outbox)
    {
        if (q.OwnProducts is null || q.PeerProducts.Count < Tier.Servers - 1 || q.Decrypted)
            return;
        q.Decrypted = true;
        int[] owners = CiphertextRuns.Owners(Tier.Blocks, P.OutputCiphertexts);
        var shares = new byte[owners.Length][];
        Ciphertext[] own = q.OwnProducts;
        Ciphertext[][] peers = [.. q.PeerProducts.Values];
        // One output ciphertext per iteration, on the party's cores: each sums into its own ciphertext and draws its
        // smudging from its own OS-CSPRNG source (GenShare), and the evaluator is thread-safe.
        KernelRunner.For(owners.Length, k =>
        {
            Ciphertext e = own[k];
            foreach (Ciphertext[] peer in peers) He.Evaluator.AddInplace(e, peer[k]);
            He.Evaluator.ModSwitchToNextInplace(e); // docs/noise.md step 5, as A does
            shares[k] = P.Budget.Decryption(owners[k]).GenShare(_secret.SecretKey, e).Serialize();
        });
        q.OwnProducts = null;
        q.PeerProducts.Clear();
        outbox.Send(Party.Gateway, new DecryptionShares(q.Query, shares));
    }

    private void OnMaskedActivation(Party from, RemoteQuery q, MaskedActivation m, Outbox outbox)
    {
        if (!q.Decrypted)
            throw new ProtocolViolationException($"masked activation for query {q.Query} before its preparation finished");
        // The segment's input comes from A (tier 1) or the previous tier's evaluator; later blocks from whoever evaluates
        // this tier's circuits (its evaluator; A in DELPHI-3).
        Party upstream = Tier.Tier == 1 ? Party.Gateway : Party.Server(Tier.Tier - 1, 1);
        bool input = from == upstream && m.Block == Tier.FirstBlock;
        bool inside = from == CircuitEvaluator && Self != CircuitEvaluator && m.Block > Tier.FirstBlock;
        // The previous tier's evaluator also hands on x_j − r_j of its segment that a residual block here reads.
        // (For tier 1, A hands on x_l − r_l where a shortcut into block l+1 reads it.)
        bool shortcut = from == upstream && !Tier.Contains(m.Block) && ShortcutSources.Contains(m.Block);
        if ((!input && !inside && !shortcut) || (!shortcut && !Tier.Contains(m.Block)) || m.Values.Length != P.Block(m.Block).Columns || !q.Seen.Add(m.Block))
            throw new ProtocolViolationException($"unexpected masked activation for block {m.Block} from {from}");
        if (shortcut)
        {
            q.Masked[m.Block] = m.Values;
            if (q.Waiting is { } waiting && P.Block(waiting.Block).ShortcutSource == m.Block)
            {
                q.Waiting = null;
                Advance(q, waiting.Block, waiting.Masked, outbox);
            }
            return;
        }
        Advance(q, m.Block, m.Values, outbox);
    }

    /// <summary>The blocks before this segment (the previous tier's, or F_A's x_l for tier 1) whose input a residual block of this tier reads.</summary>
    private IEnumerable<int> ShortcutSources => Tier.Blocks.Select(i => P.Block(i).ShortcutSource).Where(j => j != 0 && !Tier.Contains(j));

    /// <summary>E^j_i from x_i − r_i (paper Alg. 10), then the layer's circuit step or, for block L, the output (paper §VI-D).</summary>
    protected void Advance(RemoteQuery q, int block, ulong[] masked, Outbox outbox)
    {
        BlockShape b = P.Block(block);
        q.Masked[block] = masked;
        int j = b.ShortcutSource;
        if (j != 0 && !q.Masked.ContainsKey(j))
        {
            // x_j − r_j comes from the previous tier's evaluator on another message; the block waits for it.
            q.Waiting = (block, masked);
            return;
        }
        // E^j = F^j(x − r) + S^j·g(x_j − r_j) + b^j + s^j (paper Alg. 10, with the shortcut of a residual block).
        ulong[] share = Shortcuts.Evaluate(P.Form(block), Share.Weights(block), masked, P.ShortcutForm(block), Share.ShortcutWeights(block),
            j == 0 ? [] : Shortcuts.Input(b, P.Block(j), q.Masked[j]), Share.Bias(block), q.S[block]);
        if (block == L)
        {
            // The output share goes out under the pk0 of the query's user (A names it before the query goes online).
            Encryptor user = q.Owner ?? throw new ProtocolViolationException($"query {q.Query} reached its output before A named its user");
            byte[] output = HeTools.SerializePooled(user.Encrypt(He.EncodePrefix(share)));
            outbox.Send(Party.Gateway, new OutputCiphertext(q.Query, output));
            outbox.Lend(PooledPayloads.GiveBack(output));
            Finish(q.Query);
            return;
        }
        OnShare(q, block, share, outbox);
    }

    /// <summary>The query is over here: its output left (last tier) or its boundary block was handed on (earlier tiers).</summary>
    protected void Finish(int query)
    {
        Queries.Remove(query);
        Forget(query);
    }

    /// <summary>
    /// The duty for remote server <paramref name="self"/> under the parameters' protocol: the garbler (index 0), the
    /// evaluator (1) or a provider — in the DELPHI-3 baseline server 1 (C) is a provider toward A (paper App. C).
    /// </summary>
    /// <param name="tableMemory">An evaluator's memory for garbled tables before they spill to disk (<see cref="GarbledTableStore"/>).</param>
    public static RemoteServerRole For(SecoParameters parameters, RemoteShare share, Party self, long tableMemory = GarbledTableStore.DefaultMemoryBudget) => parameters.DutyOf(self) switch
    {
        ServerDuty.Garbler => new GarblerRole(parameters, share, self),
        ServerDuty.Evaluator => new EvaluatorRole(parameters, share, self, tableMemory),
        _ => new ProviderRole(parameters, share, self),
    };
}

/// <summary>A remote server's per-query state.</summary>
public sealed class RemoteQuery(int query)
{
    public int Query { get; } = query;

    /// <summary>r_i^j (the segment's blocks after its first, and the next tier's first block).</summary>
    public Dictionary<int, ulong[]> R { get; } = [];

    /// <summary>s_i^j (the segment's blocks).</summary>
    public Dictionary<int, ulong[]> S { get; } = [];

    public HashSet<int> Seen { get; } = [];

    /// <summary>x_i − r_i as this server learned it online (a residual block reads its shortcut source's).</summary>
    public Dictionary<int, ulong[]> Masked { get; } = [];

    /// <summary>A residual block whose input arrived before its shortcut source's x_j − r_j (from the previous tier).</summary>
    public (int Block, ulong[] Masked)? Waiting { get; set; }

    /// <summary>The last tier: the pk0 of the user A gave this query to (<see cref="Messages.QueryOwner"/>).</summary>
    public Encryptor? Owner { get; set; }

    /// <summary>A's PreparationBegin arrived.</summary>
    public bool Started { get; set; }

    /// <summary>This server sent its decryption shares: its part of the preparation is done.</summary>
    public bool Decrypted { get; set; }

    /// <summary>This server computed its products (once per query; they stay set after decryption).</summary>
    public bool Multiplied { get; set; }

    /// <summary>This server's Enc(F^j r − s^j ⊕ pad), the runs of the tier's blocks in order, until it has decrypted.</summary>
    public Ciphertext[]? OwnProducts { get; set; }

    /// <summary>This server's products as sent, between its commitment and its reveal.</summary>
    public LinearShares? OwnShares { get; set; }

    /// <summary>This server has revealed its products (every peer had committed).</summary>
    public bool Revealed { get; set; }

    /// <summary>The tier peers' commitments to their products (once each).</summary>
    public Dictionary<Party, byte[]> PeerCommitments { get; } = [];

    /// <summary>The tier peers' products (once each), until this server has decrypted.</summary>
    public Dictionary<Party, Ciphertext[]> PeerProducts { get; } = [];
}
