using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>
/// The user (paper §VI-B, §VI-C): holds the input, knows only F_A's architecture (<see cref="UserView"/>), talks
/// only to A. Per query: masks r_1..r_{l+1}, Enc(r_i) for DELPHI preprocessing of F_A and Enc_cpk(r_{l+1}) for the
/// transition; then online x_1 − r_1, one garbled-circuit evaluation per F_A ReLU, and the output decryption.
/// Queries run one after another; each query's material is used once (D11). A user may be given its inputs up front
/// (every query runs back to back), or one at a time as they arrive (<see cref="Submit"/>; issue 22's workloads), and
/// then preprocesses either when the input arrives or ahead of it, as soon as its previous query is over (the
/// preprocessing never reads the input).
/// </summary>
public sealed class UserRole : ISecoRole, IUserInputs
{
    private readonly UserView _view;
    private readonly ulong[]?[] _inputs;
    private readonly bool _preprocessAhead;
    private readonly HeTools _he;
    private readonly KeyGenerator _keys;
    private readonly PublicKey _publicKey;
    private readonly Decryptor _decryptor;
    private readonly IknpReceiver _ot = new();
    private readonly Model.Linear.HeForm[] _forms;
    private readonly Model.Linear.HeForm?[] _shortcuts;
    private readonly AbortedQueries _aborted = new();
    /// <summary>Queries aborted before the user began them: each is skipped (and A told) when its turn comes.</summary>
    private readonly Dictionary<int, (ProtocolPhase At, string Reason)> _abortedAhead = [];
    private Encryptor? _collective;
    /// <summary>The queries begun and not over, by number: one at a time, or two when pipelined.</summary>
    private readonly Dictionary<int, QueryState> _active = [];
    private readonly int _depth;
    private bool _welcomed;
    /// <summary>The next query to begin.</summary>
    private int _next;
    /// <summary>The user's label batches with A: one out at a time when several queries preprocess at once (a pool).</summary>
    private readonly OtReceiverQueue _batches;
    /// <summary>How many queries the user keeps preprocessed or preprocessing ahead of their inputs (0: no pool).</summary>
    private readonly int _pool;

    /// <param name="inputs">Each query's input x_1 as residues mod p (fixed-point encoded), all known up front.</param>
    public UserRole(UserView view, IReadOnlyList<ulong[]> inputs) : this(view, inputs.Count, preprocessAhead: false, pipelined: false)
    {
        for (int q = 0; q < inputs.Count; q++)
            _inputs[q] = CheckInput(inputs[q]);
    }

    /// <param name="queries">How many queries the user will run; each input comes later (<see cref="Submit"/>).</param>
    /// <param name="preprocessAhead">Preprocess each query as soon as the previous one is over, before its input arrives.</param>
    /// <param name="pipelined">
    /// Begin the next query's preprocessing as soon as the current one goes online, not when it ends (issue 22): the
    /// next query's preprocessing — the user's, A's for F_A and the servers' F_BC preparation — overlaps this one's
    /// online phase, and two queries are in flight.
    /// </param>
    /// <param name="pool">
    /// Keep this many queries preprocessed (or preprocessing) ahead of their inputs, whatever is online (0: none): the
    /// user's preprocessing pool. Each query's preprocessing sets off the servers' F_BC preparation for it, so a pooled
    /// query is ready end to end when its input arrives.
    /// </param>
    public UserRole(UserView view, int queries, bool preprocessAhead, bool pipelined = false, int pool = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(pool);
        _view = view;
        _inputs = new ulong[]?[queries];
        _preprocessAhead = preprocessAhead || pool > 0;
        _depth = pipelined ? 2 : 1;
        _pool = pool;
        _batches = new OtReceiverQueue(_ot);
        _he = new HeTools(view.Context);
        _keys = new KeyGenerator(view.Context);
        _publicKey = _keys.CreatePublicKey();
        _decryptor = new Decryptor(view.Context, _keys.SecretKey);
        _forms = [.. view.GatewayBlocks.Select(b => b.CreateForm(view.Context.N))];
        _shortcuts = [.. view.GatewayBlocks.Select(b => b.ShortcutSource == 0 ? null : Model.Linear.Shortcuts.Form(b, view.GatewayBlocks[b.ShortcutSource - 1].Input, view.Context.N))];
    }

    public Party Self => Party.User;

