using Seco.Lattice.Bfv;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Audit;
using Xunit;
using HeEvaluator = Seco.Lattice.Bfv.Evaluator;

namespace Seco.Protocol.Tests.Review18;

/// <summary>
/// The recipient-side view audit of issue 15, extended to every party of a multi-tier run (docs/hierarchy.md,
/// "Security"; the extension issue 18 left open). One real run of the MLP at l = 0 on three tiers of widths 3, 4, 3
/// (one block each, two boundaries), two queries, with an omniscient auditor holding every real key. Defence checks,
/// expected to pass:
/// <list type="bullet">
/// <item>routing: no server hears from another tier except V_{t−1}'s boundary activation; providers never receive
/// circuits, labels, mask or decryption shares; pk0 goes to the last tier only; each tier's CollectiveKeys carry the
/// next tier's cpk, and the user sees cpk₁ only;</item>
/// <item>keys: every mask share opens under the key of the tier holding the block it masks (the boundary share under
/// the next tier's) and under no other tier's key nor under A + the tier minus its evaluator; every linear-share
/// product likewise;</item>
/// <item>masks: every masked activation is uniform and never the activation; A's share and each server's share of every
/// mask r_i are uniform, fresh per query, and the garbler's and the evaluator's (one of which every allowed coalition
/// misses) nowhere zero; A's aggregate is exactly r_i in block i's input packing;</item>
/// <item>A's decryptions of every tier's ct_E, every slot of every ciphertext of a block's run: the mask on every slot
/// (U − slots, U the unmasked packed product F·r) is nowhere zero and uniform, and stays so after a coalition (A + the
/// tier minus V, or minus G) removes its own pads; the non-output slots and E¹ are uniform and fresh;</item>
/// <item>weights: each tier's shares 0..k−2 are uniform on the structural support and the shares sum to F; the user's
/// output holds the logits and a uniform pad elsewhere.</item>
/// </list>
/// Any form: each block's weights, packings and products are taken in the form the parameters chose (the mat-vec, or
/// the channel-packed convolution with <see cref="FormPolicy.Planner"/>), every ciphertext of a block's run is opened
/// and attacked, and "all slots" means every slot of every ciphertext of the run (<see cref="FormSlots"/>).
/// </summary>
public abstract class MultiTierViewAudit
{
    /// <summary>The audited run (one per concrete class, shared by its tests).</summary>
    private protected abstract Hierarchy H { get; }

    internal static Hierarchy RunOf(string model, TierSpec[] tiers, FormPolicy forms = FormPolicy.Matrix)
    {
        var h = new Hierarchy(model, 0, tiers, queries: 2, failQueries: false, forms: forms);
        h.Run();
        Assert.Equal([0, 1], h.Predicted);
        h.AssertPredictionsBitExact();
        return h;
    }

    private SecoParameters P => H.P;

    private IEnumerable<Party> TierServers(int t) => Enumerable.Range(0, P.Tier(t).Servers).Select(j => Party.Server(t, j));

    private SecretKey[] TierKeys(int t, Func<Party, bool>? keep = null) =>
        [H.Gateway.SecretKeyOf(t), .. TierServers(t).Where(s => keep?.Invoke(s) ?? true).Select(s => H.Servers[s].SecretKey)];

    private Ciphertext Load(byte[] b) => BfvSerializer.LoadCiphertextOrSeeded(P.Context, b);

    private ulong[] Open(Ciphertext ct, SecretKey[] shares)
    {
        var decryption = new CollectiveDecryption(P.Context, shares.Length, 1);
        PolyShare aggregate = shares.Select(s => decryption.GenShare(s, ct)).Aggregate(CollectiveDecryption.Aggregate);
        return new BatchEncoder(P.Context).Decode(decryption.Finalize(ct, aggregate));
    }

    /// <summary>A decryption with keys that should not open the ciphertext: null when the decryptor refuses (noise ≥ 1/4), else the garbage.</summary>
    private ulong[]? OpenWrong(Ciphertext ct, SecretKey[] shares)
    {
        try
        {
            return Open(ct, shares);
        }
        catch (NoiseBudgetExhaustedException)
        {
            return null;
        }
    }

