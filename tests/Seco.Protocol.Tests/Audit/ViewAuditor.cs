using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Roles;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// One block's product a party decrypts: every slot of every ciphertext of the block's run, concatenated (ciphertext c's
/// slot s at c·n + s), and where in that concatenation the intended outputs sit — slots 0..m−1 of row 0 for the
/// mat-vec and the final output, the form's output slots otherwise (<see cref="FormSlots.OutputPositions"/>).
/// </summary>
/// <param name="OutputAt">The intended outputs' positions in <paramref name="Slots"/>, in output order.</param>
/// <param name="Unmasked">The ground truth: what the slots would hold with no mask at all (null for the final output).</param>
/// <param name="Final">The user's decrypted result: its outputs are the logits, meant to be learned.</param>
internal sealed record Decryption(Party By, int Query, int Block, string What, ulong[] Slots, IReadOnlyList<int> OutputAt, ulong[]? Unmasked, bool Final)
{
    public string Label => $"{By} q{Query} {What} (block {Block})";

    /// <summary>m: the intended outputs.</summary>
    public int Outputs => OutputAt.Count;

    /// <summary>The intended outputs' values, in output order.</summary>
    public ulong[] OutputValues => FormSlots.At(Slots, OutputAt);

    /// <summary>Every other slot of the run, in slot order.</summary>
    public ulong[] NonOutputs => FormSlots.Except(Slots, OutputAt);

    /// <summary>Whether the outputs are slots 0..m−1 (the mat-vec's and the final output's packing).</summary>
    public bool OutputsArePrefix => OutputAt.Select((j, k) => j == k).All(b => b);
}

/// <summary>A Z_p vector a party receives (or computes from what it receives) in the clear, with its ground truth.</summary>
/// <param name="Hidden">The secret the vector masks (x_i for a masked activation).</param>
/// <param name="Residual">Hidden − value as the party (or a coalition) can reduce it: it must stay uniform and never zero.</param>
internal sealed record ClearVector(Party By, int Query, string What, ulong[] Values, ulong[] Hidden, IReadOnlyList<(string Coalition, ulong[] Residual)> Residuals);

/// <summary>
/// Attacks each party's whole view of an <see cref="AuditedRun"/> — and each coalition's pooled view — as that party
/// or coalition would, with the auditor's ground truth to judge the result. A party is audited with every coalition
/// the threat model allows it to join (the maximal ones, <see cref="Coalition.MaximalWith"/>: a subset learns nothing
/// its superset does not); a named coalition with exactly its members. Every method returns findings (empty =
/// nothing learned):
/// <list type="bullet">
/// <item>(a) every decrypted slot outside the intended outputs — of every ciphertext of the block's run — is uniform
/// over Z_p and fresh per query;</item>
/// <item>(b) the attack: the decryptor's reconstruction of the unmasked Lin-OP slots (A, knowing F and x − r and its
/// coalition's own output masks, solves for F·x; the user, knowing r, reads linear functions of F) recovers nothing,
/// no decrypted vector or run of one equals a true activation, pre-activation or mask, and the mask left after
/// subtracting a coalition's own contributions is uniform and nowhere zero;</item>
/// <item>(c) the intended outputs are uniform over Z_p across queries;</item>
/// <item>every ciphertext a party receives and may not open fails to decrypt under its key, and under the key shares
/// its coalitions hold of the ciphertext's key (A's per-tier share and the tier's servers in the coalition);</item>
/// <item>every Z_p vector it sees in the clear is uniform, fresh, and masked by randomness of a party outside the
/// coalition;</item>
/// <item>no coalition's weight shares of a block sum to the block's weights, and the part it holds is uniform.</item>
/// </list>
/// </summary>
internal sealed class ViewAuditor(AuditedRun run)
{
    // ---- what each party decrypts, with its own key ----

    /// <summary>Every plaintext <paramref name="party"/> decrypts, recomputed from its received messages and its real key.</summary>
    public List<Decryption> DecryptionsBy(Party party) =>
        party.IsUser ? UserDecryptions()
        : party.IsGateway ? GatewayDecryptions()
        : []; // a server decrypts nothing alone (see AuditUndecryptable)

    private List<Decryption> UserDecryptions()
    {
        var result = new List<Decryption>();
        foreach (GatewayPreprocessing m in run.Received<GatewayPreprocessing>(Party.User))
        {
            Dictionary<int, byte[][]> runs = FormSlots.Runs(m.ShareCiphertexts, Enumerable.Range(1, run.Split), run.P.OutputCiphertexts, $"q{m.Query} A's share ciphertexts");
            for (int i = 1; i <= run.Split; i++)
            {
                ulong[] slots = FormSlots.Concat(runs[i].Select(b => run.OpenUser(run.Load(b))));
                ulong[] unmasked = run.Slots(i, run.Weights[i], run.Masks[(m.Query, i)]);
                result.Add(new Decryption(Party.User, m.Query, i, "F_i r_i − s_i", slots, run.OutputPositions(i), unmasked, Final: false));
            }
        }
        // The output is one ciphertext with the logits in slots 0..m−1, whatever block L's form (the last tier encrypts them as a prefix).
        foreach (OutputCiphertext m in run.Received<OutputCiphertext>(Party.User))
            result.Add(new Decryption(Party.User, m.Query, run.L, "output", run.OpenUser(run.Load(m.Ciphertext)), [.. Enumerable.Range(0, run.P.Block(run.L).Rows)], null, Final: true));
        return result;
    }

