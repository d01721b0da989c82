using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Protocol.Roles;

/// <summary>The gateway's per-query work: preprocessing with the user and with B, C; online; output.</summary>
public sealed partial class GatewayRole
{
    private int L => _p.BlockCount;

    private int Split => _p.Split;

    // ---- User preprocessing (paper §VI-B, Algs. 12–14) ----

    private void OnUserPreprocessing(UserPreprocessing m, Outbox outbox)
    {
        if (!_welcomed || _user is null)
            throw new ProtocolViolationException("user preprocessing before setup finished");
        // Queries start once each, in order: a replayed or skipped query number is refused.
        if (m.Query != _nextQuery || !_queries.TryAdd(m.Query, new QueryState(m.Query)))
            throw new ProtocolViolationException($"query {m.Query} cannot start: the next query is {_nextQuery}");
        if ((_p.Budget.Refusal(m.Query) ?? (Split > 0 ? _p.Budget.LifetimeRefusal(_model.ServedQueries) : null)) is { } refusal)
        {
            _queries.Remove(m.Query);
            throw new ProtocolViolationException(refusal);
        }
        if (Split > 0)
            _model.ServedQueries++;
        _nextQuery++;
        QueryState q = _queries[m.Query];
        if (m.MaskCiphertexts.Length != Split || m.TransitionMask.Length != (_p.HasRemoteTier ? 2 : 0))
            throw new ProtocolViolationException($"expected {Split} mask ciphertexts and {(_p.HasRemoteTier ? 2 : 0)} transition halves");

        // Paper Alg. 12 with circuit privacy (D2): Enc(F_i r_i − s_i), mod-switched and flooded before it goes back.
        var shares = new byte[Split][];
        for (int i = 1; i <= Split; i++)
        {
            BlockShape b = _p.Block(i);
            Ciphertext ct = _he.LoadCiphertext(m.MaskCiphertexts[i - 1], $"Enc(r_{i})");
            q.S[i] = ZpRandom.Uniform(b.Rows);
            Ciphertext product = MatVec.Multiply(_he.Evaluator, _faMatrices[i], ct, _userRotations!);
            _he.Evaluator.SubPlainInplace(product, _he.EncodeOutputMask(q.S[i]));
            _he.Evaluator.ModSwitchToNextInplace(product);
            CircuitPrivacy.FloodInplace(_p.Context, _user, product, _p.Budget.FloodingBits); // D2: as wide as decrypts (F_A's lifetime budget)
            shares[i - 1] = HeTools.Serialize(product);
        }

        // Paper Alg. 14: one garbled circuit per F_A ReLU layer; A's pad d_{i+1} enters negated (SecoReluCircuits convention).
        var circuits = new List<GarbledLayer>();
        for (int i = 1; i <= Split; i++)
        {
            BlockShape b = _p.Block(i);
            if (!b.HasRelu) continue;
            q.D[i] = ZpRandom.Uniform(b.Rows);
            q.Garblers[i] = new Garbler(ReluLayers.Gateway(b.Shift, b.Rows));
            circuits.Add(ReluLayers.Package(i, q.Garblers[i], ("neg_d", ZpVector.Negate(q.D[i]))));
        }
        outbox.Send(Party.User, new GatewayPreprocessing(m.Query, shares, circuits.ToArray()));
        q.UserSideDone = true;

        if (!_p.HasRemoteTier)
        {
            q.RemoteReady = true;
            TryQueryReady(q, outbox);
            return;
        }

        // Paper Alg. 13: the user's transition mask, re-packed for block l+1 (TransitionPacking), then F_BC preparation.
        q.TransitionMask = TransitionPacking.Combine(_he.Evaluator,
            _he.LoadCiphertext(m.TransitionMask[0], "transition mask (row 0)"),
            _he.LoadCiphertext(m.TransitionMask[1], "transition mask (row 1)"),
            _p.TransitionRotation, _rotations!);
        for (int i = Split + 2; i <= L; i++)
        {
            q.R1[i] = ZpRandom.Uniform(_p.Block(i).Columns);
            q.OwnMaskCiphertexts[i] = _collective!.Encrypt(_he.EncodeInput(_p.Layout(i), q.R1[i]));
        }
        outbox.Send(Party.Garbler, new PreparationBegin(m.Query));
        outbox.Send(Party.Evaluator, new PreparationBegin(m.Query));
    }

