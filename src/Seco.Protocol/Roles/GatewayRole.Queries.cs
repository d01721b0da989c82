using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.MessagePack;
using Seco.Protocol.Compute;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;

namespace Seco.Protocol.Roles;

/// <summary>The gateway's per-query work: preprocessing with the user and with B, C; online; output.</summary>
public sealed partial class GatewayRole
{
    private int L => _p.BlockCount;

    private int Split => _p.Split;

    // ---- User preprocessing (paper §VI-B, Algs. 12–14) ----

    private void OnUserPreprocessing(UserState u, UserPreprocessing m, Outbox outbox)
    {
        if (!u.Welcomed)
            throw new ProtocolViolationException("user preprocessing before setup finished");
        // A user's queries start once each, in order: a replayed or skipped query number is refused.
        if (m.Query != u.NextQuery)
            throw new ProtocolViolationException($"query {m.Query} cannot start: the next query is {u.NextQuery}");
        if (m.Query >= MaxQueriesPerUser)
            throw new ProtocolViolationException($"a user session runs at most {MaxQueriesPerUser} queries: join again for more");
        // The message is checked before it spends anything: a malformed preprocessing fails the user's query without
        // taking a server query or a query of F_A's life, both shared by every user (review 22: else one user spent the
        // key set's whole budget with a few empty messages, and every other user's next query was refused).
        (MaskPackings transitionRun, MaskPackings? previousRun) = _p.HasRemoteTier
            ? TransitionPacking.Layout(_p.Block(Split + 1).Input, Split >= 1 ? _p.Block(Split).Input : null, _residual, _p.Context.N)
            : (new MaskPackings(0, 0, 0), null);
        int transitionCount = transitionRun.Count + (previousRun?.Count ?? 0);
        if (m.TransitionMask.Length != transitionCount)
            throw new ProtocolViolationException($"expected {transitionCount} transition-mask ciphertexts, got {m.TransitionMask.Length}");
        Dictionary<int, byte[][]> maskRuns = CiphertextRuns.Split(m.MaskCiphertexts, Enumerable.Range(1, Split), i => _p.InputCiphertexts(i) + _p.ShortcutCiphertexts(i), "the user's mask ciphertexts");
        // Loaded once, here: every ciphertext is checked before anything is spent, and used below as loaded.
        Dictionary<int, Ciphertext[]> masks = maskRuns.ToDictionary(r => r.Key, r => _he.LoadCiphertexts(r.Value, $"Enc(r_{r.Key})"));
        Ciphertext[] transitionMasks = _he.LoadCiphertexts(m.TransitionMask, "the user's transition mask");
        // It takes the next server query the servers have not dropped; the key set's budget counts server queries, so
        // it is shared by every user of the server session (docs/noise.md).
        int serverQuery = _nextQuery;
        while (_aborted.Contains(serverQuery) && serverQuery < _p.Budget.Queries) serverQuery++;
        if ((_p.Budget.Refusal(serverQuery) ?? (Split > 0 ? _p.Budget.LifetimeRefusal(_model.ServedQueries) : null)) is { } refusal)
            throw new ProtocolViolationException(refusal);
        if (Split > 0)
            _model.ServedQueries++;
        _nextQuery = serverQuery + 1;
        u.NextQuery++;
        var q = new QueryState(serverQuery, u, m.Query);
        _queries[serverQuery] = q;
        u.Queries[m.Query] = q;
        outbox.Raise(new QueryAssigned(u.Party, m.Query, serverQuery));

        // Paper Alg. 12 with circuit privacy (D2): Enc(F_i r_i − s_i), mod-switched and flooded before it goes back.
        var shares = new List<byte[]>();
        for (int i = 1; i <= Split; i++)
        {
            BlockShape b = _p.Block(i);
            Ciphertext[] ct = masks[i];
            q.S[i] = ZpRandom.Uniform(b.Rows);
            int inputs = _p.InputCiphertexts(i);
            // F_i·Enc(r_i), plus S_i·Enc(g(r_j)) for a residual block: both land in the same output slots.
            Ciphertext[] product = Shortcuts.Sum(_he.Evaluator, _faProducts[i].Multiply(_he.Evaluator, ct[..inputs], u.Rotations!),
                _faShortcuts.TryGetValue(i, out var shortcut) ? shortcut.Multiply(_he.Evaluator, ct[inputs..], u.Rotations!) : null);
            Plaintext[] mask = _he.EncodeOutputMask(_p.Form(i), q.S[i]);
            for (int k = 0; k < product.Length; k++)
            {
                _he.Evaluator.SubPlainInplace(product[k], mask[k]);
                _he.Evaluator.ModSwitchToNextInplace(product[k]);
                CircuitPrivacy.FloodInplace(_p.Context, u.Key, product[k], _p.Budget.FloodingBits); // D2: as wide as decrypts (F_A's lifetime budget)
                shares.Add(HeTools.SerializePooled(product[k]));
            }
        }

        // Paper Alg. 14: one garbled circuit per F_A ReLU layer; A's pad d_{i+1} enters negated (SecoReluCircuits convention).
        var circuits = new List<GarbledLayer>();
        for (int i = 1; i <= Split; i++)
        {
            BlockShape b = _p.Block(i);
            if (!b.HasRelu) continue;
            q.D[i] = ZpRandom.Uniform(b.Rows);
            q.Garblers[i] = new Garbler(ReluLayers.Gateway(b.Shift, b.Rows));
            circuits.Add(ReluLayers.Package(i, q.Garblers[i], ExactArrayPool.Shared, ("neg_d", ZpVector.Negate(q.D[i]))));
        }
        outbox.Send(u.Party, new GatewayPreprocessing(m.Query, [.. shares]));
        outbox.Lend(PooledPayloads.GiveBack([.. shares]));
        foreach (GarbledLayer layer in circuits)
            outbox.Send(u.Party, new GarbledCircuits(m.Query, [layer])); // one layer per message, in block order
        outbox.Lend(ReluLayers.GiveBack(ExactArrayPool.Shared, circuits)); // back to the pool once encoded (issue 19)
        q.UserSideDone = true;

        if (!_p.HasRemoteTier)
        {
            TryQueryReady(q, outbox);
            return;
        }

        // Paper Alg. 13: the user's transition mask in block l+1's packing (TransitionPacking), then F_BC preparation.
        TierKeys first = _tiers[0];
        // Each use takes its own copies: a packing may be combined in place, and a shortcut may read the same run.
        Ciphertext[] transition = transitionMasks[..transitionRun.Count], previous = transitionMasks[transitionRun.Count..];
        q.TierInputs[1] = _p.TransitionIsMatrix
            ? [TransitionPacking.Combine(_he.Evaluator, transition[0].Clone(), transition[1].Clone(), _p.TransitionRotation, first.Rotations!)]
            : [.. transition[transitionRun.PlanesRange].Select(c => c.Clone())];
        // A shortcut across the split reads the user's r_{l+1} or r_l in its own packing (D23): planes, subsampled planes, or halves A rotates.
        foreach (int i in _p.ShortcutsOf(1).Where(_p.ShortcutCrossesSplit))
        {
            BlockShape b = _p.Block(i);
            (Ciphertext[] run, MaskPackings layout) = b.ShortcutSource == Split + 1 ? (transition, transitionRun) : (previous, previousRun!);
            q.OwnShortcutMasks[i] = _p.ShortcutForm(i) is Model.Linear.MatrixForm
                ? [TransitionPacking.Combine(_he.Evaluator, run[0].Clone(), run[1].Clone(), _p.ShortcutRotation(i), first.Rotations!)]
                : [.. run[b.ShortcutStride == 1 ? layout.PlanesRange : layout.SubsampledRange].Select(c => c.Clone())];
        }
        // A's share r¹_i of every F_BC block's mask after l+1, under the key of the tier holding block i (a deeper tier's
        // input mask is shared by A and the previous tier's servers, docs/hierarchy.md).
        for (int i = Split + 2; i <= L; i++)
        {
            q.R1[i] = ZpRandom.Uniform(_p.Block(i).Columns);
            Encryptor key = _tiers[_p.TierOf(i).Tier - 1].Collective!;
            q.OwnMaskCiphertexts[i] = [.. _he.EncodeInput(_p.Form(i), q.R1[i]).Select(plain => key.Encrypt(plain))];
        }
        // A's share of each F_BC shortcut's mask g(r_j) (j ≥ l+2), in the shortcut's packing, under the key of the tier holding the block.
        for (int i = Split + 1; i <= L; i++)
        {
            if (_p.ShortcutForm(i) is not { } shortcut || _p.ShortcutCrossesSplit(i)) continue;
            Encryptor key = _tiers[_p.TierOf(i).Tier - 1].Collective!;
            BlockShape b = _p.Block(i);
            q.OwnShortcutMasks[i] = [.. _he.EncodeInput(shortcut, Shortcuts.Input(b, _p.Block(b.ShortcutSource), q.R1[b.ShortcutSource])).Select(plain => key.Encrypt(plain))];
        }
        foreach (Party server in Servers)
            outbox.Send(server, new PreparationBegin(q.Query));
        // The last tier encrypts this query's output under its user's pk0 (sent at the user's welcome).
        foreach (Party server in TierServers(_p.Tiers[^1]))
            outbox.Send(server, new QueryOwner(q.Query, u.Party.Index));
        PullFirstCircuit(q, outbox);
    }