    private T Single<T>(Party from, Party to, int query) where T : QueryMessage =>
        (T)H.Loop.Delivered.First(d => d.From == from && d.To == to && d.Message is T m && m.Query == query).Message;

    private QueryTruth Truth(int q) => new(H.Model, P, H.Inputs[q]);

    /// <summary>Block <paramref name="block"/>'s operator in its form: the weights F (matrix or kernel), the bias, the structural support.</summary>
    private BlockOperator Operator(int block) => FormSlots.Operator(H.Model, P, block);

    /// <summary>Block <paramref name="block"/>'s run in a field that carries several blocks' runs in block order.</summary>
    private static byte[][] RunIn(byte[][] flat, IEnumerable<int> blocks, Func<int, int> count, int block) => FormSlots.Runs(flat, blocks, count, "a message field")[block];

    /// <summary>The blocks whose masks a server of tier <paramref name="tier"/> shares: its segment's after the first, and the next tier's input.</summary>
    private IEnumerable<int> MaskShareBlocks(TierShape tier) => Enumerable.Range(tier.FirstBlock + 1, Math.Min(tier.LastBlock + 1, P.BlockCount) - tier.FirstBlock);

    /// <summary>x_i − r_i as the tier holding block i received it.</summary>
    private ulong[] Masked(int q, int block)
    {
        Party to = Party.Server(P.TierOf(block).Tier, 0);
        return ((MaskedActivation)H.Loop.Delivered.First(d => d.To == to && d.Message is MaskedActivation m && m.Query == q && m.Block == block).Message).Values;
    }

    private ulong[] Mask(int q, int block) => ZpVector.Subtract(Truth(q).X[block], Masked(q, block));

    private static void Uniform(List<string> findings, IReadOnlyCollection<ulong> values, string what)
    {
        if (ZpStatistics.Uniform(values, what) is { } f) findings.Add(f);
    }

    private static void NowhereZero(List<string> findings, ReadOnlySpan<ulong> values, string what)
    {
        int zeros = ZpStatistics.Zeros(values);
        if (zeros > 1) findings.Add($"{what}: {zeros} of {values.Length} entries are zero");
    }

    private static int Equal(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        int n = 0;
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
            if (a[i] == b[i]) n++;
        return n;
    }

