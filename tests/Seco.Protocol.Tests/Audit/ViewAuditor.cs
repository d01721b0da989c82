using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;

namespace Seco.Protocol.Tests.Audit;

/// <summary>One plaintext a party decrypts, all n slots; slots 0..Outputs−1 of row 0 are the intended outputs.</summary>
/// <param name="Unmasked">The ground truth: what the slots would hold with no mask at all (null for the final output).</param>
/// <param name="Final">The user's decrypted result: its outputs are the logits, meant to be learned.</param>
internal sealed record Decryption(Party By, int Query, int Block, string What, ulong[] Slots, int Outputs, ulong[]? Unmasked, bool Final)
{
    public string Label => $"{By} q{Query} {What} (block {Block})";

    public ulong[] NonOutputs => Slots[Outputs..];
}

/// <summary>A Z_p vector a party receives (or computes from what it receives) in the clear, with its ground truth.</summary>
/// <param name="Hidden">The secret the vector masks (x_i for a masked activation).</param>
/// <param name="Residual">Hidden − value as the party (or a coalition) can reduce it: it must stay uniform and never zero.</param>
internal sealed record ClearVector(Party By, int Query, string What, ulong[] Values, ulong[] Hidden, IReadOnlyList<(string Coalition, ulong[] Residual)> Residuals);

/// <summary>
/// Attacks each party's whole view of an <see cref="AuditedRun"/> as that party (or a coalition it may form under
/// the threat model: A+B, A+C) would, with the auditor's ground truth to judge the result. Every method returns
/// findings (empty = nothing learned):
/// <list type="bullet">
/// <item>(a) every decrypted slot outside the intended outputs is uniform over Z_p and fresh per query;</item>
/// <item>(b) the attack: the decryptor's reconstruction of the unmasked Lin-OP slots (A, knowing F and x − r, solves
/// for F·x; the user, knowing r, reads linear functions of F) recovers nothing, no decrypted vector or run of one
/// equals a true activation, pre-activation or mask, and the mask left after subtracting a coalition's own
/// contributions is uniform and nowhere zero;</item>
/// <item>(c) the intended outputs are uniform over Z_p across queries;</item>
/// <item>every ciphertext a party receives and may not open fails to decrypt under its key (and under A's + its key);</item>
/// <item>every Z_p vector it sees in the clear is uniform, fresh, and masked by an honest party's randomness.</item>
/// </list>
/// </summary>
internal sealed class ViewAuditor(AuditedRun run)
{
    private static readonly Party[] Servers = [Party.Gateway, Party.Garbler, Party.Evaluator];

    // ---- what each party decrypts, with its own key ----

    /// <summary>Every plaintext <paramref name="party"/> decrypts, recomputed from its received messages and its real key.</summary>
    public List<Decryption> DecryptionsBy(Party party) =>
        party.IsUser ? UserDecryptions()
        : party.IsGateway ? GatewayDecryptions()
        : []; // B and C decrypt nothing alone (see Undecryptable)

    private List<Decryption> UserDecryptions()
    {
        var result = new List<Decryption>();
        foreach (GatewayPreprocessing m in run.Received<GatewayPreprocessing>(Party.User))
        {
            for (int i = 1; i <= run.Split; i++)
            {
                ulong[] slots = run.OpenUser(run.Load(m.ShareCiphertexts[i - 1]));
                ulong[] unmasked = run.Slots(i, run.Matrices[i], run.Masks[(m.Query, i)]);
                result.Add(new Decryption(Party.User, m.Query, i, "F_i r_i − s_i", slots, run.P.Block(i).Rows, unmasked, Final: false));
            }
        }
        foreach (OutputCiphertext m in run.Received<OutputCiphertext>(Party.User))
            result.Add(new Decryption(Party.User, m.Query, run.L, "output", run.OpenUser(run.Load(m.Ciphertext)), run.P.Block(run.L).Rows, null, Final: true));
        return result;
    }

