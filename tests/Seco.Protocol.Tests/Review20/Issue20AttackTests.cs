using Seco.Lattice.Bfv;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review20;

/// <summary>
/// Adversarial review of issue 20 (forms, multi-ciphertext runs, transition packings, residual shortcuts through the
/// protocol) with the parties' real keys: each test plays a party (or the omniscient auditor that checks what a party
/// could learn) against a real run and fails if the property it attacks is broken.
/// </summary>
public class Issue20AttackTests
{
    private static Review20Run Run(string model, int split, FormPolicy forms, string tiers = "", int queries = 1)
    {
        if (model == "residual")
            return new Review20Run(Review20Run.Residual.Value, split, forms, Review20Run.ResidualInputs(queries), tiers);
        FixedPointModel m = EndToEndTests.Model(model);
        return new Review20Run(m, Math.Min(split, m.Blocks.Count), forms, EndToEndTests.Inputs(m, queries), tiers);
    }

    // ---- the user's view: every slot of every F_A product ciphertext it decrypts ----

    public static TheoryData<string, int, FormPolicy> UserViews => new()
    {
        { "lenet.onnx", 1, FormPolicy.Planner },   // a convolution over three output ciphertexts
        { "residual", 7, FormPolicy.Planner },     // conv shortcuts (identity, option A, option B) summed into F_A products
        { "residual", 5, FormPolicy.Matrix },      // matrix shortcuts summed into F_A products
    };

    [Theory]
    [MemberData(nameof(UserViews))]
    public void User_decrypts_nothing_but_padded_slots_beside_the_outputs_in_every_ciphertext_of_every_F_A_run(string model, int split, FormPolicy forms)
    {
        Review20Run run = Run(model, split, forms);
        GatewayPreprocessing m = Assert.Single(run.Received<GatewayPreprocessing>(Party.User));
        Dictionary<int, byte[][]> runs = CiphertextRuns.Split(m.ShareCiphertexts, Enumerable.Range(1, run.Split), run.P.OutputCiphertexts, "shares");
        var findings = new List<string>();
        for (int i = 1; i <= run.Split; i++)
        {
            for (int k = 0; k < runs[i].Length; k++)
            {
                ulong[] slots = run.OpenUser(run.Load(runs[i][k]));
                if (Review20Run.Padded(Review20Run.NonOutputSlots(run.P.Form(i), k, slots), $"block {i} ciphertext {k + 1} of {runs[i].Length}") is { } finding)
                    findings.Add(finding);
            }
        }
        Assert.Empty(findings);
    }

    // ---- A (alone or with one server) against the servers' products ----

    public static TheoryData<string, int, FormPolicy, string> ServerProducts => new()
    {
        { "lenet.onnx", 0, FormPolicy.Planner, "" },  // block 1 remote, three output ciphertexts
        { "residual", 0, FormPolicy.Planner, "" },    // every shortcut sum remote, conv forms
        { "residual", 0, FormPolicy.Matrix, "2:4,3:4" }, // a shortcut whose mask tier 1 shares under tier 2's key
        { "residual", 4, FormPolicy.Planner, "" },    // a subsampled shortcut across the split
    };