    // A refusal of a user's message is told to that user: it names the query by the user's own number, never the server
    // query's, which counts every user's queries (review 22).
    private void OnUserLabelRequest(QueryState q, OtRequest m, Outbox outbox)
    {
        if (!q.UserSideDone)
            throw new ProtocolViolationException($"an OT request for query {q.UserQuery} before its circuits were garbled");
        // One batch per F_A ReLU block, in block order (issue 21): the block names the wires, each served once.
        int next = q.Garblers.Keys.Where(i => !q.UserLabelsServed.Contains(i)).DefaultIfEmpty(0).Min();
        if (m.Block != next || !q.Garblers.TryGetValue(m.Block, out Garbler? garbler))
            throw new ProtocolViolationException(q.User.Served.WasServed(m)
                ? $"a second OT request for query {q.UserQuery}, purpose {m.Purpose}, block {m.Block}: each batch is served once (both labels of a wire reveal Δ)"
                : $"an OT request for the user's labels of block {m.Block} of query {q.UserQuery}; the next F_A ReLU block is {(next == 0 ? "none" : next.ToString(System.Globalization.CultureInfo.InvariantCulture))}");
        q.User.Served.Claim(m);
        q.UserLabelsServed.Add(m.Block);
        using LabelPairBuffer pairs = ReluLayers.LabelPairs([(garbler, "u"), (garbler, "neg_r_next")]);
        byte[] reply = q.User.Ot.SendChosen(m.Matrix, pairs.X0, pairs.X1, PooledPayloads.Rent);
        outbox.Send(q.User.Party, new OtResponse(q.UserQuery, OtPurpose.UserLabels, m.Block, reply));
        outbox.Lend(PooledPayloads.GiveBack(reply));
    }