    private void OnUserLabelRequest(QueryState q, OtRequest m, Outbox outbox)
    {
        if (!q.UserSideDone)
            throw new ProtocolViolationException($"an OT request for query {q.Query} before its circuits were garbled");
        _servedToUser.Claim(m);
        var groups = q.Garblers.OrderBy(g => g.Key).SelectMany(g => new[] { (g.Value, "u"), (g.Value, "neg_r_next") });
        (Block[] x0, Block[] x1) = ReluLayers.LabelPairs(groups.ToArray());
        outbox.Send(Party.User, new OtResponse(q.Query, OtPurpose.UserLabels, 0, _otWithUser.SendChosen(m.Matrix, x0, x1)));
    }

    // ---- F_BC preparation (paper §VI-A-2, Alg. 8 with D1; Alg. 16) ----

    private void OnMaskShares(QueryState q, Party from, MaskShares m, Outbox outbox)
    {
        if (m.Ciphertexts.Length != L - Split - 1 || !q.MaskShares.TryAdd(from, m.Ciphertexts))
            throw new ProtocolViolationException($"{from}: unexpected mask shares for query {q.Query}");
        if (q.MaskShares.Count < 2) return;
        var aggregate = new byte[L - Split][];
        aggregate[0] = HeTools.Serialize(q.TransitionMask!);
        for (int i = Split + 2; i <= L; i++)
        {
            Ciphertext sum = q.OwnMaskCiphertexts[i].Clone();
            foreach (byte[][] shares in q.MaskShares.Values)
                _he.Evaluator.AddInplace(sum, _he.LoadCiphertext(shares[i - Split - 2], $"Enc(r_{i}) share"));
            aggregate[i - Split - 1] = HeTools.Serialize(sum);
        }
        var message = new MaskAggregate(q.Query, aggregate);
        outbox.Send(Party.Garbler, message);
        outbox.Send(Party.Evaluator, message);
    }

    private void OnLinearShares(QueryState q, Party from, LinearShares m, Outbox outbox)
    {
        if (m.Ciphertexts.Length != L - Split || q.CtE.Count > 0 || q.E1.Count > 0 || !q.LinearShares.TryAdd(from, m.Ciphertexts))
            throw new ProtocolViolationException($"{from}: unexpected linear shares for query {q.Query}");
        if (q.LinearShares.Count < 2) return;
        for (int i = Split + 1; i <= L; i++)
        {
            int k = i - Split - 1;
            Ciphertext e = _he.LoadCiphertext(q.LinearShares[Party.Garbler][k], $"F²r − s² of block {i}");
            _he.Evaluator.AddInplace(e, _he.LoadCiphertext(q.LinearShares[Party.Evaluator][k], $"F³r − s³ of block {i}"));
            _he.Evaluator.ModSwitchToNextInplace(e); // docs/noise.md step 5; B and C compute the same ct_E themselves
            q.CtE[i] = e;
        }
        q.LinearShares.Clear();
        TryDecrypt(q, outbox);
    }

    private void OnDecryptionShares(QueryState q, Party from, DecryptionShares m, Outbox outbox)
    {
        if (m.Shares.Length != L - Split || q.E1.Count > 0 || !q.DecryptionShares.TryAdd(from, m.Shares))
            throw new ProtocolViolationException($"{from}: unexpected decryption shares for query {q.Query}");
        TryDecrypt(q, outbox);
    }