    /// <summary>
    /// A dealt F^j and S^j, built ct(r) and ct(g(r_j)) and holds the rotation keys: it recomputes F^j·ct(r) + S^j·ct(g)
    /// exactly. A bare difference to the server's ciphertext would be (Δ·mask, 0), which any key opens — every
    /// ciphertext of every run must be re-randomised. And the tier's collective opening of each ciphertext (what A
    /// sees of a server's part when its peers' pads are known to the coalition) must be padded beside the outputs.
    /// </summary>
    [Theory]
    [MemberData(nameof(ServerProducts))]
    public void Every_ciphertext_of_a_servers_product_run_is_padded_and_rerandomised(string model, int split, FormPolicy forms, string tiers)
    {
        Review20Run run = Run(model, split, forms, tiers);
        var evaluator = new Evaluator(run.P.Context);
        var findings = new List<string>();
        int checkedCiphertexts = 0;
        foreach (TierShape tier in run.P.Tiers)
        {
            foreach (Party server in run.ServersOf(tier.Tier))
            {
                GaloisKeys rotations = BfvSerializer.LoadGaloisKeys(run.P.Context, run.Received<CollectiveKeys>(server).First().GaloisKeys);
                MaskAggregate aggregate = Assert.Single(run.Received<MaskAggregate>(server));
                Dictionary<int, byte[][]> masks = CiphertextRuns.Split(aggregate.Ciphertexts, tier.Blocks.Concat(run.P.ShortcutsOf(tier.Tier).Select(i => -i)),
                    k => k > 0 ? run.P.InputCiphertexts(k) : run.P.ShortcutCiphertexts(-k), "aggregate");
                LinearShares shares = Assert.Single(run.Received<LinearShares>(Party.Gateway, server));
                Dictionary<int, byte[][]> products = CiphertextRuns.Split(shares.Ciphertexts, tier.Blocks, run.P.OutputCiphertexts, "products");
                RemoteShare share = run.Deployment.Share(server);
                foreach (int i in tier.Blocks)
                {
                    Ciphertext[] recomputed = Shortcuts.Sum(evaluator,
                        run.P.Form(i).Encode(run.P.Context, share.Weights(i)).Multiply(evaluator, [.. masks[i].Select(run.Load)], rotations),
                        run.P.ShortcutForm(i) is { } sc ? sc.Encode(run.P.Context, share.ShortcutWeights(i)).Multiply(evaluator, [.. masks[-i].Select(run.Load)], rotations) : null);
                    Assert.Equal(products[i].Length, recomputed.Length);
                    for (int k = 0; k < recomputed.Length; k++)
                    {
                        Ciphertext product = run.Load(products[i][k]);
                        // the detector works: a product that only had a plaintext subtracted opens under any key
                        Ciphertext bare = recomputed[k].Clone();
                        evaluator.SubPlainInplace(bare, new BatchEncoder(run.P.Context).Encode(ZpRandom.Uniform(run.N)));
                        Assert.True(Review20Run.OpensUnderAnyKey(run.P.Context, evaluator.Sub(recomputed[k], bare)));
                        if (Review20Run.OpensUnderAnyKey(run.P.Context, evaluator.Sub(recomputed[k], product)))
                            findings.Add($"{server}, block {i}, ciphertext {k + 1}: not re-randomised (A opens recomputation − product)");
                        ulong[] opened = run.OpenCollective(product, tier.Tier);
                        if (Review20Run.Padded(Review20Run.NonOutputSlots(run.P.Form(i), k, opened), $"{server}, block {i}, ciphertext {k + 1}") is { } finding)
                            findings.Add(finding);
                        checkedCiphertexts++;
                    }
                }
            }
        }
        Assert.Empty(findings);
        Assert.True(checkedCiphertexts >= 2);
    }

    // ---- the user's transition packings: one r in every packing, and A's re-packing is exact ----

    public static TheoryData<int, FormPolicy> TransitionSplits => new()
    {
        { 0, FormPolicy.Planner },
        { 1, FormPolicy.Matrix },   // block 3 reads x_2 = x_{l+1}: halves rotated by the shortcut's h
        { 1, FormPolicy.Planner },
        { 2, FormPolicy.Matrix },   // block 3 reads x_l
        { 3, FormPolicy.Planner },  // subsampled planes of r_{l+1}
        { 4, FormPolicy.Planner },  // subsampled planes of r_l
        { 6, FormPolicy.Planner },  // option B across the split
    };

    [Theory]
    [MemberData(nameof(TransitionSplits))]
    public void Every_transition_packing_holds_the_users_one_mask_and_As_repacking_is_exactly_the_forms_input(int split, FormPolicy forms)
    {
        Review20Run run = Run("residual", split, forms);
        SecoParameters p = run.P;
        int l = run.Split;
        UserPreprocessing m = Assert.Single(run.Received<UserPreprocessing>(Party.Gateway));
        TierShape tier = p.Tier(1);
        MaskAggregate aggregate = Assert.Single(run.Received<MaskAggregate>(Party.Server(1, 0)));
        Dictionary<int, byte[][]> runs = CiphertextRuns.Split(aggregate.Ciphertexts, tier.Blocks.Concat(p.ShortcutsOf(1).Select(i => -i)),
            k => k > 0 ? p.InputCiphertexts(k) : p.ShortcutCiphertexts(-k), "aggregate");
        ulong[][] input = [.. runs[l + 1].Select(b => run.OpenCollective(run.Load(b), 1))];
        ulong[] rNext = p.Form(l + 1).UnpackInput(input);
        Assert.Equal(p.Form(l + 1).PackInput(rNext), input); // every slot, not only the inputs: nothing else rides along
        ulong[]? rLast = l >= 1 ? run.UserMask(0, l) : null;

        UserView view = p.ForUser();
        Assert.True(view.Residual);
        ulong[][] expected = [.. TransitionPacking.Pack(rNext, p.Block(l + 1).Input, run.N, subsampled: true),
            .. rLast is null ? [] : TransitionPacking.Pack(rLast, p.Block(l).Input, run.N, subsampled: true)];
        Assert.Equal(expected.Length, m.TransitionMask.Length);
        for (int k = 0; k < expected.Length; k++)
            Assert.True(expected[k].SequenceEqual(run.OpenCollective(run.Load(m.TransitionMask[k]), 1)), $"transition ciphertext {k + 1} of {expected.Length} holds another mask");

        // Each shortcut across the split reads g(r_j) of the same mask, exactly in its form's packing.
        int crossing = 0;
        foreach (int i in p.ShortcutsOf(1).Where(p.ShortcutCrossesSplit))
        {
            BlockShape b = p.Block(i);
            ulong[] rj = b.ShortcutSource == l + 1 ? rNext : rLast!;
            ulong[][] packed = p.ShortcutForm(i)!.PackInput(Shortcuts.Input(b, p.Block(b.ShortcutSource), rj));
            Assert.Equal(packed, runs[-i].Select(c => run.OpenCollective(run.Load(c), 1)).ToArray());
            crossing++;
        }
        Assert.Equal(split is 1 or 2 or 3 or 4 or 6 ? 1 : 0, crossing);
    }