    // ---- F_BC preparation (paper §VI-A-2, Alg. 8 with D1; Alg. 16), per tier ----

    /// <summary>The blocks whose masks a server of <paramref name="tier"/> shares: its segment's after the first, and the next tier's input.</summary>
    private IEnumerable<int> MaskShareBlocks(TierShape tier) => Enumerable.Range(tier.FirstBlock + 1, tier.BlockCount - 1 + (tier.Tier < _p.Depth ? 1 : 0));

    private void OnMaskShares(QueryState q, Party from, MaskShares m, Outbox outbox)
    {
        TierShape tier = _p.Tier(from.Tier);
        // Its shares of the next blocks' masks (keyed by block), then of the shortcut masks it owns (keyed by −block).
        Dictionary<int, byte[][]> runs = CiphertextRuns.Split(m.Ciphertexts, MaskShareBlocks(tier).Concat(_p.ShortcutsSharedBy(tier.Tier).Select(i => -i)),
            k => k > 0 ? _p.InputCiphertexts(k) : _p.ShortcutCiphertexts(-k), $"{from}'s mask shares");
        if (!q.MaskShares.TryAdd(from, runs))
            throw new ProtocolViolationException($"{from}: unexpected mask shares for query {q.Query}");
        if (q.MaskShares.Keys.Count(p => p.Tier == tier.Tier) < tier.Servers) return;
        // This tier's shares complete its own aggregate and the next tier's input mask.
        TryAggregate(q, tier.Tier, outbox);
        if (tier.Tier < _p.Depth) TryAggregate(q, tier.Tier + 1, outbox);
    }