    /// <summary>Paper Algs. 6–7: once both partial products and both decryption shares are in, A learns E¹ of every F_BC block.</summary>
    private void TryDecrypt(QueryState q, Outbox outbox)
    {
        if (q.CtE.Count == 0 || q.DecryptionShares.Count < 2) return;
        for (int i = Split + 1; i <= L; i++)
        {
            int k = i - Split - 1;
            CollectiveDecryption decryption = _p.Budget.Decryption(i);
            PolyShare aggregate = q.DecryptionShares.Values.Select(s => LoadShare(s[k], $"decryption share of block {i}"))
                .Aggregate(decryption.GenShare(_secret.SecretKey, q.CtE[i]), CollectiveDecryption.Aggregate);
            q.E1[i] = _p.Layout(i).UnpackOutput(_he.Encoder.Decode(decryption.Finalize(q.CtE[i], aggregate)));
        }
        q.CtE.Clear();
        q.DecryptionShares.Clear();

        // Paper Alg. 16: A's inputs to each F_BC circuit (E¹_i and −r¹_{i+1}) by OT from the garbler B.
        var choices = new List<bool>();
        for (int i = Split + 1; i < L; i++)
        {
            BlockShape b = _p.Block(i);
            int width = ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows), b.Rows);
            choices.AddRange(ReluLayers.Bits(q.E1[i], width));
            choices.AddRange(ReluLayers.Bits(ZpVector.Negate(q.R1[i + 1]), width));
        }
        if (choices.Count == 0)
        {
            outbox.Send(Party.Evaluator, new ProviderLabels(q.Query, []));
            return;
        }
        q.ProviderChoices = choices.Count;
        outbox.Send(Party.Garbler, new OtRequest(q.Query, OtPurpose.ProviderLabels, 0, _otWithGarbler.ExtendChosen(ReluLayers.Pack(choices.ToArray()), choices.Count)));
    }

    private void OnProviderLabels(QueryState q, OtResponse m, Outbox outbox)
    {
        if (q.ProviderChoices == 0)
            throw new ProtocolViolationException($"an OT response for query {q.Query} that A did not request (or a second one)");
        var labels = new Block[q.ProviderChoices];
        q.ProviderChoices = 0;
        _otWithGarbler.ReceiveChosen(m.Payload, labels);
        var groups = new List<byte[]>();
        int at = 0;
        for (int i = Split + 1; i < L; i++)
        {
            BlockShape b = _p.Block(i);
            var circuit = ReluLayers.Remote(b.Shift, b.Rows);
            foreach (string name in new[] { "E1", "neg_r1" })
            {
                int count = circuit.Input(name).Width;
                groups.Add(new InputLabels(ReluLayers.Group(circuit, name), labels.AsSpan(at, count).ToArray()).ToBytes());
                at += count;
            }
        }
        outbox.Send(Party.Evaluator, new ProviderLabels(q.Query, groups.ToArray()));
    }

    private void TryQueryReady(QueryState q, Outbox outbox)
    {
        if (q.ReadySent || !q.UserSideDone || !q.RemoteReady) return;
        q.ReadySent = true;
        outbox.Send(Party.User, new QueryReady(q.Query));
    }

    // ---- Online (paper §VI-C, Alg. 15) and output (paper §VI-D) ----

    private void OnMaskedInput(QueryState q, MaskedActivation m, Outbox outbox)
    {
        if (m.Block != 1 || !q.ReadySent || q.OnlineStarted || m.Values.Length != _p.Block(1).Columns)
            throw new ProtocolViolationException($"unexpected masked input for query {q.Query}");
        q.OnlineStarted = true;
        if (Split == 0)
            Transition(q, m.Values, outbox);
        else
            GatewayBlock(q, 1, m.Values, outbox);
    }

    private void GatewayBlock(QueryState q, int i, ulong[] masked, Outbox outbox)
    {
        BlockShape b = _p.Block(i);
        // A's share F_i(x_i − r_i) + b_i + s_i; the user holds F_i r_i − s_i.
        ulong[] a = ZpVector.MultiplyAdd(_model.Weights(i), b.Rows, b.Columns, masked, _model.Bias(i), q.S[i]);
        if (!b.HasRelu)
        {
            outbox.Send(Party.User, new OutputShare(q.Query, a)); // l = L: DELPHI's output, the user adds its share
            _queries.Remove(q.Query);
            _servedToUser.Forget(q.Query);
            return;
        }
        Garbler garbler = q.Garblers[i];
        int group = ReluLayers.Group(garbler.Circuit, "a");
        int width = garbler.Circuit.Inputs[group].Width / b.Rows;
        q.AwaitedCircuitOutput = i;
        outbox.Send(Party.User, new GarblerInput(q.Query, i, new InputLabels(group, garbler.InputEncoding.Encode(group, ReluLayers.Bits(a, width))).ToBytes()));
    }

    private void OnCircuitOutput(QueryState q, GatewayCircuitOutput m, Outbox outbox)
    {
        if (!q.OnlineStarted || m.Block != q.AwaitedCircuitOutput || !q.D.TryGetValue(m.Block, out ulong[]? d) || m.Values.Length != d.Length || q.Done.Contains(m.Block))
            throw new ProtocolViolationException($"unexpected circuit output for block {m.Block} of query {q.Query}");
        q.Done.Add(m.Block);
        ulong[] masked = ZpVector.Add(m.Values, d); // x_{i+1} − r_{i+1}
        if (m.Block < Split)
            GatewayBlock(q, m.Block + 1, masked, outbox);
        else
            Transition(q, masked, outbox);
    }

    private void Transition(QueryState q, ulong[] masked, Outbox outbox)
    {
        var message = new MaskedActivation(q.Query, Split + 1, masked); // Paper §VI-C: to B and C directly (D16)
        outbox.Send(Party.Garbler, message);
        outbox.Send(Party.Evaluator, message);
    }

    private void OnOutputCiphertext(QueryState q, Party from, OutputCiphertext m, Outbox outbox)
    {
        if (!q.OnlineStarted || !q.Outputs.TryAdd(from, _he.LoadCiphertext(m.Ciphertext, $"output share of {from}")))
            throw new ProtocolViolationException($"{from}: unexpected output for query {q.Query}");
        if (q.Outputs.Count < 2) return;
        Ciphertext y = _he.Evaluator.Add(q.Outputs[Party.Garbler], q.Outputs[Party.Evaluator]);
        _he.Evaluator.AddPlainInplace(y, _he.EncodeOutputMask(q.E1[L]));
        var zero = new Ciphertext(_p.Context);
        _user!.EncryptZero(zero); // D17: re-randomise before it leaves
        _he.Evaluator.AddInplace(y, zero);
        outbox.Send(Party.User, new OutputCiphertext(q.Query, HeTools.Serialize(y)));
        _queries.Remove(q.Query);
        _servedToUser.Forget(q.Query);
    }

    private sealed class QueryState(int query)
    {
        public int Query { get; } = query;

        public Dictionary<int, ulong[]> S { get; } = [];

        public Dictionary<int, ulong[]> D { get; } = [];

        public Dictionary<int, Garbler> Garblers { get; } = [];

        public Dictionary<int, ulong[]> R1 { get; } = [];

        public Dictionary<int, Ciphertext> OwnMaskCiphertexts { get; } = [];

        public Ciphertext? TransitionMask { get; set; }

        public Dictionary<Party, byte[][]> MaskShares { get; } = [];

        public Dictionary<Party, byte[][]> LinearShares { get; } = [];

        public Dictionary<Party, byte[][]> DecryptionShares { get; } = [];

        public Dictionary<int, Ciphertext> CtE { get; } = [];

        public Dictionary<int, ulong[]> E1 { get; } = [];

        public int ProviderChoices { get; set; }

        public bool UserSideDone { get; set; }

        public bool RemoteReady { get; set; }

        public bool ReadySent { get; set; }

        public bool OnlineStarted { get; set; }

        public HashSet<int> Done { get; } = [];

        /// <summary>The F_A block whose circuit output A waits for (it sent that block's labels last); 0 for none.</summary>
        public int AwaitedCircuitOutput { get; set; }

        public Dictionary<Party, Ciphertext> Outputs { get; } = [];
    }
}