    // ---- the forwarded x_j − r_j: who gets them, and under which mask ----

    public static TheoryData<int, FormPolicy, string> Forwarding => new()
    {
        { 2, FormPolicy.Matrix, "" },        // A hands x_l − r_l to tier 1
        { 4, FormPolicy.Planner, "" },
        { 6, FormPolicy.Planner, "" },
        { 0, FormPolicy.Matrix, "2:4,3:4" }, // tier 1's evaluator hands x_4 − r_4 to tier 2
        { 0, FormPolicy.Matrix, "2:5,2:3" },
    };

    [Theory]
    [MemberData(nameof(Forwarding))]
    public void Masked_activations_reach_only_their_readers_and_carry_exactly_the_mask_the_shortcut_was_prepared_with(int split, FormPolicy forms, string tiers)
    {
        Review20Run run = Run("residual", split, forms, tiers);
        SecoParameters p = run.P;
        int l = run.Split;
        // r_j as the protocol prepared it: the user's for j ≤ l, the aggregate of the tier holding j otherwise.
        ulong[] Mask(int j)
        {
            if (j <= l) return run.UserMask(0, j);
            TierShape tier = p.TierOf(j);
            MaskAggregate a = run.Received<MaskAggregate>(Party.Server(tier.Tier, 0)).Single();
            Dictionary<int, byte[][]> runs = CiphertextRuns.Split(a.Ciphertexts, tier.Blocks.Concat(p.ShortcutsOf(tier.Tier).Select(i => -i)),
                k => k > 0 ? p.InputCiphertexts(k) : p.ShortcutCiphertexts(-k), "aggregate");
            return p.Form(j).UnpackInput([.. runs[j].Select(c => run.OpenCollective(run.Load(c), tier.Tier))]);
        }

        var findings = new List<string>();
        foreach ((Party from, Party to, SecoMessage message, _) in run.Loop.Delivered)
        {
            if (message is not MaskedActivation m) continue;
            bool allowed = to.IsGateway ? from.IsUser && m.Block == 1
                : to.IsServer && (p.Tier(to.Tier).Contains(m.Block) || p.Tier(to.Tier).Blocks.Any(i => p.Block(i).ShortcutSource == m.Block));
            if (!allowed)
                findings.Add($"{from} → {to}: x_{m.Block} − r_{m.Block}");
            if (m.Block > 1 && !m.Values.SequenceEqual(ZpVector.Subtract(run.X[0][m.Block], Mask(m.Block))))
                findings.Add($"{from} → {to}: block {m.Block}'s masked activation is not x − r under the prepared mask");
        }
        Assert.Empty(findings);
        // x_j − r_j left block j's own tier (or A) exactly when a remote shortcut reads it from before its own tier.
        bool forwarded = p.Blocks.Any(b => b.ShortcutSource != 0 && b.Index > l && !p.TierOf(b.Index).Contains(b.ShortcutSource));
        Assert.Equal(forwarded, run.Loop.Delivered.Any(d => d.Message is MaskedActivation m && d.To.IsServer && !p.Tier(d.To.Tier).Contains(m.Block)));
    }

    // ---- smudging and flooding count every decrypted ciphertext of every run ----

    public static TheoryData<string, int, FormPolicy, string> Counts => new()
    {
        { "lenet.onnx", 0, FormPolicy.Planner, "" },
        { "lenet.onnx", 1, FormPolicy.Planner, "" },
        { "residual", 3, FormPolicy.Planner, "" },
        { "residual", 0, FormPolicy.Planner, "2:4,3:4" },
    };

