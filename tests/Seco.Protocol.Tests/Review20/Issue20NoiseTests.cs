using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Serialization;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review20;

/// <summary>
/// The smudging (what A and the servers decrypt) and the flooding (what the user decrypts) are sized from a public
/// noise bound per block (NoiseBudget). If a product's real noise exceeded its bound — a convolution over several
/// ciphertexts, or a main product and a shortcut product summed into the same slots — the decryptor would see noise
/// that depends on the weights. Measured here on a real run with the real keys: every ciphertext of every run.
/// </summary>
public class Issue20NoiseTests
{
    public static TheoryData<string, int, FormPolicy> Runs => new()
    {
        { "lenet.onnx", 0, FormPolicy.Planner },
        { "lenet.onnx", 1, FormPolicy.Planner },
        { "residual", 0, FormPolicy.Planner },
        { "residual", 2, FormPolicy.Matrix },  // a shortcut across the split from the user's rotated halves
        { "residual", 4, FormPolicy.Planner }, // … from the user's subsampled planes
        { "residual", 7, FormPolicy.Planner }, // F_A's shortcut sums towards the user
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public void Every_decrypted_ciphertext_is_within_its_blocks_public_noise_bound(string model, int split, FormPolicy forms)
    {
        Review20Run run;
        if (model == "residual")
            run = new Review20Run(Review20Run.Residual.Value, split, forms, Review20Run.ResidualInputs(1));
        else
        {
            FixedPointModel m = EndToEndTests.Model(model);
            run = new Review20Run(m, split, forms, EndToEndTests.Inputs(m, 1));
        }
        SecoParameters p = run.P;
        var evaluator = new Evaluator(p.Context);
        var findings = new List<string>();
        var measured = new List<string>();

        // Towards the user: A's F_i·Enc(r_i) + S_i·Enc(g(r_j)), mod-switched, before the flooding (what the bound covers).
        if (run.Split > 0)
        {
            UserJoin join = Assert.Single(run.Received<UserJoin>(Party.Gateway));
            GaloisKeys keys = BfvSerializer.LoadGaloisKeys(p.Context, join.GaloisKeys);
            UserPreprocessing u = Assert.Single(run.Received<UserPreprocessing>(Party.Gateway));
            Dictionary<int, byte[][]> masks = CiphertextRuns.Split(u.MaskCiphertexts, Enumerable.Range(1, run.Split), i => p.InputCiphertexts(i) + p.ShortcutCiphertexts(i), "masks");
            var user = new Decryptor(p.Context, run.User.SecretKey);
            for (int i = 1; i <= run.Split; i++)
            {
                Ciphertext[] ct = [.. masks[i].Select(run.Load)];
                int inputs = p.InputCiphertexts(i);
                Ciphertext[] product = Shortcuts.Sum(evaluator, p.Form(i).Encode(p.Context, run.Deployment.Gateway.Weights(i)).Multiply(evaluator, ct[..inputs], keys),
                    p.ShortcutForm(i) is { } sc ? sc.Encode(p.Context, run.Deployment.Gateway.ShortcutWeights(i)).Multiply(evaluator, ct[inputs..], keys) : null);
                foreach ((Ciphertext c, int k) in product.Select((c, k) => (c, k)))
                {
                    evaluator.ModSwitchToNextInplace(c);
                    int bits = LinOpNoise.MeasuredNoiseBits(p.Context, user, c);
                    measured.Add($"user block {i}.{k}: {bits} ≤ {p.Budget.FloodingBoundBits(i)}");
                    if (bits > p.Budget.FloodingBoundBits(i))
                        findings.Add($"F_A block {i} ciphertext {k + 1}: noise 2^{bits} above the flooding's bound 2^{p.Budget.FloodingBoundBits(i)}");
                }
            }
        }

        // Towards A and the tier: ct_E = ModSwitch(Σ_j products^j), under the tier's whole key.
        foreach (TierShape tier in p.Tiers)
        {
            var collective = new Decryptor(p.Context, CollectiveSecret.Of(run, tier.Tier));
            var products = run.ServersOf(tier.Tier).Select(s => CiphertextRuns.Split(Assert.Single(run.Received<LinearShares>(Party.Gateway, s)).Ciphertexts,
                tier.Blocks, p.OutputCiphertexts, "products")).ToList();
            foreach (int i in tier.Blocks)
            {
                for (int k = 0; k < p.OutputCiphertexts(i); k++)
                {
                    Ciphertext e = run.Load(products[0][i][k]);
                    foreach (var other in products.Skip(1)) evaluator.AddInplace(e, run.Load(other[i][k]));
                    evaluator.ModSwitchToNextInplace(e);
                    int bits = LinOpNoise.MeasuredNoiseBits(p.Context, collective, e);
                    measured.Add($"tier {tier.Tier} block {i}.{k}: {bits} ≤ {p.Budget.DecryptionBoundBits(i)}");
                    if (bits > p.Budget.DecryptionBoundBits(i))
                        findings.Add($"F_BC block {i} ciphertext {k + 1}: noise 2^{bits} above the smudging's bound 2^{p.Budget.DecryptionBoundBits(i)}");
                }
            }
        }
        Assert.True(findings.Count == 0, string.Join("; ", findings) + " | " + string.Join(", ", measured));
        Assert.NotEmpty(measured);
        // the measurement is real: a product's noise is well above 0 after the mod-switch (a wrong key would give no budget at all, far above the bound)
        Assert.All(measured, e => Assert.True(int.Parse(e.Split(": ")[1].Split(' ')[0]) >= 8, e));
    }
}