    /// <summary>A's collective decryptions: ct_E = ModSwitch(ct² + ct³) opened with A's own share and the two it received.</summary>
    private List<Decryption> GatewayDecryptions()
    {
        var result = new List<Decryption>();
        var encoder = new BatchEncoder(run.P.Context);
        var evaluator = new Evaluator(run.P.Context);
        foreach (int q in Enumerable.Range(0, run.Queries))
        {
            LinearShares? fromB = run.Received<LinearShares>(Party.Gateway, Party.Garbler).SingleOrDefault(m => m.Query == q);
            LinearShares? fromC = run.Received<LinearShares>(Party.Gateway, Party.Evaluator).SingleOrDefault(m => m.Query == q);
            DecryptionShares? sharesB = run.Received<DecryptionShares>(Party.Gateway, Party.Garbler).SingleOrDefault(m => m.Query == q);
            DecryptionShares? sharesC = run.Received<DecryptionShares>(Party.Gateway, Party.Evaluator).SingleOrDefault(m => m.Query == q);
            if (fromB is null || fromC is null || sharesB is null || sharesC is null)
                continue;
            for (int i = run.Split + 1; i <= run.L; i++)
            {
                int k = i - run.Split - 1;
                Ciphertext e = evaluator.Add(run.Load(fromB.Ciphertexts[k]), run.Load(fromC.Ciphertexts[k]));
                evaluator.ModSwitchToNextInplace(e);
                CollectiveDecryption decryption = run.P.Budget.Decryption(i);
                PolyShare aggregate = new[] { sharesB.Shares[k], sharesC.Shares[k] }
                    .Select(b => PolyShare.Deserialize(run.P.Context, b))
                    .Aggregate(decryption.GenShare(run.Gateway.SecretKey, e), CollectiveDecryption.Aggregate);
                ulong[] slots = encoder.Decode(decryption.Finalize(e, aggregate));
                ulong[] unmasked = run.Slots(i, run.Matrices[i], run.Masks[(q, i)]);
                result.Add(new Decryption(Party.Gateway, q, i, "E¹ = F r − s² − s³", slots, run.P.Block(i).Rows, unmasked, Final: false));
            }
        }
        return result;
    }

    // ---- (a), (b), (c) on decrypted plaintexts ----