    [Theory]
    [MemberData(nameof(Counts))]
    public void The_noise_budget_counts_every_ciphertext_each_key_opens_per_query(string model, int split, FormPolicy forms, string tiers)
    {
        Review20Run run = Run(model, split, forms, tiers, queries: 2);
        SecoParameters p = run.P;
        int l = run.Split;
        // The user: every ciphertext of A's preprocessing (flooded F_A products) per query.
        int user = run.Received<GatewayPreprocessing>(Party.User).Select(g => g.ShareCiphertexts.Length).Distinct().Single();
        if (l > 0)
            Assert.Equal(Math.Log2((double)run.N * user * p.Budget.ModelLifetimeQueries), p.Budget.UserCoefficientsLog2, 9);
        // Each tier's key: every decryption share a server sends per query, and A's (one per ciphertext of ct_E).
        foreach (TierShape tier in p.Tiers)
        {
            int opened = run.ServersOf(tier.Tier).SelectMany(s => run.Received<DecryptionShares>(Party.Gateway, s)).Select(d => d.Shares.Length).Distinct().Single();
            Assert.True(opened >= tier.BlockCount);
            if (tier.Tier == 1)
                Assert.Equal(Math.Log2((double)run.N * opened * p.Budget.Queries), p.Budget.ServerCoefficientsLog2, 9);
            // The smudging of each block of the tier is sized for all of the tier's ciphertexts, not one per block.
            foreach (int i in tier.Blocks)
            {
                var sized = new Lattice.Multiparty.CollectiveDecryption(p.Context, tier.Servers + 1, p.Budget.DecryptionBoundBits(i), NoiseBudget.StatisticalSecurity,
                    Math.Log2((double)run.N * opened * p.Budget.Queries));
                Assert.Equal(sized.SmudgingBits, p.Budget.Decryption(i).SmudgingBits);
            }
        }
    }

    // ---- party files: hostile conv shapes are refused as party-file errors ----

    public static TheoryData<string> HostileConvs => new() { "stride0", "huge" };

    private static Lattice.Linear.ConvShape Hostile(string kind, BlockShape b) => kind switch
    {
        "stride0" => new Lattice.Linear.ConvShape(b.Columns, 1, 1, b.Rows, 1, 1, StrideH: 0, StrideW: 0),
        _ => new Lattice.Linear.ConvShape(1 << 24, 1 << 24, 1 << 24, b.Rows, 1, 1),
    };

    /// <summary>Finding 1: a conv shape with stride 0 or sides whose product overflows escaped the reader as DivideByZero/OverflowException.</summary>
    [Theory]
    [MemberData(nameof(HostileConvs))]
    public void A_servers_file_with_a_hostile_conv_shape_is_a_party_file_error(string kind)
    {
        ModelSplit split = Deployment.PartyFileRoundTripTests.Split("mlp.onnx", 1);
        Model.Deployment.EncodedDeployment files = Model.Deployment.PartyFiles.Encode(split, Deployment.PartyFileRoundTripTests.Source("mlp.onnx"),
            (Func<Model.Deployment.PartyFileFormat.SharedFields, BlockShape[], (Model.Deployment.PartyFileFormat.SharedFields, BlockShape[])>)((s, remote) =>
                (s, [remote[0] with { Conv = Hostile(kind, remote[0]) }, .. remote[1..]])));
        var e = Assert.Throws<Model.Deployment.PartyFileException>(() =>
            Model.Deployment.PartyFile.Decode(files.Files[Party.Garbler], "x.party", Party.Garbler, EndToEndTests.Context.Value));
        Assert.Contains("block 2", e.Problem);
    }

    [Theory]
    [MemberData(nameof(HostileConvs))]
    public void The_users_file_with_a_hostile_conv_shape_in_F_A_is_a_party_file_error(string kind)
    {
        ModelSplit split = Deployment.PartyFileRoundTripTests.Split("mlp.onnx", 1);
        Model.Deployment.EncodedDeployment files = Model.Deployment.PartyFiles.Encode(split, Deployment.PartyFileRoundTripTests.Source("mlp.onnx"),
            (Func<Model.Deployment.PartyFileFormat.SharedFields, BlockShape[], (Model.Deployment.PartyFileFormat.SharedFields, BlockShape[])>)((s, remote) =>
                (s with { GatewayBlocks = [s.GatewayBlocks[0] with { Conv = Hostile(kind, s.GatewayBlocks[0]) }] }, remote)));
        var e = Assert.Throws<Model.Deployment.PartyFileException>(() =>
            Model.Deployment.PartyFile.Decode(files.Files[Party.User], "x.party", Party.User, EndToEndTests.Context.Value));
        Assert.Contains("block 1", e.Problem);
    }
}