    /// <summary>
    /// Tier t's Enc(r_i), i over its segment: its input mask first (the user's for tier 1; for a deeper tier A's share
    /// plus the previous tier's), then A's share plus the tier's own for each later block.
    /// </summary>
    private void TryAggregate(QueryState q, int t, Outbox outbox)
    {
        TierShape tier = _p.Tier(t);
        bool own = q.MaskShares.Keys.Count(p => p.Tier == t) == tier.Servers;
        bool previous = t == 1 || q.MaskShares.Keys.Count(p => p.Tier == t - 1) == _p.Tier(t - 1).Servers;
        if (!own || !previous || q.Aggregated.Contains(t)) return;
        q.Aggregated.Add(t);
        var aggregate = new List<byte[]>();
        foreach (int i in tier.Blocks)
        {
            Ciphertext[] sum;
            if (i == Split + 1)
            {
                sum = q.TierInputs[1];
            }
            else
            {
                // Block i's mask shares: from the tier holding block i − 1 (its own, or the previous tier at the boundary).
                int holder = i == tier.FirstBlock ? t - 1 : t;
                sum = [.. q.OwnMaskCiphertexts[i].Select(c => c.Clone())];
                foreach ((Party server, Dictionary<int, byte[][]> shares) in q.MaskShares.Where(e => e.Key.Tier == holder).OrderBy(e => e.Key))
                {
                    Ciphertext[] share = _he.LoadCiphertexts(shares[i], $"Enc(r_{i}) share of {server}");
                    for (int k = 0; k < sum.Length; k++) _he.Evaluator.AddInplace(sum[k], share[k]);
                }
            }
            aggregate.AddRange(sum.Select(HeTools.SerializePooled));
        }
        // Then each residual block's g(r_j): A's share plus those of the tier holding block j − 1 (this tier or the previous).
        foreach (int i in _p.ShortcutsOf(t))
        {
            // Across the split the user's mask is the whole of g(r_j); else the owners' shares add to A's.
            int owner = _p.ShortcutCrossesSplit(i) ? 0 : _p.TierOf(_p.Block(i).ShortcutSource - 1).Tier;
            Ciphertext[] sum = [.. q.OwnShortcutMasks[i].Select(c => c.Clone())];
            foreach ((Party server, Dictionary<int, byte[][]> shares) in q.MaskShares.Where(e => owner > 0 && e.Key.Tier == owner).OrderBy(e => e.Key))
            {
                Ciphertext[] share = _he.LoadCiphertexts(shares[-i], $"Enc(g(r_{_p.Block(i).ShortcutSource})) share of {server}");
                for (int k = 0; k < sum.Length; k++) _he.Evaluator.AddInplace(sum[k], share[k]);
            }
            aggregate.AddRange(sum.Select(HeTools.SerializePooled));
        }
        var message = new MaskAggregate(q.Query, [.. aggregate]);
        foreach (Party server in TierServers(tier))
            outbox.Send(server, message);
        outbox.Lend(PooledPayloads.GiveBack(message.Ciphertexts));
    }