    [Fact]
    public void Messages_go_only_where_the_hierarchy_sends_them()
    {
        var findings = new List<string>();
        var forbiddenAtProviders = new[] { typeof(GarbledCircuits), typeof(GarblerInput), typeof(ProviderLabels), typeof(ProviderInput), typeof(MaskShares), typeof(DecryptionShares), typeof(OutputCiphertext) };
        foreach ((Party from, Party to, SecoMessage m, _) in H.Loop.Delivered)
        {
            if (from.IsServer && to.IsServer && from.Tier != to.Tier)
            {
                bool boundary = m is MaskedActivation ma && from == Party.Server(to.Tier - 1, 1) && ma.Block == P.Tier(to.Tier).FirstBlock;
                if (!boundary) findings.Add($"{from} → {to}: {m.GetType().Name} crosses tiers");
            }
            if (to.IsServer && to.Duty == ServerDuty.Provider && forbiddenAtProviders.Contains(m.GetType()))
                findings.Add($"{from} → provider {to}: {m.GetType().Name}");
            if (m is UserPublicKey && to.Tier != P.Depth)
                findings.Add($"pk0 reached {to}, not of the last tier");
            if (to.IsGateway && m is MaskedActivation && !from.IsUser)
                findings.Add($"A received a masked activation from {from}");
            if (to.IsGateway && m is OutputCiphertext && from.Tier != P.Depth)
                findings.Add($"A received an output share from {from}");
            if (to.IsUser && m is not (GatewayWelcome or GatewayPreprocessing or GarbledCircuits or OtResponse or QueryReady or GarblerInput or OutputCiphertext or OutputShare or QueryAborted))
                findings.Add($"the user received {m.GetType().Name}");
        }
        // Each tier's CollectiveKeys: its own cpk, the next tier's as NextTierPublicKey, none for the last; the user sees cpk₁.
        var keys = Enumerable.Range(1, P.Depth).ToDictionary(t => t, t => (CollectiveKeys)H.Loop.Delivered.First(d => d.To == Party.Server(t, 0) && d.Message is CollectiveKeys).Message);
        for (int t = 1; t <= P.Depth; t++)
        {
            foreach (Party s in TierServers(t))
            {
                var k = (CollectiveKeys)Assert.Single(H.Loop.Delivered, d => d.To == s && d.Message is CollectiveKeys).Message;
                if (!k.PublicKey.SequenceEqual(keys[t].PublicKey)) findings.Add($"{s} got another cpk than its tier");
                byte[] next = t < P.Depth ? keys[t + 1].PublicKey : [];
                if (!k.NextTierPublicKey.SequenceEqual(next)) findings.Add($"{s}: NextTierPublicKey is not tier {t + 1}'s cpk");
            }
            for (int u = t + 1; u <= P.Depth; u++)
                if (keys[t].PublicKey.SequenceEqual(keys[u].PublicKey)) findings.Add($"tiers {t} and {u} share a cpk");
        }
        var welcome = (GatewayWelcome)Assert.Single(H.Loop.Delivered, d => d.Message is GatewayWelcome).Message;
        if (!welcome.CollectivePublicKey.SequenceEqual(keys[1].PublicKey)) findings.Add("the user's cpk is not tier 1's");
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void Every_mask_share_opens_only_under_the_key_of_the_tier_it_masks()
    {
        var findings = new List<string>();
        var seen = new Dictionary<(int Block, Party Server), ulong[]>();
        for (int q = 0; q < 2; q++)
        {
            for (int i = P.Split + 2; i <= P.BlockCount; i++)
            {
                TierShape source = P.TierOf(i - 1), holder = P.TierOf(i);
                int cols = P.Block(i).Columns;
                HeForm form = P.Form(i);
                ulong[] r = Mask(q, i), sum = new ulong[cols];
                var shares = new Dictionary<Party, ulong[]>();
                foreach (Party s in TierServers(source.Tier))
                {
                    Ciphertext[] run = [.. RunIn(Single<MaskShares>(s, Party.Gateway, q).Ciphertexts, MaskShareBlocks(source), P.InputCiphertexts, i).Select(Load)];
                    ulong[][] slots = [.. run.Select(ct => Open(ct, TierKeys(holder.Tier)))];
                    ulong[] share = form.UnpackInput(slots);
                    if (!form.PackInput(share).Zip(slots).All(p => p.First.AsSpan().SequenceEqual(p.Second)))
                        findings.Add($"q{q} {s}'s share of r_{i}: does not open as a packed input under tier {holder.Tier}'s key");
                    shares[s] = share;
                    sum = ZpVector.Add(sum, share);
                    // Under the sender's own tier's key (a boundary share), and under A + the holding tier minus its evaluator: garbage.
                    var wrong = new List<(string, SecretKey[])> { ($"A + tier {holder.Tier} minus its evaluator", TierKeys(holder.Tier, p => p.Index != 1)) };
                    if (source.Tier != holder.Tier) wrong.Add(($"tier {source.Tier}'s key set (the sender's own)", TierKeys(source.Tier)));
                    foreach ((string who, SecretKey[] keySet) in wrong)
                    {
                        ulong[]?[] bad = [.. run.Select(ct => OpenWrong(ct, keySet))];
                        if (bad.All(b => b is null)) continue; // refused: does not open
                        // What did open, read as the packed input (a refused ciphertext reads as zeros).
                        if (Equal(form.UnpackInput([.. bad.Select(b => b ?? new ulong[form.SlotCount])]), share) > 1) findings.Add($"q{q} {s}'s share of r_{i} opens under {who}");
                        foreach (ulong[] b in bad.OfType<ulong[]>())
                            Uniform(findings, b, $"q{q} {s}'s share of r_{i} under {who}");
                    }
                    Uniform(findings, share, $"q{q} {s}'s share of r_{i}");
                    if (s.Index < 2) NowhereZero(findings, share, $"q{q} {s}'s share of r_{i}");
                }
                // A's share is what remains; A's aggregate (opened) is exactly r_i.
                ulong[] a = ZpVector.Subtract(r, sum);
                Uniform(findings, a, $"q{q} A's share of r_{i}");
                ulong[][] aggregate = [.. RunIn(Single<MaskAggregate>(Party.Gateway, Party.Server(holder.Tier, 0), q).Ciphertexts, holder.Blocks, P.InputCiphertexts, i)
                    .Select(b => Open(Load(b), TierKeys(holder.Tier)))];
                if (!form.UnpackInput(aggregate).SequenceEqual(r) || !form.PackInput(r).Zip(aggregate).All(p => p.First.AsSpan().SequenceEqual(p.Second)))
                    findings.Add($"q{q}: tier {holder.Tier}'s Enc(r_{i}) is not the mask the activation carries, in block {i}'s input packing");
                ulong[] m = Masked(q, i);
                Uniform(findings, m, $"q{q} x_{i} − r_{i}");
                if (Equal(m, Truth(q).X[i]) > 1) findings.Add($"q{q}: x_{i} − r_{i} equals x_{i} in {Equal(m, Truth(q).X[i])} entries");
                foreach ((Party s, ulong[] share) in shares)
                    if (seen.TryGetValue((i, s), out ulong[]? before))
                        Uniform(findings, ZpVector.Subtract(before, share), $"{s}'s share of r_{i}, query 0 − query 1");
                    else
                        seen[(i, s)] = share;
            }
            Uniform(findings, Masked(q, P.Split + 1), $"q{q} the transition x − r");
        }
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void A_decrypts_nothing_but_masked_values_of_any_tier_on_any_slot()
    {
        var findings = new List<string>();
        var he = new HeEvaluator(P.Context);
        var encoder = new BatchEncoder(P.Context);
        var nonOutputs = new Dictionary<(int Block, int Query), ulong[]>();
        var outputs = new Dictionary<int, List<ulong>>();
        for (int q = 0; q < 2; q++)
        {
            foreach (TierShape tier in P.Tiers)
            {
                foreach (int i in tier.Blocks)
                {
                    int rows = P.Block(i).Rows, count = P.OutputCiphertexts(i);
                    int[] outputAt = FormSlots.OutputPositions(P.Form(i));
                    ulong[] r = Mask(q, i);
                    // Every server's product: the block's run of output ciphertexts.
                    var products = TierServers(tier.Tier).ToDictionary(s => s, s => RunIn(Single<LinearShares>(s, Party.Gateway, q).Ciphertexts, tier.Blocks, P.OutputCiphertexts, i).Select(Load).ToArray());
                    // A's own decryption of each ciphertext of the run, with the shares it received and its key of this tier.
                    CollectiveDecryption d = P.Budget.Decryption(i);
                    var decryptionShares = TierServers(tier.Tier).Select(s => RunIn(Single<DecryptionShares>(s, Party.Gateway, q).Shares, tier.Blocks, P.OutputCiphertexts, i)).ToArray();
                    var opened = new List<ulong[]>();
                    for (int k = 0; k < count; k++)
                    {
                        Ciphertext e = products.Values.Select(p => p[k]).Aggregate(he.Add);
                        he.ModSwitchToNextInplace(e);
                        PolyShare agg = decryptionShares.Select(run => PolyShare.Deserialize(P.Context, run[k]))
                            .Aggregate(d.GenShare(H.Gateway.SecretKeyOf(tier.Tier), e), CollectiveDecryption.Aggregate);
                        opened.Add(encoder.Decode(d.Finalize(e, agg)));
                    }
                    ulong[] slots = FormSlots.Concat(opened), e1 = FormSlots.At(slots, outputAt), others = FormSlots.Except(slots, outputAt);
                    string label = $"q{q} A's ct_E of block {i} (tier {tier.Tier})";

                    ulong[] unmasked = FormSlots.Unmasked(P, i, Operator(i).Weights, r);
                    ulong[] mask = ZpVector.Subtract(unmasked, slots);
                    NowhereZero(findings, mask, $"{label}: the mask on all slots");
                    Uniform(findings, mask, $"{label}: the mask on all slots");
                    Uniform(findings, others, $"{label}: the non-output slots");
                    nonOutputs[(i, q)] = others;
                    (outputs.TryGetValue(i, out var o) ? o : outputs[i] = []).AddRange(e1);

                    // Each server's own pad S^j over all slots: P(F^j, r) minus its product opened by the auditor.
                    var own = products.ToDictionary(p => p.Key, p => ZpVector.Subtract(
                        FormSlots.Unmasked(P, i, H.Deployment.Share(p.Key).Weights(i), r), FormSlots.Concat(p.Value.Select(ct => Open(ct, TierKeys(tier.Tier))))));
                    if (!own.Values.Aggregate((x, y) => ZpVector.Add(x, y)).SequenceEqual(mask))
                        findings.Add($"{label}: the servers' pads do not add up to the mask (audit model broken)");
                    foreach (int honest in new[] { 0, 1 })
                    {
                        ulong[] left = ZpVector.Subtract(mask, own.Where(p => p.Key.Index != honest).Select(p => p.Value).Aggregate((x, y) => ZpVector.Add(x, y)));
                        string coalition = $"A + tier {tier.Tier} minus its {(honest == 0 ? "garbler" : "evaluator")}";
                        NowhereZero(findings, left, $"{label}: what {coalition} cannot remove");
                        Uniform(findings, left, $"{label}: what {coalition} cannot remove");
                        // A product opened by that coalition alone: garbage, every ciphertext of it.
                        foreach (Ciphertext ct in products[Party.Server(tier.Tier, 1 - honest)])
                            if (OpenWrong(ct, TierKeys(tier.Tier, p => p.Index != honest)) is { } bad)
                                Uniform(findings, bad, $"{label}: a product opened by {coalition}");
                    }
                    // Nothing A decrypted is an activation or a pre-activation.
                    QueryTruth truth = Truth(q);
                    foreach ((string name, ulong[] secret) in truth.X.Select(x => ($"x_{x.Key}", x.Value)).Concat(truth.Z.Select(z => ($"z_{z.Key}", z.Value))))
                        if (Equal(e1[..Math.Min(rows, secret.Length)], secret) > 1)
                            findings.Add($"{label}: E¹ equals {name} in {Equal(e1[..Math.Min(rows, secret.Length)], secret)} entries");
                }
            }
        }
        foreach ((int i, List<ulong> o) in outputs)
            Uniform(findings, o, $"E¹ of block {i} over both queries");
        foreach (int i in outputs.Keys)
            Uniform(findings, ZpVector.Subtract(nonOutputs[(i, 0)], nonOutputs[(i, 1)]), $"block {i}: A's non-output slots, query 0 − query 1");
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    /// <summary>
    /// The issue-15 recomputation attack on every tier: A built ct(r), holds the tier's rotation keys and dealt F^j, so it
    /// recomputes F^j·ct(r) and subtracts server j's product. Without fresh randomness the difference would open under any
    /// key; with it, it must open neither under A's key of the tier nor under A + every other server of the tier (the
    /// largest coalition without server j, allowed when j is the tier's garbler or evaluator).
    /// </summary>
    [Fact]
    public void No_server_product_of_any_tier_can_be_recomputed_and_opened_by_A_or_a_coalition()
    {
        var findings = new List<string>();
        var he = new HeEvaluator(P.Context);
        const int q = 0;
        foreach (TierShape tier in P.Tiers)
        {
            var rotations = BfvSerializer.LoadGaloisKeys(P.Context, ((CollectiveKeys)H.Loop.Delivered.First(d => d.To == Party.Server(tier.Tier, 0) && d.Message is CollectiveKeys).Message).GaloisKeys);
            MaskAggregate aggregate = Single<MaskAggregate>(Party.Gateway, Party.Server(tier.Tier, 0), q);
            foreach (int i in tier.Blocks)
            {
                Ciphertext[] input = [.. RunIn(aggregate.Ciphertexts, tier.Blocks, P.InputCiphertexts, i).Select(Load)];
                foreach (Party s in TierServers(tier.Tier))
                {
                    // The server's product as A can make it: the dealt share in the block's form times A's Enc(r), every ciphertext of the run.
                    Ciphertext[] recomputed = P.Form(i).Encode(P.Context, H.Deployment.Share(s).Weights(i)).Multiply(he, input, rotations);
                    Ciphertext[] product = [.. RunIn(Single<LinearShares>(s, Party.Gateway, q).Ciphertexts, tier.Blocks, P.OutputCiphertexts, i).Select(Load)];
                    ulong[][] expected = FormSlots.Chunks(ZpVector.Subtract(FormSlots.Unmasked(P, i, H.Deployment.Share(s).Weights(i), Mask(q, i)),
                        FormSlots.Concat(product.Select(ct => Open(ct, TierKeys(tier.Tier))))), P.Context.N);
                    for (int k = 0; k < product.Length; k++)
                    {
                        string which = product.Length == 1 ? "" : $" (ciphertext {k + 1} of {product.Length})";
                        Ciphertext difference = he.Sub(recomputed[k], product[k]);
                        ulong[] pad = Open(difference, TierKeys(tier.Tier)); // the auditor: S^j on every slot
                        if (!pad.SequenceEqual(expected[k]))
                            findings.Add($"q{q} {s}'s product of block {i}{which}: the recomputation is not F^j·ct(r) (audit control)");
                        var attempts = new List<(string, Func<ulong[]?>)>
                        {
                            ($"A's key of tier {tier.Tier}", () => OpenSingle(difference, H.Gateway.SecretKeyOf(tier.Tier))),
                            ($"A + tier {tier.Tier} minus {s}", () => OpenWrong(difference, TierKeys(tier.Tier, p => p != s))),
                        };
                        foreach ((string who, Func<ulong[]?> open) in attempts)
                            if (open() is { } got && Equal(got, pad) > 1)
                                findings.Add($"q{q} {s}'s product of block {i}{which}: recomputed and subtracted, it opens under {who} ({Equal(got, pad)} slots of its pad)");
                    }
                }
            }
        }
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    private ulong[]? OpenSingle(Ciphertext ct, SecretKey key)
    {
        try
        {
            return new BatchEncoder(P.Context).Decode(new Decryptor(P.Context, key).Decrypt(ct));
        }
        catch (NoiseBudgetExhaustedException)
        {
            return null;
        }
    }

    [Fact]
    public void Weight_shares_are_uniform_on_the_support_and_add_up_to_F()
    {
        var findings = new List<string>();
        foreach (TierShape tier in P.Tiers)
        {
            foreach (int i in tier.Blocks)
            {
                BlockOperator op = Operator(i);
                bool[] support = op.Main.StructuralSupport;
                ulong[] f = op.Weights;
                var shares = TierServers(tier.Tier).Select(s => H.Deployment.Share(s)).ToArray();
                if (!shares.Select(s => s.Weights(i)).Aggregate((x, y) => ZpVector.Add(x, y)).SequenceEqual(f))
                    findings.Add($"block {i}: the weight shares do not add up to F");
                ulong[] bias = op.Bias;
                if (!shares.Select(s => s.Bias(i)).Aggregate((x, y) => ZpVector.Add(x, y)).SequenceEqual(bias))
                    findings.Add($"block {i}: the bias shares do not add up to b");
                for (int j = 0; j < shares.Length; j++)
                {
                    ulong[] w = shares[j].Weights(i);
                    ulong[] onSupport = [.. w.Where((_, e) => support[e])];
                    Uniform(findings, onSupport, $"tier {tier.Tier} server {j}'s share of F_{i} on the support");
                    NowhereZero(findings, onSupport, $"tier {tier.Tier} server {j}'s share of F_{i} on the support");
                    if (w.Where((_, e) => !support[e]).Any(v => v != 0))
                        findings.Add($"tier {tier.Tier} server {j}'s share of F_{i} is nonzero off the support");
                    Uniform(findings, shares[j].Bias(i), $"tier {tier.Tier} server {j}'s share of b_{i}");
                }
            }
        }
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }

    [Fact]
    public void The_user_decrypts_the_logits_and_a_uniform_pad()
    {
        var findings = new List<string>();
        var decryptor = new Decryptor(P.Context, H.User.SecretKey);
        var encoder = new BatchEncoder(P.Context);
        for (int q = 0; q < 2; q++)
        {
            var output = (OutputCiphertext)H.Loop.Delivered.Single(d => d.To.IsUser && d.Message is OutputCiphertext m && m.Query == q).Message;
            ulong[] slots = encoder.Decode(decryptor.Decrypt(Load(output.Ciphertext)));
            int m = P.Block(P.BlockCount).Rows;
            if (!slots[..m].SequenceEqual(Truth(q).Logits)) findings.Add($"q{q}: the outputs are not the logits");
            Uniform(findings, slots[m..], $"q{q}: the user's non-output slots");
            NowhereZero(findings, slots[m..], $"q{q}: the user's non-output slots");
        }
        Assert.True(findings.Count == 0, string.Join("\n", findings));
    }
}

/// <summary>
/// One audited multi-tier run, made on first use and shared by one test class, then dropped with the class's fixture
/// (a run of MiniONN or LeNet holds gigabytes of keys and transcript; a static would keep every one to the end).
/// </summary>
public abstract class MultiTierRun
{
    private readonly Lazy<Hierarchy> _run;

    private protected MultiTierRun(string model, TierSpec[] tiers, FormPolicy forms = FormPolicy.Matrix) =>
        _run = new(() => MultiTierViewAudit.RunOf(model, tiers, forms));

    internal Hierarchy H => _run.Value;
}

/// <summary>The audit on the 3-block MLP at l = 0: three tiers of widths 3, 4, 3, one block each (two boundaries).</summary>
[Trait("Category", "SecurityReview18")]
public class MlpMultiTierViewAuditTests(MlpMultiTierViewAuditTests.Run run) : MultiTierViewAudit, IClassFixture<MlpMultiTierViewAuditTests.Run>
{
    public sealed class Run() : MultiTierRun("mlp.onnx", [new TierSpec(3, 1), new TierSpec(4, 1), new TierSpec(3, 1)]);

    private protected override Hierarchy H => run.H;
}

/// <summary>
/// The audit on MiniONN at l = 0: tier 1 = three servers with the two conv blocks (2,304 and 3,200-wide products whose
/// folds wrap the batching row), tier 2 = four servers with the two dense blocks.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class MiniOnnMultiTierViewAuditTests(MiniOnnMultiTierViewAuditTests.Run run) : MultiTierViewAudit, IClassFixture<MiniOnnMultiTierViewAuditTests.Run>
{
    public sealed class Run() : MultiTierRun("minionn.onnx", [new TierSpec(3, 2), new TierSpec(4, 2)]);

    private protected override Hierarchy H => run.H;
}

/// <summary>
/// The audit on LeNet at l = 0 with the planner's forms: tier 1 = three servers with block 1, the channel-packed
/// convolution (the user's channel planes in, E¹ over three output ciphertexts), tier 2 = two servers with the three
/// mat-vec blocks — the boundary mask of block 2 shared by tier 1's three servers under tier 2's key.
/// </summary>
[Trait("Category", "SecurityReview18")]
public class LeNetPlannerMultiTierViewAuditTests(LeNetPlannerMultiTierViewAuditTests.Run run) : MultiTierViewAudit, IClassFixture<LeNetPlannerMultiTierViewAuditTests.Run>
{
    public sealed class Run() : MultiTierRun("lenet.onnx", [new TierSpec(3, 1), new TierSpec(2, 3)], FormPolicy.Planner);

    private protected override Hierarchy H => run.H;

    [Fact]
    public void Block_1_is_the_three_ciphertext_convolution_of_tier_1() =>
        Assert.Equal((3, 1), (Assert.IsType<ConvolutionForm>(H.P.Form(1)).OutputCiphertexts, H.P.TierOf(1).Tier));
}