    /// <summary>
    /// A's collective decryptions, per tier: ct_E = ModSwitch(Σ_j ct^j) over the tier's products, opened with A's share
    /// of the tier's key and the tier's decryption shares it received — every ciphertext of each block's run.
    /// </summary>
    private List<Decryption> GatewayDecryptions()
    {
        var result = new List<Decryption>();
        var encoder = new BatchEncoder(run.P.Context);
        var evaluator = new Evaluator(run.P.Context);
        foreach (TierShape tier in run.P.Tiers)
        {
            Party[] servers = [.. run.ServersOf(tier.Tier)];
            foreach (int q in Enumerable.Range(0, run.Queries))
            {
                LinearShares?[] products = [.. servers.Select(s => run.Received<LinearShares>(Party.Gateway, s).SingleOrDefault(m => m.Query == q))];
                DecryptionShares?[] shares = [.. servers.Select(s => run.Received<DecryptionShares>(Party.Gateway, s).SingleOrDefault(m => m.Query == q))];
                if (products.Any(m => m is null) || shares.Any(m => m is null))
                    continue;
                Dictionary<int, byte[][]>[] productRuns = [.. products.Select((m, j) => FormSlots.Runs(m!.Ciphertexts, tier.Blocks, run.P.OutputCiphertexts, $"q{q} {servers[j]}'s linear shares"))];
                Dictionary<int, byte[][]>[] shareRuns = [.. shares.Select((m, j) => FormSlots.Runs(m!.Shares, tier.Blocks, run.P.OutputCiphertexts, $"q{q} {servers[j]}'s decryption shares"))];
                foreach (int i in tier.Blocks)
                {
                    CollectiveDecryption decryption = run.P.Budget.Decryption(i);
                    var slots = new List<ulong[]>();
                    for (int k = 0; k < run.P.OutputCiphertexts(i); k++)
                    {
                        Ciphertext e = productRuns.Select(r => run.Load(r[i][k])).Aggregate(evaluator.Add);
                        evaluator.ModSwitchToNextInplace(e);
                        PolyShare aggregate = shareRuns.Select(r => PolyShare.Deserialize(run.P.Context, r[i][k]))
                            .Aggregate(decryption.GenShare(run.GatewayKey(tier.Tier), e), CollectiveDecryption.Aggregate);
                        slots.Add(encoder.Decode(decryption.Finalize(e, aggregate)));
                    }
                    ulong[] unmasked = run.Slots(i, run.Weights[i], run.Masks[(q, i)]);
                    result.Add(new Decryption(Party.Gateway, q, i, "E¹ = F r − Σ_j s^j", FormSlots.Concat(slots), run.OutputPositions(i), unmasked, Final: false));
                }
            }
        }
        return result;
    }

    // ---- (a), (b), (c) on decrypted plaintexts ----

    /// <param name="attackers">The coalitions that attack A's plaintexts (null: A alone and every allowed coalition A may join).</param>
    public List<string> AuditDecryptions(IReadOnlyList<Decryption> decryptions, bool scan = true, IReadOnlyList<Coalition>? attackers = null)
    {
        var findings = new List<string>();
        foreach (Decryption d in decryptions)
        {
            // (a) every slot outside the intended outputs is uniform.
            Add(findings, ZpStatistics.Uniform(d.NonOutputs, $"{d.Label}: the {d.NonOutputs.Length} non-output slots"));
            int zeros = ZpStatistics.Zeros(d.NonOutputs);
            if (zeros > 1)
                findings.Add($"{d.Label}: {zeros} non-output slots are zero");
            if (d.Final)
            {
                if (!d.OutputValues.AsSpan().SequenceEqual(run.Truth[d.Query].Logits))
                    findings.Add($"{d.Label}: the outputs are not the logits");
            }
            else
            {
                Attack(d, findings, attackers);
            }
            if (scan)
            {
                // (b) no decrypted vector or run of 4 of its slots is a true activation, pre-activation or mask.
                var targets = run.Truth[d.Query].Secrets(run.Masks, d.Query, run.L).ToList();
                if (d.Unmasked is not null)
                    targets.Add(($"F_{d.Block}·r_{d.Block}", FormSlots.At(d.Unmasked, d.OutputAt)));
                var scanned = new List<(string, ulong[])> { (d.Label, d.Final ? d.NonOutputs : d.Slots) }; // the final outputs are the logits by design
                // Outputs spread over the slots (a convolution's channel planes, stride gaps) are scanned in output
                // order too: a run of a secret there would not sit in consecutive slots.
                if (!d.Final && !d.OutputsArePrefix)
                    scanned.Add(($"{d.Label} outputs in order", d.OutputValues));
                findings.AddRange(LeakDetector.ScanVectors(targets, scanned));
            }
        }

        foreach (var group in decryptions.GroupBy(d => (d.By, d.What, d.Block)))
        {
            Decryption[] perQuery = group.OrderBy(d => d.Query).ToArray();
            string label = $"{group.Key.By} {group.Key.What} (block {group.Key.Block})";
            // (a) fresh per query: the non-output slots of two queries are independent (their differences uniform, no slot repeated).
            for (int a = 0; a < perQuery.Length; a++)
            {
                for (int b = a + 1; b < perQuery.Length; b++)
                {
                    ulong[] diff = ZpVector.Subtract(perQuery[a].NonOutputs, perQuery[b].NonOutputs);
                    Add(findings, ZpStatistics.Uniform(diff, $"{label}: queries {perQuery[a].Query} and {perQuery[b].Query} differ"));
                    int same = ZpStatistics.Zeros(diff);
                    if (same > 1)
                        findings.Add($"{label}: {same} non-output slots repeat between queries {perQuery[a].Query} and {perQuery[b].Query}");
                }
            }
            // (c) the intended outputs are uniform over Z_p across queries (the final logits are meant to be learned).
            if (!perQuery[0].Final)
            {
                Add(findings, ZpStatistics.Uniform(perQuery.SelectMany(d => d.OutputValues).ToArray(), $"{label}: the intended outputs over {perQuery.Length} queries"));
                for (int a = 1; a < perQuery.Length; a++)
                    if (ZpStatistics.Zeros(ZpVector.Subtract(perQuery[a].OutputValues, perQuery[0].OutputValues)) > 1)
                        findings.Add($"{label}: intended outputs repeat between queries 0 and {perQuery[a].Query}");
            }
        }
        return findings;
    }