    private void OnLinearShares(QueryState q, Party from, LinearShares m, Outbox outbox)
    {
        TierShape tier = _p.Tier(from.Tier);
        if (m.Ciphertexts.Length != tier.Blocks.Sum(_p.OutputCiphertexts) || tier.Blocks.Any(q.CtE.ContainsKey) || tier.Blocks.Any(q.E1.ContainsKey) || !q.LinearShares.TryAdd(from, m.Ciphertexts))
            throw new ProtocolViolationException($"{from}: unexpected linear shares for query {q.Query}");
        var shares = q.LinearShares.Where(e => e.Key.Tier == tier.Tier).OrderBy(e => e.Key).ToList();
        if (shares.Count < tier.Servers) return;
        int[] owners = CiphertextRuns.Owners(tier.Blocks, _p.OutputCiphertexts);
        var sums = new Ciphertext[owners.Length];
        // One output ciphertext per iteration, on the party's cores (the evaluator is thread-safe; each writes its own slot).
        KernelRunner.For(owners.Length, k =>
        {
            Ciphertext e = _he.LoadCiphertext(shares[0].Value[k], $"{shares[0].Key}'s F r − s of block {owners[k]}");
            foreach ((Party server, byte[][] cts) in shares.Skip(1))
                _he.Evaluator.AddInplace(e, _he.LoadCiphertext(cts[k], $"{server}'s F r − s of block {owners[k]}"));
            _he.Evaluator.ModSwitchToNextInplace(e); // docs/noise.md step 5; the tier's servers compute the same ct_E themselves
            sums[k] = e;
        });
        foreach ((int block, Ciphertext[] run) in CiphertextRuns.Split(sums, tier.Blocks, _p.OutputCiphertexts, "ct_E"))
            q.CtE[block] = run;
        foreach ((Party server, _) in shares) q.LinearShares.Remove(server);
        TryDecrypt(q, tier, outbox);
    }

    private void OnDecryptionShares(QueryState q, Party from, DecryptionShares m, Outbox outbox)
    {
        TierShape tier = _p.Tier(from.Tier);
        if (m.Shares.Length != tier.Blocks.Sum(_p.OutputCiphertexts) || tier.Blocks.Any(q.E1.ContainsKey) || !q.DecryptionShares.TryAdd(from, m.Shares))
            throw new ProtocolViolationException($"{from}: unexpected decryption shares for query {q.Query}");
        TryDecrypt(q, tier, outbox);
    }

    /// <summary>Paper Algs. 6–7: once a tier's partial products and decryption shares are all in, A learns E¹ of the tier's blocks.</summary>
    private void TryDecrypt(QueryState q, TierShape tier, Outbox outbox)
    {
        var shares = q.DecryptionShares.Where(e => e.Key.Tier == tier.Tier).ToList();
        if (!tier.Blocks.All(q.CtE.ContainsKey) || shares.Count < tier.Servers) return;
        TierKeys keys = _tiers[tier.Tier - 1];
        var runs = shares.Select(s => (s.Key, Runs: CiphertextRuns.Split(s.Value, tier.Blocks, _p.OutputCiphertexts, $"{s.Key}'s decryption shares"))).ToList();
        // Every output ciphertext of the tier's blocks is decrypted on its own (A's share, the servers' shares, finalize):
        // one iteration each, on the party's cores. GenShare draws its smudging from its own OS-CSPRNG source per call,
        // and each iteration writes only its own plaintext, so the result does not depend on how they are scheduled.
        (int Block, int K)[] outputs = [.. tier.Blocks.SelectMany(i => Enumerable.Range(0, q.CtE[i].Length).Select(k => (i, k)))];
        Dictionary<int, CollectiveDecryption> decryptions = tier.Blocks.ToDictionary(i => i, _p.Budget.Decryption);
        Dictionary<int, Plaintext[]> plains = tier.Blocks.ToDictionary(i => i, i => new Plaintext[q.CtE[i].Length]);
        KernelRunner.For(outputs.Length, o =>
        {
            (int i, int k) = outputs[o];
            CollectiveDecryption decryption = decryptions[i];
            Ciphertext ctE = q.CtE[i][k];
            PolyShare aggregate = runs.Select(s => LoadShare(s.Runs[i][k], $"decryption share of block {i}"))
                .Aggregate(decryption.GenShare(keys.Secret.SecretKey, ctE), CollectiveDecryption.Aggregate);
            plains[i][k] = decryption.Finalize(ctE, aggregate);
        });
        foreach (int i in tier.Blocks)
        {
            q.E1[i] = _he.DecodeOutput(_p.Form(i), plains[i]);
            q.CtE.Remove(i);
        }
        foreach ((Party server, _) in shares) q.DecryptionShares.Remove(server);

        // Paper Alg. 16: A's inputs to each of the tier's circuits (E¹_i and −r¹_{i+1}) by OT from the tier's garbler —
        // one batch per ReLU block, in order, each once (issue 20: all of ResNet-32's at once are a 354 MB request).
        q.ProviderBlocks[tier.Tier] = new Queue<int>(tier.Blocks.Where(i => i < L));
        // A tier without a ReLU block still hears from A once A has decrypted: the evaluator announces itself ready only
        // after A's labels, so never before its own preparation (its decryption share) is done.
        if (q.ProviderBlocks[tier.Tier].Count == 0 && _circuits is null)
            outbox.Send(Party.Server(tier.Tier, 1), new ProviderLabels(q.Query, 0, []));
        RequestProviderLabels(q, tier, outbox);
        TryQueryReady(q, outbox); // DELPHI-3 without a ReLU block in F_BC: A may be ready now
    }