    private ulong[] CheckInput(ulong[] x) => x.Length == _view.InputSize ? x
        : throw new ArgumentException($"an input has {x.Length} values, the model takes {_view.InputSize}");

    /// <summary>
    /// Query <paramref name="query"/>'s input has arrived: the user begins it (if it was waiting for it) or goes online
    /// with it once its preprocessing is done. Inputs may arrive in any order and before the user is welcomed.
    /// </summary>
    public void Submit(int query, ulong[] input, Outbox outbox)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(query);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(query, _inputs.Length);
        if (_inputs[query] is not null)
            throw new InvalidOperationException($"query {query}'s input was submitted twice");
        _inputs[query] = CheckInput(input);
        if (_active.TryGetValue(query, out QueryState? q))
            TryGoOnline(q, outbox);
        else if (_welcomed)
            TryBeginNext(outbox);
    }

    /// <summary>sk0, for the view audit's recipient-side decryptions (tests only).</summary>
    internal SecretKey SecretKey => _keys.SecretKey;

    public void Start(Outbox outbox)
    {
        // Paper §VI-B: plain BFV keys, plus the rotation keys A needs for F_A's Lin-OPs (as the authors' prototype sends).
        uint[] elements = _forms.Concat(_shortcuts.OfType<Model.Linear.HeForm>()).SelectMany(f => f.GaloisElements()).Distinct().Order().ToArray();
        byte[] galois = elements.Length == 0 ? [] : BfvSerializer.Serialize(_keys.CreateGaloisKeysFromElements(elements));
        outbox.Send(Party.Gateway, new UserJoin(BfvSerializer.Serialize(_publicKey), galois, _ot.Start()));
        // The public F_A ReLU circuits are built now, in setup, not by the first query's online phase (issue 19).
        foreach (BlockShape b in _view.GatewayBlocks.Where(b => b.HasRelu)) ReluLayers.Gateway(b.Shift, b.Rows);
    }

    public void Handle(Party from, SecoMessage message, Outbox outbox)
    {
        if (from != Party.Gateway)
            throw new ProtocolViolationException($"the user talks only to the gateway, got {message.GetType().Name} from {from}");
        if (_aborted.Contains(message))
            return;
        switch (message)
        {
            case QueryAborted m:
                Abort(m.Query, m.At, m.Reason, outbox, from);
                break;
            case GatewayWelcome m:
                if (_welcomed)
                    throw new ProtocolViolationException("a second GatewayWelcome: the collective key is accepted once per session");
                _welcomed = true;
                _ot.ReceiveSetup(m.OtBase);
                if (_view.HasRemoteTier)
                    _collective = new Encryptor(_view.Context, _he.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.CollectivePublicKey, "collective public key"));
                outbox.Raise(new UserWelcomed());
                TryBeginNext(outbox);
                break;
            case GatewayPreprocessing m:
                OnGatewayPreprocessing(Current(m.Query), m, outbox);
                break;
            case GarbledCircuits m:
                OnCircuit(Current(m.Query), m, outbox);
                break;
            case OtResponse { Purpose: OtPurpose.UserLabels } m:
                OnLabels(Current(m.Query), m, outbox);
                break;
            case QueryReady m:
                Current(m.Query).ServersReady = true;
                TryGoOnline(Current(m.Query), outbox);
                break;
            case GarblerInput m:
                OnGarblerInput(Current(m.Query), m, outbox);
                break;
            case OutputShare m:
                {
                    QueryState q = Current(m.Query);
                    if (_view.HasRemoteTier || m.Values.Length != _view.OutputSize)
                        throw new ProtocolViolationException($"unexpected output share of {m.Values.Length} values");
                    Finish(q, ZpVector.Add(m.Values, q.Shares[_view.Split]), outbox);
                    break;
                }
            case OutputCiphertext m:
                {
                    QueryState q = Current(m.Query);
                    Finish(q, _he.DecodePrefix(_decryptor.Decrypt(_he.LoadCiphertext(m.Ciphertext, "output ciphertext")), _view.OutputSize), outbox);
                    break;
                }
            default:
                throw new ProtocolViolationException($"the user does not expect {message.GetType().Name}");
        }
    }

    /// <summary>The user has one session: its queries are its own.</summary>
    public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => Abort(query, at, reason, outbox);

    public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
    {
        // A query not begun yet (A refused a message naming the user's next query, review 22b): it fails now and is
        // skipped when its turn comes — A is told then, in order, and numbers the user's next preprocessing as the user
        // does. Begun later, A would drop its preprocessing quietly and the query (and, not pooled, every later one) hang.
        if (query >= _next && query < _inputs.Length && !_abortedAhead.ContainsKey(query))
        {
            _abortedAhead[query] = (at, reason);
            outbox.Raise(new QueryFailed(query, reason));
            TryBeginNext(outbox);
            return;
        }
        // Otherwise only a query in flight can fail; the user then goes on with the next one.
        if (!_active.TryGetValue(query, out QueryState? q) || q.Finished || !_aborted.Add(query, at, reason, outbox, from, Party.Gateway))
            return;
        q.Finished = true;
        _active.Remove(query);
        _batches.Forget(query); // a batch of its still out is given up (A skips the burned OT indices); its reply is dropped with it
        outbox.Raise(new QueryFailed(query, reason));
        _batches.Resume(outbox);
        TryBeginNext(outbox);
    }

    private QueryState Current(int query) =>
        _active.TryGetValue(query, out QueryState? q) && !q.Finished ? q : throw new ProtocolViolationException($"query {query} is not a query the user has in flight");

    /// <summary>
    /// Begins the next query while there is room: one query at a time, or — pipelined — a second once every query in
    /// flight is online (so one query preprocesses while the other is online). Without preprocessing ahead, a query
    /// begins only once its input is in.
    /// </summary>
    private void TryBeginNext(Outbox outbox)
    {
        while (_welcomed && _next < _inputs.Length)
        {
            if (_abortedAhead.Remove(_next, out (ProtocolPhase At, string Reason) skipped))
            {
                _aborted.Add(_next++, skipped.At, skipped.Reason, outbox, null, Party.Gateway); // A drops it if it aborted it first
                continue;
            }
            if (!HasRoom || !(_preprocessAhead || _inputs[_next] is not null))
                break;
            Begin(_next++, outbox);
        }
    }

    /// <summary>A pool: fewer than its depth of queries not yet online. Otherwise one query, or a second once all are online.</summary>
    private bool HasRoom => _pool > 0
        ? _active.Values.Count(a => !a.Online) < _pool
        : _active.Count < _depth && _active.Values.All(a => a.Online);

    private void Begin(int query, Outbox outbox)
    {
        var q = new QueryState(query);
        _active[query] = q;
        outbox.Raise(new PreprocessingStarted(query));
        int l = _view.Split;
        // Masks r_1..r_{l+1} uniform over Z_p (defect 3), r_i the size of block i's input.
        for (int i = 1; i <= l; i++)
            q.Masks[i] = ZpRandom.Uniform(_view.GatewayBlocks[i - 1].Columns);
        if (_view.HasRemoteTier)
            q.Masks[l + 1] = ZpRandom.Uniform(_view.TransitionSize);

        using var own = new Encryptor(_view.Context, _publicKey);
        // Per F_A block: r_i in its form's packing, then for a residual block g(r_j) in its shortcut's (F_A is the
        // user's to know, shortcuts included).
        byte[][] masks = Enumerable.Range(1, l)
            .SelectMany(i => _he.EncodeInput(_forms[i - 1], q.Masks[i]).Concat(_shortcuts[i - 1] is not { } sc ? []
                : _he.EncodeInput(sc, Model.Linear.Shortcuts.Input(_view.GatewayBlocks[i - 1], _view.GatewayBlocks[_view.GatewayBlocks[i - 1].ShortcutSource - 1], q.Masks[_view.GatewayBlocks[i - 1].ShortcutSource]))))
            .Select(plain => HeTools.SerializePooled(own.Encrypt(plain)))
            .ToArray();
        // Every packing the transition's shape allows (TransitionPacking): which one F_BC uses is not the user's to know.
        // A residual model's user also sends r_l so packed (a shortcut into block l+1 may read x_l): D23.
        IEnumerable<ulong[]> packs = !_view.HasRemoteTier ? []
            : TransitionPacking.Pack(q.Masks[l + 1], _view.TransitionShape, _view.Context.N, subsampled: _view.Residual)
                .Concat(_view.Residual && l >= 1 ? TransitionPacking.Pack(q.Masks[l], _view.GatewayBlocks[l - 1].Input, _view.Context.N, subsampled: true) : []);
        byte[][] transition = [.. packs.Select(slots => HeTools.SerializePooled(_collective!.Encrypt(_he.Encode(slots))))];
        outbox.Send(Party.Gateway, new UserPreprocessing(query, masks, transition));
        outbox.Lend(PooledPayloads.GiveBack([.. masks, .. transition]));
    }

    private void OnGatewayPreprocessing(QueryState q, GatewayPreprocessing m, Outbox outbox)
    {
        int l = _view.Split;
        if (q.Preprocessed)
            throw new ProtocolViolationException($"A's preprocessing for query {q.Query} arrived twice");
        q.Preprocessed = true;
        Dictionary<int, byte[][]> runs = CiphertextRuns.Split(m.ShareCiphertexts, Enumerable.Range(1, l), i => _forms[i - 1].OutputCiphertexts, "A's share ciphertexts");
        for (int i = 1; i <= l; i++)
        {
            Ciphertext[] cts = _he.LoadCiphertexts(runs[i], $"share ciphertext of block {i}");
            q.Shares[i] = _he.DecodeOutput(_forms[i - 1], cts.Select(_decryptor.Decrypt)); // F_i r_i − s_i
        }

        TryRequestLabels(q, outbox);
    }

    /// <summary>One F_A layer's garbled circuit from A, in block order after the shares (paper Alg. 14; one per message).</summary>
    private void OnCircuit(QueryState q, GarbledCircuits m, Outbox outbox)
    {
        BlockShape[] relu = [.. _view.GatewayBlocks.Where(b => b.HasRelu)];
        int next = q.Circuits.Count;
        if (!q.Preprocessed || m.Layers.Length != 1 || next >= relu.Length || m.Layers[0].Block != relu[next].Index)
            throw new ProtocolViolationException($"an F_A circuit for blocks [{string.Join(", ", m.Layers.Select(l => l.Block))}] of query {q.Query}; " +
                                                 $"the next expected is {(next < relu.Length && q.Preprocessed ? $"block {relu[next].Index}" : "none")}");
        q.Circuits[m.Layers[0].Block] = m.Layers[0];
        TryRequestLabels(q, outbox);
    }

    /// <summary>With the shares decrypted and every F_A circuit in: the user's labels by OT (or straight on with no ReLU on A).</summary>
    private void TryRequestLabels(QueryState q, Outbox outbox)
    {
        BlockShape[] relu = [.. _view.GatewayBlocks.Where(b => b.HasRelu)];
        if (!q.Preprocessed || q.Circuits.Count < relu.Length || q.LabelsRequested)
            return;
        q.LabelsRequested = true;
        if (relu.Length == 0)
        {
            q.LabelsReady = true;
            TryGoOnline(q, outbox);
            return;
        }

        // Paper Alg. 14: the user's circuit inputs (F r − s and −r_{i+1}) are known now, so their labels come offline —
        // one OT batch per ReLU block, in block order (issue 21: all of ResNet-32's F_A at once was a 795 MB reply).
        foreach (BlockShape b in relu)
            q.LabelBlocks.Enqueue(b.Index);
        RequestLabels(q, outbox);
    }

    /// <summary>The OT batch for the next F_A block's user inputs: the bits of F_i r_i − s_i and of −r_{i+1}.</summary>
    private void RequestLabels(QueryState q, Outbox outbox)
    {
        BlockShape b = _view.GatewayBlocks[q.LabelBlocks.Peek() - 1];
        int width = ReluLayers.Width(ReluLayers.Gateway(b.Shift, b.Rows), b.Rows);
        bool[] choices = [.. ReluLayers.Bits(q.Shares[b.Index], width), .. ReluLayers.Bits(ZpVector.Negate(q.Masks[b.Index + 1]), width)];
        q.ChoiceCount = choices.Length;
        _batches.Request(q.Query, o =>
        {
            byte[] matrix = _ot.ExtendChosen(ReluLayers.Pack(choices), choices.Length, PooledPayloads.Rent);
            o.Send(Party.Gateway, new OtRequest(q.Query, OtPurpose.UserLabels, b.Index, matrix));
            o.Lend(PooledPayloads.GiveBack(matrix));
        }, outbox);
    }

    private void OnLabels(QueryState q, OtResponse m, Outbox outbox)
    {
        if (q.LabelsReady || !q.LabelBlocks.TryPeek(out int block) || m.Block != block)
            throw new ProtocolViolationException($"an OT response for the user's labels of block {m.Block} of query {q.Query} that the user did not request (or a second one)");
        if (!_batches.IsOut(q.Query))
            throw new ProtocolViolationException($"an OT response for the user's labels of query {q.Query}, whose batch has not gone out yet");
        var labels = new Block[q.ChoiceCount];
        _ot.ReceiveChosen(m.Payload, labels);
        _batches.Answered(outbox);
        int count = labels.Length / 2;
        q.OwnLabels[block] = (labels.AsMemory(0, count), labels.AsMemory(count, count)); // slices: no copies
        q.LabelBlocks.Dequeue();
        if (q.LabelBlocks.Count > 0)
        {
            RequestLabels(q, outbox);
            return;
        }
        q.LabelsReady = true;
        TryGoOnline(q, outbox);
    }

    private void TryGoOnline(QueryState q, Outbox outbox)
    {
        if (!q.ServersReady || !q.LabelsReady || q.Online)
            return;
        if (!q.PreparedRaised)
        {
            q.PreparedRaised = true;
            outbox.Raise(new QueryPrepared(q.Query));
        }
        if (_inputs[q.Query] is null)
            return;
        q.Online = true;
        outbox.Raise(new OnlineStarted(q.Query));
        // Paper §VI-C: x_1 − r_1.
        outbox.Send(Party.Gateway, new MaskedActivation(q.Query, 1, ZpVector.Subtract(_inputs[q.Query]!, q.Masks[1])));
        TryBeginNext(outbox); // pipelined: the next query preprocesses while this one is online (after its input left)
    }

    private void OnGarblerInput(QueryState q, GarblerInput m, Outbox outbox)
    {
        if (!q.Online || m.Block < 1 || m.Block > _view.Split || !_view.GatewayBlocks[m.Block - 1].HasRelu)
            throw new ProtocolViolationException($"no F_A circuit to evaluate for block {m.Block}");
        BlockShape b = _view.GatewayBlocks[m.Block - 1];
        var circuit = ReluLayers.Gateway(b.Shift, b.Rows);
        GarbledLayer layer = q.Circuits[b.Index];
        (ReadOnlyMemory<Block> u, ReadOnlyMemory<Block> negR) = q.OwnLabels[b.Index];
        ulong[] z = ReluLayers.Evaluate(circuit, b.Rows, [m.Labels, .. layer.GarblerLabels],
            [(ReluLayers.Group(circuit, "u"), u), (ReluLayers.Group(circuit, "neg_r_next"), negR)], layer);
        outbox.Send(Party.Gateway, new GatewayCircuitOutput(q.Query, b.Index, z)); // x_{i+1} − r_{i+1} − d_{i+1}
    }

    private void Finish(QueryState q, ulong[] logits, Outbox outbox)
    {
        if (!q.Online)
            throw new ProtocolViolationException($"an output for query {q.Query} before its online phase");
        q.Finished = true;
        _active.Remove(q.Query);
        outbox.Raise(new PredictionReady(q.Query, logits));
        TryBeginNext(outbox);
    }

    private sealed class QueryState(int query)
    {
        public int Query { get; } = query;

        public Dictionary<int, ulong[]> Masks { get; } = [];

        /// <summary>F_i r_i − s_i per F_A block.</summary>
        public Dictionary<int, ulong[]> Shares { get; } = [];

        public Dictionary<int, GarbledLayer> Circuits { get; } = [];

        public Dictionary<int, (ReadOnlyMemory<Block> U, ReadOnlyMemory<Block> NegR)> OwnLabels { get; } = [];

        /// <summary>The F_A ReLU blocks whose labels are still to fetch, the one requested first.</summary>
        public Queue<int> LabelBlocks { get; } = new();

        /// <summary>Choices in the pending batch.</summary>
        public int ChoiceCount { get; set; }

        public bool Preprocessed { get; set; }

        public bool LabelsRequested { get; set; }

        public bool LabelsReady { get; set; }

        public bool ServersReady { get; set; }

        public bool Online { get; set; }

        /// <summary>Its preparation was reported done (<see cref="QueryPrepared"/>).</summary>
        public bool PreparedRaised { get; set; }

        public bool Finished { get; set; }
    }
}