    /// <summary>
    /// (b) The decryptor's attack on the slots (every slot of the block's run). The mask left on every slot is
    /// Unmasked − Slots; wherever it is zero the decryptor holds a linear function of the Lin-OP input and weights in
    /// the clear. A, who knows F, solves Slots + own masks + P(F, x − r) = P(F, x) for the partial sums of F·x and so the
    /// pre-activations; it is handed x_i − r_i even where only a server of the tier sees it (a conservative attacker),
    /// and a coalition with servers of the block's tier also removes their output masks S^j. A pre-activation counts as
    /// recovered where its output slot is solved — and, for the mat-vec, wherever a solved slot holds a whole entry of
    /// F·x (its period); a convolution's other slots hold exactly 0, nothing of F·x. The user, who knows r, reads
    /// P(F, r) — linear functions of A's weights.
    /// </summary>
    private void Attack(Decryption d, List<string> findings, IReadOnlyList<Coalition>? attackers)
    {
        ulong[] unmasked = d.Unmasked!;
        ulong[] mask = ZpVector.Subtract(unmasked, d.Slots);
        int open = ZpStatistics.Zeros(mask);
        if (open > 1)
            findings.Add($"{d.Label}: {open} of {mask.Length} slots hold the Lin-OP product unmasked (partial sums of F·r) — the decryptor reads {open} linear functions of {(d.By == Party.User ? "A's weights" : "the masks and activations")}");
        Add(findings, ZpStatistics.Uniform(mask, $"{d.Label}: the mask over all slots"));

        if (d.By != Party.Gateway)
            return;
        ulong[] truth = run.Slots(d.Block, run.Weights[d.Block], run.Truth[d.Query].X[d.Block]);
        // The mat-vec: a slot j that holds a whole entry of F·x holds entry j mod m' (outputs in slots 0..m−1 of row 0).
        int? period = run.P.Form(d.Block) is MatrixForm matrix ? matrix.Layout.PaddedRows : null;
        if (period is not null && !d.OutputsArePrefix)
            throw new InvalidOperationException($"{d.Label}: a mat-vec product's outputs are slots 0..m−1");
        int tier = run.P.TierOf(d.Block).Tier;
        ulong[] input = run.Slots(d.Block, run.Weights[d.Block], MaskedInput(d.Query, d.Block));

        var tried = new HashSet<string>();
        foreach (Coalition c in attackers ?? [Coalition.Of(Party.Gateway), .. Coalition.MaximalWith(run.P, Party.Gateway)])
        {
            if (!c.HasGateway)
                continue;
            // Only the block's tier's servers contribute output masks to E¹: the coalition as far as it matters here.
            Party[] own = [.. c.ServersOf(tier)];
            string coalition = new Coalition([Party.Gateway, .. own]).Name;
            if (!tried.Add(coalition))
                continue;
            ulong[] ownMask = own.Aggregate(new ulong[d.Slots.Length], (sum, s) => ZpVector.Add(sum, run.ServerMasks[(d.Query, d.Block, s)]));
            // x̂ = Slots + own masks + P(F, x − r): equals P(F, x) wherever the other parties' masks are missing.
            ulong[] guess = ZpVector.Add(ZpVector.Add(d.Slots, ownMask), input);
            ulong[] residual = ZpVector.Subtract(truth, guess);
            int hits = ZpStatistics.Zeros(residual);
            if (hits > 1)
            {
                var recovered = new HashSet<int>();
                if (period is int mp)
                {
                    for (int j = d.Outputs; j < residual.Length; j++)
                    {
                        int at = j % (run.N / 2) % mp;
                        if (residual[j] == 0 && at < d.Outputs && guess[j] == truth[at])
                            recovered.Add(at); // A holds (F·x)_at, hence the pre-activation F·x + b (A knows b)
                    }
                }
                for (int k = 0; k < d.Outputs; k++)
                    if (residual[d.OutputAt[k]] == 0)
                        recovered.Add(k);
                findings.Add($"{d.Label}: {coalition} solves {hits} slots of F·x_{d.Block} exactly, recovering {recovered.Count} of the {d.Outputs} pre-activations");
            }
            Add(findings, ZpStatistics.Uniform(residual, $"{d.Label}: what {coalition} cannot remove"));
        }
    }

    /// <summary>x_i − r_i as it travels (every copy of it is the same vector).</summary>
    private ulong[] MaskedInput(int query, int block)
    {
        ulong[][] copies = [.. run.Loop.Delivered.Select(x => x.Message).OfType<MaskedActivation>().Where(m => m.Query == query && m.Block == block).Select(m => m.Values)];
        if (copies.Length == 0 || copies.Any(c => !c.AsSpan().SequenceEqual(copies[0])))
            throw new InvalidOperationException($"x_{block} − r_{block} of query {query} travels {copies.Length} times, not always the same");
        return copies[0];
    }

    // ---- ciphertexts a party may not open ----

    /// <summary>Key tag of a ciphertext: 0 for the user's pk0, t ≥ 1 for tier t's collective key.</summary>
    private const int Pk0 = 0;

    /// <summary>The ciphertexts in a message and the key each is under (<see cref="Pk0"/> or a tier); null for kinds that carry none.</summary>
    private IEnumerable<(string Field, byte[] Bytes, int Key)>? Ciphertexts(Party from, Party to, SecoMessage message) => message switch
    {
        UserPreprocessing m => m.MaskCiphertexts.Select(b => ("Enc_pk0(r_i)", b, Pk0)).Concat(m.TransitionMask.Select(b => ("Enc_cpk1(r_{l+1})", b, 1))),
        GatewayPreprocessing m => m.ShareCiphertexts.Select(b => ("Enc_pk0(F r − s)", b, Pk0)),
        // A tier's server: its segment's later blocks under its key, the next tier's input mask under the next tier's —
        // each block's run of input ciphertexts.
        MaskShares m => m.Ciphertexts.Zip(MaskShareOwners(from.Tier, m.Ciphertexts.Length), (b, block) =>
        {
            int key = run.P.TierOf(block).Tier;
            return ($"Enc_cpk{key}(r^j_{block})", b, key);
        }),
        MaskAggregate m => m.Ciphertexts.Select(b => ($"Enc_cpk{to.Tier}(r)", b, to.Tier)),
        LinearShares m => m.Ciphertexts.Select(b => ($"Enc_cpk{from.Tier}(F^j r − S^j)", b, from.Tier)),
        OutputCiphertext m => [("Enc_pk0(output)", m.Ciphertext, Pk0)],
        SetupBegin or ServerKeyShares or CollectiveKeys or OtBase or ServerReady or UserJoin or UserPublicKey or GatewayWelcome
            or PreparationBegin or QueryOwner or ProductCommitment or DecryptionShares or CircuitRequest or GarbledCircuits or ProviderLabels or EvaluatorReady or QueryReady
            or OtRequest or OtResponse or MaskedActivation or GarblerInput or ProviderInput or GatewayCircuitOutput or OutputShare or QueryAborted => [],
        _ => null,
    };

    /// <summary>The block each ciphertext of a tier-<paramref name="tier"/> server's MaskShares masks: blocks a_t + 1 .. min(b_t + 1, L), each its run.</summary>
    private int[] MaskShareOwners(int tier, int count)
    {
        TierShape t = run.P.Tier(tier);
        int[] owners = [.. Enumerable.Range(t.FirstBlock + 1, Math.Min(t.LastBlock + 1, run.L) - t.FirstBlock).SelectMany(i => Enumerable.Repeat(i, run.P.InputCiphertexts(i)))];
        return owners.Length == count ? owners : throw new InvalidOperationException($"tier {tier}'s mask shares: {count} ciphertexts, the runs take {owners.Length}");
    }

    /// <summary>
    /// The key shares <paramref name="c"/> can bring to a ciphertext under <paramref name="key"/>: every member's own
    /// key alone (each of A's per-tier shares), and for a tier's key the coalition's shares of it together — A's share
    /// of the tier with the tier's servers in the coalition, and A's with each of them.
    /// </summary>
    private IEnumerable<(string Label, (Party Holder, int Tier)[] Shares)> KeySets(Coalition c, int key)
    {
        int[] gatewayTiers = run.P.HasRemoteTier ? [.. run.P.Tiers.Select(t => t.Tier)] : [1];
        foreach (Party m in c.Members)
        {
            if (m.IsUser)
            {
                if (key != Pk0)
                    yield return Set([(m, key)]); // the user's own key on a collective ciphertext (it receives none today)
            }
            else if (m.IsGateway)
                foreach (int t in gatewayTiers)
                    yield return Set([(m, t)]);
            else
                yield return Set([(m, m.Tier)]);
        }
        if (key == Pk0)
            yield break;
        (Party, int)[] tierShares = [.. c.ServersOf(key).Select(s => (s, key))];
        if (c.HasGateway)
        {
            foreach ((Party, int) s in tierShares)
                yield return Set([(Party.Gateway, key), s]);
            if (tierShares.Length > 1)
                yield return Set([(Party.Gateway, key), .. tierShares]);
        }
        else if (tierShares.Length > 1)
        {
            yield return Set(tierShares);
        }

        static (string, (Party, int)[]) Set((Party Holder, int Tier)[] shares) =>
            (string.Join("+", shares.Select(s => s.Holder.IsGateway ? $"A's share of tier {s.Tier}" : s.Holder.IsUser ? "the user's key" : Coalition.NameOf(s.Holder))), shares);
    }

    /// <summary>
    /// Every ciphertext <paramref name="party"/> receives that it may not open: its key share alone, and the key shares
    /// of every allowed coalition it may join (A's per-tier share with all of a tier's servers but its garbler, or but
    /// its evaluator), must fail to decrypt it — the decryptor refuses noise ≥ 1/4, which a wrong key produces with
    /// overwhelming probability. The user's own pk0 ciphertexts are the ones it decrypts (<see cref="DecryptionsBy"/>).
    /// </summary>
    public List<string> AuditUndecryptable(Party party) => AuditUndecryptable([party], [Coalition.Of(party), .. Coalition.MaximalWith(run.P, party)]);

    /// <summary>Every ciphertext any member of <paramref name="coalition"/> receives, against the coalition's pooled key shares.</summary>
    public List<string> AuditUndecryptable(Coalition coalition) => AuditUndecryptable(coalition.Members, [coalition]);

    private List<string> AuditUndecryptable(IReadOnlyList<Party> viewers, IReadOnlyList<Coalition> holders)
    {
        var findings = new List<string>();
        var seen = new HashSet<string>();
        foreach (Party viewer in viewers)
        {
            foreach ((Party from, SecoMessage message) in run.ReceivedBy(viewer))
            {
                var fields = Ciphertexts(from, viewer, message);
                if (fields is null)
                {
                    findings.Add($"{viewer} receives {message.GetType().Name}, which the audit does not classify: add it to ViewAuditor.Ciphertexts");
                    continue;
                }
                foreach ((string field, byte[] bytes, int key) in fields)
                {
                    if (viewer.IsUser && key == Pk0)
                        continue;
                    string digest = Digest(bytes);
                    if (!seen.Add(digest))
                        continue; // the same ciphertext reached another member
                    string label = $"{viewer} q{(message as QueryMessage)?.Query} {field} from {from}";
                    var ct = new Lazy<Ciphertext>(() => run.Load(bytes));
                    foreach ((string keys, (Party, int)[] shares) in holders.SelectMany(h => KeySets(h, key)).DistinctBy(k => k.Label))
                        if (Opens(digest, ct, keys, shares))
                            findings.Add($"{label}: {keys} decrypt{(shares.Length == 1 ? "s" : "")} it");
                }
            }
        }
        return findings;
    }

    private bool Opens(string digest, Lazy<Ciphertext> ct, string keys, (Party Holder, int Tier)[] shares) =>
        run.Openings.GetOrAdd((digest, keys), _ =>
        {
            SecretKey[] secret = [.. shares.Select(s => run.KeyShare(s.Holder, s.Tier))];
            return secret.Length == 1
                ? Opens(() => new Decryptor(run.P.Context, secret[0]).Decrypt(ct.Value))
                : Opens(() => run.Open(ct.Value, secret));
        });

    private static string Digest(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>
    /// (b) The recomputation attack (found by the adversarial review of issue 15): a ciphertext that is a deterministic
    /// function of what the receiver knows, plus a plaintext mask, gives the mask away — recompute the function,
    /// subtract, and what is left has c₁ = 0. A built ct(r), holds the rotation keys and dealt every F^j, so it can
    /// recompute every server's product F^j·ct(r); a server can with A's help. The difference of each product received
    /// by <paramref name="party"/> and its recomputation must open under none of the key sets of
    /// <see cref="AuditUndecryptable(Party)"/>.
    /// </summary>
    public List<string> AuditRecomputation(Party party) => AuditRecomputation([party], [Coalition.Of(party), .. Coalition.MaximalWith(run.P, party)]);

    /// <summary>The recomputation attack on every product any member receives, with the coalition's pooled key shares.</summary>
    public List<string> AuditRecomputation(Coalition coalition) => AuditRecomputation(coalition.Members, [coalition]);

    private List<string> AuditRecomputation(IReadOnlyList<Party> viewers, IReadOnlyList<Coalition> holders)
    {
        var findings = new List<string>();
        var seen = new HashSet<string>();
        foreach (Party viewer in viewers)
        {
            foreach ((Party from, SecoMessage message) in run.ReceivedBy(viewer))
            {
                if (message is not LinearShares products)
                    continue;
                TierShape tier = run.P.Tier(from.Tier);
                Dictionary<int, byte[][]> runs = FormSlots.Runs(products.Ciphertexts, tier.Blocks, run.P.OutputCiphertexts, $"q{products.Query} {from}'s linear shares");
                foreach (int i in tier.Blocks)
                {
                    for (int k = 0; k < runs[i].Length; k++)
                    {
                        byte[] bytes = runs[i][k];
                        string digest = Digest(bytes);
                        if (!seen.Add(digest))
                            continue;
                        int ct = k; // captured by the lazy difference
                        var difference = new Lazy<Ciphertext>(() => new Evaluator(run.P.Context).Sub(Recompute(from, products.Query, i)[ct], run.Load(bytes)));
                        string which = runs[i].Length == 1 ? "" : $" (ciphertext {k + 1} of {runs[i].Length})";
                        foreach ((string keys, (Party, int)[] shares) in holders.SelectMany(h => KeySets(h, tier.Tier)).DistinctBy(set => set.Label))
                            if (Opens("recomputed − " + digest, difference, keys, shares))
                                findings.Add($"{viewer} q{products.Query} {from}'s product of block {i}{which}: recomputed and subtracted, it opens under {keys} — the product carries no fresh randomness");
                    }
                }
            }
        }
        return findings;
    }

    /// <summary>
    /// F^j·ct(r) as A (or a coalition with A) recomputes it, the block's whole run of output ciphertexts: ct(r) from A's
    /// MaskAggregate to the tier (the block's run of input ciphertexts), the tier's rotation keys, the dealt share
    /// encoded in the block's form — exactly the server's computation before its mask and fresh randomness.
    /// </summary>
    public Ciphertext[] Recompute(Party server, int query, int block) =>
        run.Recomputations.GetOrAdd((server, query, block), _ =>
        {
            TierShape tier = run.P.TierOf(block);
            Party garbler = Party.Server(tier.Tier, 0);
            GaloisKeys rotations = run.Rotations.GetOrAdd(tier.Tier, _ => Lattice.Serialization.BfvSerializer.LoadGaloisKeys(run.P.Context, run.Received<CollectiveKeys>(garbler).First().GaloisKeys));
            MaskAggregate aggregate = run.Received<MaskAggregate>(garbler).Single(m => m.Query == query);
            byte[][] r = FormSlots.Runs(aggregate.Ciphertexts, tier.Blocks, run.P.InputCiphertexts, $"q{query} tier {tier.Tier}'s mask aggregate")[block];
            return run.P.Form(block).Encode(run.P.Context, run.ShareOf(server).Weights(block)).Multiply(new Evaluator(run.P.Context), [.. r.Select(run.Load)], rotations);
        });

    /// <summary>Which keys open (recomputation − <paramref name="product"/>), for ciphertext <paramref name="ciphertext"/> of the block's run: the receiver's alone, or A's share of the tier with it; null when neither does.</summary>
    public string? RecomputationOpens(Party party, Party server, int query, int block, int ciphertext, Ciphertext product)
    {
        int tier = run.P.TierOf(block).Tier;
        Ciphertext difference = new Evaluator(run.P.Context).Sub(Recompute(server, query, block)[ciphertext], product);
        SecretKey own = run.KeyShare(party, tier);
        if (Opens(() => new Decryptor(run.P.Context, own).Decrypt(difference)))
            return $"{party}'s key";
        if (!party.IsGateway && Opens(() => run.Open(difference, [run.GatewayKey(tier), own])))
            return $"A's and {party}'s keys";
        return null;
    }

    private static bool Opens(Action decrypt)
    {
        try
        {
            decrypt();
            return true;
        }
        catch (NoiseBudgetExhaustedException)
        {
            return false;
        }
    }

    // ---- Z_p vectors in the clear ----

    /// <summary>
    /// Every Z_p vector <paramref name="party"/> sees in the clear — received, or computed and sent (an evaluator's
    /// circuit outputs, the user's z) — what it hides, and what is left of the mask after removing the shares the party
    /// knows, alone and in each allowed coalition it may join (residual 0 is the party alone).
    /// </summary>
    public List<ClearVector> ClearVectorsOf(Party party) => ClearVectorsOf([party], [Coalition.Of(party), .. Coalition.MaximalWith(run.P, party)]);

    /// <summary>Every Z_p vector any member of <paramref name="coalition"/> sees, with what the coalition cannot remove.</summary>
    public List<ClearVector> ClearVectorsOf(Coalition coalition, IEnumerable<(Party From, Party To, SecoMessage Message)>? transcript = null) =>
        ClearVectorsOf(coalition.Members, [coalition], transcript);

    /// <param name="transcript">The messages to read (null: the run's); a test plants a weakened protocol's here.</param>
    private List<ClearVector> ClearVectorsOf(IReadOnlyList<Party> viewers, IReadOnlyList<Coalition> knowers, IEnumerable<(Party From, Party To, SecoMessage Message)>? transcript = null)
    {
        var result = new List<ClearVector>();
        var seen = new HashSet<(int, int, Type)>();
        string by = new Coalition(viewers).Name;
        Party first = viewers[0];
        foreach ((Party from, Party to, SecoMessage message) in transcript ?? run.Loop.Delivered.Select(d => (d.From, d.To, d.Message)))
        {
            if (!viewers.Contains(to) && !viewers.Contains(from)) continue;
            string route = $"{from}→{to}";
            switch (message)
            {
                case MaskedActivation m when seen.Add((m.Query, m.Block, typeof(MaskedActivation))):
                    {
                        ulong[] x = run.Truth[m.Query].X[m.Block];
                        result.Add(new ClearVector(first, m.Query, $"x_{m.Block} − r_{m.Block} ({route})", m.Values, x, Residuals(m.Query, m.Block, x, m.Values, knowers)));
                        break;
                    }
                case GatewayCircuitOutput m when seen.Add((m.Query, m.Block, typeof(GatewayCircuitOutput))):
                    {
                        // z = x_{i+1} − r_{i+1} − d_{i+1}: the user knows r_{i+1} and faces d; A knows d and faces r.
                        int next = m.Block + 1;
                        ulong[] x = run.Truth[m.Query].X[next], r = run.Masks[(m.Query, next)];
                        ulong[] d = ZpVector.Subtract(ZpVector.Subtract(x, r), m.Values);
                        result.Add(new ClearVector(first, m.Query, $"z_{m.Block} = x_{next} − r_{next} − d_{next} ({route})", m.Values, x, [(by, viewers.Contains(Party.User) ? d : r)]));
                        break;
                    }
                case OutputShare m when viewers.Contains(to):
                    result.Add(new ClearVector(first, m.Query, $"A's output share ({route})", m.Values, run.Truth[m.Query].Logits, []));
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// What each knower is left with of the mask on x_i − r_i: r_i minus the shares it knows — its members' own, and
    /// every share of a mask that enters the circuits of a tier whose garbler and evaluator are both members (they
    /// decode every wire). The user's own masks are not subtracted: the residual then checks the user's randomness.
    /// Knowers that know the same shares are tried once.
    /// </summary>
    private List<(string Coalition, ulong[] Residual)> Residuals(int query, int block, ulong[] x, ulong[] values, IReadOnlyList<Coalition> knowers)
    {
        var result = new List<(string, ulong[])>();
        var tried = new HashSet<string>();
        IReadOnlyList<Party> owners = run.MaskOwners(block);
        int circuitTier = run.MaskTier(block);
        foreach (Coalition k in knowers)
        {
            Party[] known = k.Contains(Party.User) ? []
                : circuitTier > 0 && k.DecodesWires(run.P, circuitTier) ? [.. owners]
                : [.. owners.Where(k.Contains)];
            if (!tried.Add(string.Join(",", known)))
                continue;
            ulong[] residual = ZpVector.Subtract(x, values);
            foreach (Party o in known)
                residual = ZpVector.Subtract(residual, run.MaskShares[(query, block, o)]);
            // Named by the members that matter here: the knower's viewers and the share owners it covers.
            string name = knowers.Count == 1 ? k.Name : new Coalition([.. k.Members.Where(m => owners.Contains(m) || m == knowers[0].Members[0])]).Name;
            result.Add((name, residual));
        }
        return result;
    }

    public List<string> AuditClearVectors(IReadOnlyList<ClearVector> vectors)
    {
        var findings = new List<string>();
        foreach (ClearVector v in vectors)
        {
            string label = $"{v.By} q{v.Query} {v.What}";
            if (v.Values.AsSpan().SequenceEqual(v.Hidden))
                findings.Add($"{label}: equals the hidden value");
            foreach ((string coalition, ulong[] residual) in v.Residuals)
            {
                int zeros = ZpStatistics.Zeros(residual);
                if (zeros > 1)
                    findings.Add($"{label}: {coalition} is left with {zeros} unmasked entries");
                Add(findings, ZpStatistics.Uniform(residual, $"{label}: the mask {coalition} cannot remove"));
            }
        }
        foreach (var group in vectors.GroupBy(v => (v.By, v.What)))
        {
            ClearVector[] perQuery = group.OrderBy(v => v.Query).ToArray();
            Add(findings, ZpStatistics.Uniform(perQuery.SelectMany(v => v.Values).ToArray(), $"{group.Key.By} {group.Key.What} over {perQuery.Length} queries"));
            for (int a = 1; a < perQuery.Length; a++)
                if (ZpStatistics.Zeros(ZpVector.Subtract(perQuery[a].Values, perQuery[0].Values)) > 1)
                    findings.Add($"{group.Key.By} {group.Key.What}: entries repeat between queries 0 and {perQuery[a].Query} (the mask is not fresh)");
        }
        return findings;
    }

    // ---- weights ----

    /// <summary>
    /// The weight shares the servers of <paramref name="coalition"/> hold (A, the model owner, knows the weights and is
    /// ignored): per block of each tier they meet, the sum of their shares of F_i and b_i must not equal F_i, b_i
    /// anywhere on the block's structural support (it does exactly when they hold every server of the tier), and both
    /// their part and what they miss (F − their part) must be uniform over Z_p there.
    /// </summary>
    /// <param name="shares">The dealt shares (null: the run's); a test plants a weakened dealer's here.</param>
    public List<string> AuditWeights(Coalition coalition, Func<Party, RemoteShare>? shares = null)
    {
        shares ??= run.ShareOf;
        var findings = new List<string>();
        foreach (TierShape tier in run.P.Tiers)
        {
            Party[] held = [.. coalition.ServersOf(tier.Tier)];
            if (held.Length == 0)
                continue;
            string who = new Coalition(held).Name;
            bool all = held.Length == tier.Servers;
            foreach (int i in tier.Blocks)
            {
                bool[] support = run.Support[i];
                ulong[] w = held.Select(s => shares(s).Weights(i)).Aggregate((a, b) => ZpVector.Add(a, b)); // in the block's form
                ulong[] bias = held.Select(s => shares(s).Bias(i)).Aggregate((a, b) => ZpVector.Add(a, b));
                ulong[] onSupport = [.. w.Where((_, e) => support[e])];
                ulong[] truth = [.. run.Weights[i].Where((_, e) => support[e])];
                int equal = onSupport.Where((v, e) => v == truth[e]).Count();
                int equalBias = bias.Where((v, e) => v == run.Biases[i][e]).Count();
                if (equal > 1 || equalBias > 1)
                    findings.Add($"{who}'s shares of block {i} sum to its weights in {equal} of {truth.Length} entries and to its bias in {equalBias} of {bias.Length}{(all ? " — they are every server of tier " + tier.Tier : "")}");
                Add(findings, ZpStatistics.Uniform(onSupport, $"{who}'s part of F_{i} on its support"));
                Add(findings, ZpStatistics.Uniform(ZpVector.Subtract(truth, onSupport), $"F_{i} less {who}'s part, on its support"));
                Add(findings, ZpStatistics.Uniform(bias, $"{who}'s part of b_{i}"));
            }
        }
        return findings;
    }

    // ---- byte payloads ----

    /// <summary>Run scan of every message <paramref name="party"/> receives, offline and online, for the query's secrets.</summary>
    /// <param name="weights">Also look for the weights (and, for a server, the other servers' weight shares): cheap for dense models only.</param>
    /// <param name="received">The messages to scan (null: what the party received in the run); a test plants a leak here.</param>
    public List<string> AuditPayloads(Party party, bool tables, bool weights = false, IEnumerable<(Party From, SecoMessage Message)>? received = null)
    {
        var findings = new List<string>();
        var always = new List<(string Name, ulong[] Values)>();
        if (weights && !party.IsGateway)
        {
            foreach ((int i, ulong[] f) in run.Weights) always.Add(($"F_{i}", f));
            foreach ((int i, ulong[] b) in run.Biases) always.Add(($"b_{i}", b));
            foreach (Party s in Coalition.AllServers(run.P).Where(s => s != party))
            {
                foreach (int i in run.P.Tier(s.Tier).Blocks)
                {
                    always.Add(($"{Coalition.NameOf(s)}'s share of F_{i}", run.ShareOf(s).Weights(i)));
                    always.Add(($"{Coalition.NameOf(s)}'s share of b_{i}", run.ShareOf(s).Bias(i)));
                }
            }
        }
        // Every query's secrets against every message (a secret of one query in another's messages is a leak too): one
        // index of the targets, one pass over the bytes.
        var secrets = Enumerable.Range(0, run.Queries).SelectMany(q => run.Truth[q].Secrets(run.Masks, q, run.L)
                .Where(s => !(party == Party.User && s.Name.StartsWith("r_", StringComparison.Ordinal)))
                .Select(s => ($"q{q} {s.Name}", s.Values))
                .Concat(OthersShares(party, q).Select(s => ($"q{q} {s.Name}", s.Values))))
            .Concat(always).ToList();
        findings.AddRange(LeakDetector.Scan(secrets, (received ?? run.ReceivedBy(party)).Select(d => ($"{party} ← {d.From} {d.Message.GetType().Name} q{(d.Message as QueryMessage)?.Query}", d.Message)), tables));
        return findings;
    }

    /// <summary>The per-query shares <paramref name="party"/> does not own: every other owner's r^j_i and every other server's output mask s^j_i.</summary>
    private IEnumerable<(string Name, ulong[] Values)> OthersShares(Party party, int query)
    {
        foreach (((int q, int i, Party owner), ulong[] r) in run.MaskShares)
            if (q == query && owner != party)
                yield return ($"{Coalition.NameOf(owner)}'s share of r_{i}", r);
        foreach (((int q, int i, Party server), ulong[] s) in run.ServerMasks)
            if (q == query && server != party)
                yield return ($"{Coalition.NameOf(server)}'s s_{i}", run.Outputs(i, s));
    }

    private static void Add(List<string> findings, string? finding)
    {
        if (finding is not null) findings.Add(finding);
    }
}