    /// <summary>A's OT batch for the next ReLU block of the tier, if any is left.</summary>
    private void RequestProviderLabels(QueryState q, TierShape tier, Outbox outbox)
    {
        if (!q.ProviderBlocks[tier.Tier].TryPeek(out int i))
            return;
        BlockShape b = _p.Block(i);
        int width = ReluLayers.Width(ReluLayers.Remote(b.Shift, b.Rows, tier.Servers), b.Rows);
        bool[] choices = [.. ReluLayers.Bits(q.E1[i], width), .. ReluLayers.Bits(ZpVector.Negate(q.R1[i + 1]), width)];
        q.ProviderChoices[tier.Tier] = choices.Length;
        TierKeys keys = _tiers[tier.Tier - 1];
        keys.Batches.Request(q.Query, o =>
        {
            byte[] matrix = keys.OtWithGarbler.ExtendChosen(ReluLayers.Pack(choices), choices.Length, PooledPayloads.Rent);
            o.Send(Party.Server(tier.Tier, 0), new OtRequest(q.Query, OtPurpose.ProviderLabels, i, matrix));
            o.Lend(PooledPayloads.GiveBack(matrix));
        }, outbox);
    }

    private void OnProviderLabels(QueryState q, int t, OtResponse m, Outbox outbox)
    {
        if (!q.ProviderChoices.TryGetValue(t, out int count) || count == 0 || !q.ProviderBlocks[t].TryPeek(out int i) || m.Block != i)
            throw new ProtocolViolationException($"an OT response from tier {t}'s garbler for block {m.Block} of query {q.Query} that A did not request (or a second one)");
        TierShape tier = _p.Tier(t);
        if (!_tiers[t - 1].Batches.IsOut(q.Query))
            throw new ProtocolViolationException($"an OT response from tier {t}'s garbler for query {q.Query}, whose batch has not gone out yet");
        var labels = new Block[count];
        _tiers[t - 1].OtWithGarbler.ReceiveChosen(m.Payload, labels);
        _tiers[t - 1].Batches.Answered(outbox);
        // Only once the reply is taken: a refused reply leaves the batch pending, and Abort gives it up by this count
        // (review 21: zeroed first, a malformed reply left the batch pending and failed the next query's first batch too).
        q.ProviderChoices[t] = 0;
        q.ProviderBlocks[t].Dequeue();
        BlockShape b = _p.Block(i);
        var circuit = ReluLayers.Remote(b.Shift, b.Rows, tier.Servers);
        // The block's two groups go on to the tier's evaluator at once, one message per block in block order (issue 20:
        // all of ResNet-32's together were a 398 MB message, held at A until the last block's batch).
        int at = 0;
        var groups = new byte[2][];
        foreach ((string name, int g) in new[] { ("E1", 0), ("neg_r1", 1) })
        {
            int width = circuit.Input(name).Width;
            groups[g] = new InputLabels(ReluLayers.Group(circuit, name), labels.AsSpan(at, width).ToArray()).ToBytes();
            at += width;
        }
        if (_circuits is null)
        {
            outbox.Send(Party.Server(t, 1), new ProviderLabels(q.Query, i, groups));
        }
        else
        {
            // DELPHI-3 (paper App. C): A evaluates, so it keeps its own labels instead of forwarding them.
            _circuits.AddOffline(q.Query, Party.Gateway, i, "E1", groups[0], "E¹ labels");
            _circuits.AddOffline(q.Query, Party.Gateway, i, "neg_r1", groups[1], "next-mask labels");
        }
        RequestProviderLabels(q, tier, outbox);
        TryQueryReady(q, outbox);
    }