    public List<string> AuditDecryptions(IReadOnlyList<Decryption> decryptions, bool scan = true)
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
                if (!d.Slots.AsSpan(0, d.Outputs).SequenceEqual(run.Truth[d.Query].Logits))
                    findings.Add($"{d.Label}: the outputs are not the logits");
            }
            else
            {
                Attack(d, findings);
            }
            if (scan)
            {
                // (b) no decrypted vector or run of 4 of its slots is a true activation, pre-activation or mask.
                var targets = run.Truth[d.Query].Secrets(run.Masks, d.Query, run.L).ToList();
                if (d.Unmasked is not null)
                    targets.Add(($"F_{d.Block}·r_{d.Block}", d.Unmasked[..d.Outputs]));
                ulong[] scanned = d.Final ? d.NonOutputs : d.Slots; // the final outputs are the logits by design
                findings.AddRange(LeakDetector.ScanVectors(targets, [(d.Label, scanned)]));
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
                Add(findings, ZpStatistics.Uniform(perQuery.SelectMany(d => d.Slots[..d.Outputs]).ToArray(), $"{label}: the intended outputs over {perQuery.Length} queries"));
                for (int a = 1; a < perQuery.Length; a++)
                    if (ZpStatistics.Zeros(ZpVector.Subtract(perQuery[a].Slots[..perQuery[a].Outputs], perQuery[0].Slots[..perQuery[0].Outputs])) > 1)
                        findings.Add($"{label}: intended outputs repeat between queries 0 and {perQuery[a].Query}");
            }
        }
        return findings;
    }

    /// <summary>
    /// (b) The decryptor's attack on the slots. The mask left on every slot is Unmasked − Slots; wherever it is zero
    /// the decryptor holds a linear function of the Lin-OP input and weights in the clear. A, who knows F and the masked
    /// input x − r (its own at the transition; B's or C's view in a coalition after it), solves
    /// Slots + P(F, x − r) = P(F, x) for the partial sums of F·x and so the pre-activations; the user, who knows r,
    /// reads P(F, r) — linear functions of A's weights. A coalition A+B (A+C) also removes B's (C's) own mask.
    /// </summary>
    private void Attack(Decryption d, List<string> findings)
    {
        ulong[] unmasked = d.Unmasked!;
        ulong[] mask = ZpVector.Subtract(unmasked, d.Slots);
        int open = ZpStatistics.Zeros(mask);
        if (open > 1)
            findings.Add($"{d.Label}: {open} of {mask.Length} slots hold the Lin-OP product unmasked (partial sums of F·r) — the decryptor reads {open} linear functions of {(d.By == Party.User ? "A's weights" : "the masks and activations")}");
        Add(findings, ZpStatistics.Uniform(mask, $"{d.Label}: the mask over all slots"));

        if (d.By != Party.Gateway)
            return;
        ulong[] truth = run.Slots(d.Block, run.Matrices[d.Block], run.Truth[d.Query].X[d.Block]);
        int period = run.P.Layout(d.Block).PaddedRows; // a slot j that holds a whole entry of F·x holds entry j mod m'

        foreach ((string coalition, ulong[] maskedInput, ulong[] ownMask) in Coalitions(d))
        {
            // x̂ = Slots + own mask + P(F, x − r): equals P(F, x) wherever the honest parties' masks are missing.
            ulong[] guess = ZpVector.Add(ZpVector.Add(d.Slots, ownMask), run.Slots(d.Block, run.Matrices[d.Block], maskedInput));
            ulong[] residual = ZpVector.Subtract(truth, guess);
            int hits = ZpStatistics.Zeros(residual);
            if (hits > 1)
            {
                var recovered = new HashSet<int>();
                for (int j = d.Outputs; j < residual.Length; j++)
                {
                    int at = j % (run.N / 2) % period;
                    if (residual[j] == 0 && at < d.Outputs && guess[j] == truth[at])
                        recovered.Add(at); // A holds (F·x)_at, hence the pre-activation F·x + b (A knows b)
                }
                findings.Add($"{d.Label}: {coalition} solves {hits} slots of F·x_{d.Block} exactly, recovering {recovered.Count} of the {d.Outputs} pre-activations");
            }
            Add(findings, ZpStatistics.Uniform(residual, $"{d.Label}: what {coalition} cannot remove"));
        }
    }

    /// <summary>The coalitions that decrypt A's plaintexts, with the masked input x_i − r_i they know and their own mask part.</summary>
    private IEnumerable<(string Coalition, ulong[] MaskedInput, ulong[] OwnMask)> Coalitions(Decryption d)
    {
        var zero = new ulong[run.N];
        if (d.Block == run.Split + 1)
        {
            // The transition: A itself sends x_{l+1} − r_{l+1} (the user's mask); with B or C it also removes their mask.
            ulong[] masked = Masked(Party.Gateway, Party.Garbler, d.Query, d.Block);
            yield return ("A", masked, zero);
            yield return ("A+B", masked, run.ServerMasks[(d.Query, d.Block, Party.Garbler)]);
            yield return ("A+C", masked, run.ServerMasks[(d.Query, d.Block, Party.Evaluator)]);
        }
        else
        {
            // After it, x_i − r_i exists only at B (received from C) and C (computed): A needs a coalition to attack.
            ulong[] masked = Masked(Party.Evaluator, Party.Garbler, d.Query, d.Block);
            yield return ("A+B", masked, run.ServerMasks[(d.Query, d.Block, Party.Garbler)]);
            yield return ("A+C", masked, run.ServerMasks[(d.Query, d.Block, Party.Evaluator)]);
        }
    }

    private ulong[] Masked(Party from, Party to, int query, int block) =>
        run.Loop.Delivered.Where(x => x.From == from && x.To == to).Select(x => x.Message).OfType<MaskedActivation>()
            .Single(m => m.Query == query && m.Block == block).Values;

    // ---- ciphertexts a party may not open ----

    /// <summary>The ciphertexts in a message and the key each is under ("pk0" or "cpk"); null for kinds that carry none.</summary>
    private static IEnumerable<(string Field, byte[] Bytes, string Key)>? Ciphertexts(SecoMessage message) => message switch
    {
        UserPreprocessing m => m.MaskCiphertexts.Select(b => ("Enc_pk0(r_i)", b, "pk0")).Concat(m.TransitionMask.Select(b => ("Enc_cpk(r_{l+1})", b, "cpk"))),
        GatewayPreprocessing m => m.ShareCiphertexts.Select(b => ("Enc_pk0(F r − s)", b, "pk0")),
        MaskShares m => m.Ciphertexts.Select(b => ("Enc_cpk(r^j)", b, "cpk")),
        MaskAggregate m => m.Ciphertexts.Select(b => ("Enc_cpk(r)", b, "cpk")),
        LinearShares m => m.Ciphertexts.Select(b => ("Enc_cpk(F^j r − S^j)", b, "cpk")),
        OutputCiphertext m => [("Enc_pk0(output)", m.Ciphertext, "pk0")],
        SetupBegin or ServerKeyShares or CollectiveKeys or OtBase or ServerReady or UserJoin or UserPublicKey or GatewayWelcome
            or PreparationBegin or ProductCommitment or DecryptionShares or GarbledCircuits or ProviderLabels or EvaluatorReady or QueryReady
            or OtRequest or OtResponse or MaskedActivation or GarblerInput or ProviderInput or GatewayCircuitOutput or OutputShare or QueryAborted => [],
        _ => null,
    };

    /// <summary>
    /// Every ciphertext <paramref name="party"/> receives that it may not open: its key share alone (and A's share with
    /// B's or C's) must fail to decrypt it — the decryptor refuses noise ≥ 1/4, which a wrong key produces with
    /// overwhelming probability. The user's own pk0 ciphertexts are the ones it decrypts (<see cref="DecryptionsBy"/>).
    /// </summary>
    public List<string> AuditUndecryptable(Party party)
    {
        var findings = new List<string>();
        SecretKey own = KeyOf(party);
        foreach ((Party from, SecoMessage message) in run.ReceivedBy(party))
        {
            var fields = Ciphertexts(message);
            if (fields is null)
            {
                findings.Add($"{party} receives {message.GetType().Name}, which the audit does not classify: add it to ViewAuditor.Ciphertexts");
                continue;
            }
            foreach ((string field, byte[] bytes, string key) in fields)
            {
                if (party == Party.User && key == "pk0")
                    continue;
                string label = $"{party} q{(message as QueryMessage)?.Query} {field} from {from}";
                Ciphertext ct = run.Load(bytes);
                if (Opens(() => new Decryptor(run.P.Context, own).Decrypt(ct)))
                    findings.Add($"{label}: {party}'s key alone decrypts it");
                if (key == "cpk" && party.IsServer && Opens(() => run.Open(ct, [run.Gateway.SecretKey, own])))
                    findings.Add($"{label}: A's and {party}'s keys together decrypt it");
            }
        }
        return findings;
    }

    /// <summary>
    /// (b) The recomputation attack (found by the adversarial review of issue 15): a ciphertext that is a deterministic
    /// function of what the receiver knows, plus a plaintext mask, gives the mask away — recompute the function,
    /// subtract, and what is left has c₁ = 0. A built ct(r), holds the rotation keys and dealt F² and F³, so it can
    /// recompute B's and C's products F^j·ct(r); B or C can with A's help. The difference of each product received by
    /// <paramref name="party"/> and its recomputation must open under neither its key nor A's and its keys together.
    /// </summary>
    public List<string> AuditRecomputation(Party party)
    {
        var findings = new List<string>();
        foreach ((Party from, SecoMessage message) in run.ReceivedBy(party))
        {
            if (message is not LinearShares products)
                continue;
            for (int i = run.Split + 1; i <= run.L; i++)
            {
                if (RecomputationOpens(party, from, products.Query, i, run.Load(products.Ciphertexts[i - run.Split - 1])) is { } keys)
                    findings.Add($"{party} q{products.Query} {from}'s product of block {i}: recomputed and subtracted, it opens under {keys} — the product carries no fresh randomness");
            }
        }
        return findings;
    }

    /// <summary>F^j·ct(r) as <paramref name="party"/> (with A's knowledge) recomputes it: ct(r) from A's MaskAggregate, the rotation keys, the dealt share.</summary>
    public Ciphertext Recompute(Party server, int query, int block)
    {
        _rotations ??= Lattice.Serialization.BfvSerializer.LoadGaloisKeys(run.P.Context, run.Received<CollectiveKeys>(Party.Garbler).First().GaloisKeys);
        MaskAggregate aggregate = run.Received<MaskAggregate>(Party.Garbler).Single(m => m.Query == query);
        Model.RemoteShare share = server == Party.Garbler ? run.Deployment.Garbler : run.Deployment.Evaluator;
        Model.BlockShape b = run.P.Block(block);
        return Lattice.Linear.MatVec.Multiply(new Evaluator(run.P.Context), Lattice.Linear.PlainDiagonalMatrix.Encode(run.P.Context, share.Weights(block), b.Rows, b.Columns),
            run.Load(aggregate.Ciphertexts[block - run.Split - 1]), _rotations);
    }

    /// <summary>Which keys open (recomputation − <paramref name="product"/>), or null when none of the receiver's do.</summary>
    public string? RecomputationOpens(Party party, Party server, int query, int block, Ciphertext product)
    {
        Ciphertext difference = new Evaluator(run.P.Context).Sub(Recompute(server, query, block), product);
        if (Opens(() => new Decryptor(run.P.Context, KeyOf(party)).Decrypt(difference)))
            return $"{party}'s key";
        if (party != Party.Gateway && Opens(() => run.Open(difference, [run.Gateway.SecretKey, KeyOf(party)])))
            return $"A's and {party}'s keys";
        return null;
    }

    private GaloisKeys? _rotations;

    private SecretKey KeyOf(Party party) =>
        party.IsUser ? run.User.SecretKey
        // l = L: A shares no MPHE key with anyone (no remote tier); the checks run with a key of its own making.
        : party.IsGateway ? (run.P.HasRemoteTier ? run.Gateway.SecretKey : new KeyGenerator(run.P.Context).SecretKey)
        : party == Party.Garbler ? run.Garbler.SecretKey
        : run.Evaluator.SecretKey;

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
    /// Every Z_p vector <paramref name="party"/> sees in the clear — received, or computed and sent (C's circuit
    /// outputs, the user's z) — what it hides, and what the party (or its coalition) is left with after removing the
    /// masks it knows.
    /// </summary>
    public List<ClearVector> ClearVectorsOf(Party party)
    {
        var result = new List<ClearVector>();
        var seen = new HashSet<(int, int, Type)>();
        foreach ((Party from, Party to, SecoMessage message, int _) in run.Loop.Delivered)
        {
            if (to != party && from != party) continue;
            string route = $"{from}→{to}";
            switch (message)
            {
                case MaskedActivation m when seen.Add((m.Query, m.Block, typeof(MaskedActivation))):
                    {
                        ulong[] x = run.Truth[m.Query].X[m.Block];
                        ulong[] r = ZpVector.Subtract(x, m.Values);
                        var residuals = new List<(string, ulong[])> { (party.ToString(), r) };
                        if (m.Block >= run.Split + 2 && party.IsServer)
                        {
                            // A+B know r¹ + r², A+C know r¹ + r³: what is left is the honest server's share.
                            Party honest = party == Party.Garbler ? Party.Evaluator : Party.Garbler;
                            residuals.Add(($"A+{(party == Party.Garbler ? "B" : "C")}", run.MaskShares[(m.Query, m.Block, honest)]));
                        }
                        result.Add(new ClearVector(party, m.Query, $"x_{m.Block} − r_{m.Block} ({route})", m.Values, x, residuals));
                        break;
                    }
                case GatewayCircuitOutput m:
                    {
                        // z = x_{i+1} − r_{i+1} − d_{i+1}: the user knows r_{i+1} and faces d; A knows d and faces r.
                        int next = m.Block + 1;
                        ulong[] x = run.Truth[m.Query].X[next], r = run.Masks[(m.Query, next)];
                        ulong[] d = ZpVector.Subtract(ZpVector.Subtract(x, r), m.Values);
                        result.Add(new ClearVector(party, m.Query, $"z_{m.Block} = x_{next} − r_{next} − d_{next} ({route})", m.Values, x, [(party.ToString(), party == Party.User ? d : r)]));
                        break;
                    }
                case OutputShare m when to == party:
                    result.Add(new ClearVector(party, m.Query, $"A's output share ({route})", m.Values, run.Truth[m.Query].Logits, []));
                    break;
            }
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

    // ---- byte payloads ----

    /// <summary>Run scan of every message <paramref name="party"/> receives, offline and online, for the query's secrets.</summary>
    public List<string> AuditPayloads(Party party, bool tables)
    {
        var findings = new List<string>();
        foreach (var byQuery in run.ReceivedBy(party).GroupBy(d => (d.Message as QueryMessage)?.Query))
        {
            var secrets = byQuery.Key is int q
                ? run.Truth[q].Secrets(run.Masks, q, run.L).Where(s => !(party == Party.User && s.Name.StartsWith("r_", StringComparison.Ordinal))).ToList()
                : run.Truth.SelectMany((t, q) => t.Secrets(run.Masks, q, run.L)).ToList();
            findings.AddRange(LeakDetector.Scan(secrets, byQuery.Select(d => ($"{party} ← {d.From} {d.Message.GetType().Name} q{byQuery.Key}", d.Message)), tables));
        }
        return findings;
    }

    private static void Add(List<string> findings, string? finding)
    {
        if (finding is not null) findings.Add(finding);
    }
}