    private void TryQueryReady(QueryState q, Outbox outbox)
    {
        // SECO: every tier's evaluator holds its circuits and labels. DELPHI-3: A holds them itself.
        bool remoteReady = _circuits is null ? q.EvaluatorsReady.Count >= _p.Depth : CircuitsReady(q);
        if (q.ReadySent || !q.UserSideDone || !remoteReady) return;
        q.ReadySent = true;
        outbox.Send(q.User.Party, new QueryReady(q.UserQuery));
    }

    // ---- Online (paper §VI-C, Alg. 15) and output (paper §VI-D) ----

    private void OnMaskedInput(QueryState q, MaskedActivation m, Outbox outbox)
    {
        if (m.Block != 1 || !q.ReadySent || q.OnlineStarted || m.Values.Length != _p.Block(1).Columns)
            throw new ProtocolViolationException($"unexpected masked input for query {q.UserQuery}");
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
        q.MaskedInputs[i] = masked;
        int j = b.ShortcutSource;
        ulong[] a = Shortcuts.Evaluate(_p.Form(i), _model.Weights(i), masked, _p.ShortcutForm(i), _model.ShortcutWeights(i),
            j == 0 ? [] : Shortcuts.Input(b, _p.Block(j), q.MaskedInputs[j]), _model.Bias(i), q.S[i]);
        if (!b.HasRelu)
        {
            outbox.Send(q.User.Party, new OutputShare(q.UserQuery, a)); // l = L: DELPHI's output, the user adds its share
            Forget(q, outbox);
            return;
        }
        Garbler garbler = q.Garblers[i];
        int group = ReluLayers.Group(garbler.Circuit, "a");
        int width = garbler.Circuit.Inputs[group].Width / b.Rows;
        q.AwaitedCircuitOutput = i;
        outbox.Send(q.User.Party, new GarblerInput(q.UserQuery, i, new InputLabels(group, garbler.InputEncoding.Encode(group, ReluLayers.Bits(a, width))).ToBytes()));
    }

    private void OnCircuitOutput(QueryState q, GatewayCircuitOutput m, Outbox outbox)
    {
        if (!q.OnlineStarted || m.Block != q.AwaitedCircuitOutput || !q.D.TryGetValue(m.Block, out ulong[]? d) || m.Values.Length != d.Length || q.Done.Contains(m.Block))
            throw new ProtocolViolationException($"unexpected circuit output for block {m.Block} of query {q.UserQuery}");
        q.Done.Add(m.Block);
        ulong[] masked = ZpVector.Add(m.Values, d); // x_{i+1} − r_{i+1}
        if (m.Block < Split)
            GatewayBlock(q, m.Block + 1, masked, outbox);
        else
            Transition(q, masked, outbox);
    }

    private void Transition(QueryState q, ulong[] masked, Outbox outbox)
    {
        // x_l − r_l first, where a shortcut into block l+1 reads it (A computed it for block l; D23).
        foreach (int j in _p.ShortcutsOf(1).Where(_p.ShortcutCrossesSplit).Select(i => _p.Block(i).ShortcutSource).Where(j => j <= Split).Distinct())
        {
            var source = new MaskedActivation(q.Query, j, q.MaskedInputs[j]);
            foreach (Party server in TierServers(_p.Tier(1)))
                outbox.Send(server, source);
        }
        var message = new MaskedActivation(q.Query, Split + 1, masked); // Paper §VI-C: to tier 1's servers directly (D16)
        foreach (Party server in TierServers(_p.Tier(1)))
            outbox.Send(server, message);
        q.AwaitedFbcBlock = Split + 1; // DELPHI-3: the block whose input labels A takes next
    }

    private void OnOutputCiphertext(QueryState q, Party from, OutputCiphertext m, Outbox outbox)
    {
        if (!q.OnlineStarted || !q.Outputs.TryAdd(from, _he.LoadCiphertext(m.Ciphertext, $"output share of {from}")))
            throw new ProtocolViolationException($"{from}: unexpected output for query {q.Query}");
        if (q.Outputs.Count < _p.Tiers[^1].Servers) return;
        Ciphertext y = q.Outputs.OrderBy(o => o.Key).Select(o => o.Value).Aggregate((a, b) => _he.Evaluator.Add(a, b));
        _he.Evaluator.AddPlainInplace(y, _he.EncodeOutputMask(q.E1[L]));
        var zero = new Ciphertext(_p.Context);
        q.User.Key.EncryptZero(zero); // D17: re-randomise before it leaves
        _he.Evaluator.AddInplace(y, zero);
        byte[] output = HeTools.SerializePooled(y);
        outbox.Send(q.User.Party, new OutputCiphertext(q.UserQuery, output));
        outbox.Lend(PooledPayloads.GiveBack(output));
        Forget(q, outbox);
    }

    private sealed class QueryState(int query, UserState user, int userQuery)
    {
        /// <summary>The server query number: what the servers and A's messages with them name.</summary>
        public int Query { get; } = query;

        /// <summary>The user session the query serves.</summary>
        public UserState User { get; } = user;

        /// <summary>The user's own number for the query: what A's messages with the user name.</summary>
        public int UserQuery { get; } = userQuery;

        public Dictionary<int, ulong[]> S { get; } = [];

        public Dictionary<int, ulong[]> D { get; } = [];

        public Dictionary<int, Garbler> Garblers { get; } = [];

        /// <summary>The F_A ReLU blocks whose user labels A has served (in block order).</summary>
        public HashSet<int> UserLabelsServed { get; } = [];

        public Dictionary<int, ulong[]> R1 { get; } = [];

        public Dictionary<int, Ciphertext[]> OwnMaskCiphertexts { get; } = [];

        /// <summary>A's share of each F_BC residual block's shortcut mask g(r_j), encrypted in the shortcut's packing.</summary>
        public Dictionary<int, Ciphertext[]> OwnShortcutMasks { get; } = [];

        /// <summary>x_i − r_i of the F_A blocks as A computes them online (a later residual block reads its shortcut's).</summary>
        public Dictionary<int, ulong[]> MaskedInputs { get; } = [];

        /// <summary>Enc_cpk(r_{l+1}) of tier 1 from the user's transition mask (indexed by tier for symmetry with the aggregates).</summary>
        public Dictionary<int, Ciphertext[]> TierInputs { get; } = [];

        /// <summary>The tiers whose MaskAggregate has gone out.</summary>
        public HashSet<int> Aggregated { get; } = [];

        /// <summary>The tiers whose evaluator holds everything for this query.</summary>
        public HashSet<int> EvaluatorsReady { get; } = [];

        /// <summary>Per server, its mask shares per block (the runs of its MaskShares).</summary>
        public Dictionary<Party, Dictionary<int, byte[][]>> MaskShares { get; } = [];

        public Dictionary<Party, byte[][]> LinearShares { get; } = [];

        public Dictionary<Party, byte[][]> DecryptionShares { get; } = [];

        public Dictionary<int, Ciphertext[]> CtE { get; } = [];

        public Dictionary<int, ulong[]> E1 { get; } = [];

        /// <summary>Per tier, the OT choices of A's label batch from its garbler while it is outstanding.</summary>
        public Dictionary<int, int> ProviderChoices { get; } = [];

        /// <summary>Per tier, the ReLU blocks whose labels A still has to fetch from the garbler, the next first.</summary>
        public Dictionary<int, Queue<int>> ProviderBlocks { get; } = [];

        public bool UserSideDone { get; set; }

        public bool ReadySent { get; set; }

        public bool OnlineStarted { get; set; }

        public HashSet<int> Done { get; } = [];

        /// <summary>The F_A block whose circuit output A waits for (it sent that block's labels last); 0 for none.</summary>
        public int AwaitedCircuitOutput { get; set; }

        public Dictionary<Party, Ciphertext> Outputs { get; } = [];

        /// <summary>DELPHI-3: C's next-mask labels (forwarded from its OT with B) are in.</summary>
        public bool ProviderMasksIn { get; set; }

        /// <summary>DELPHI-3: the F_BC block whose x_i − r_i A handed out last — its share labels come next (none for block L); 0 before the transition.</summary>
        public int AwaitedFbcBlock { get; set; }
    }
}
