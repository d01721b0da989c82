using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Tests.Linear;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>
/// Issue 20: the public noise model of the channel-packed convolution (<see cref="LinOpNoise.ProductVariance(BfvContext, ConvLayout, LinOpInput, int)"/>)
/// against the exact noise of real products, as <see cref="SecoNoisePathTests"/> does for the mat-vec: on the F_BC path
/// (three mask shares under a three-party collective key and collective rotation keys, two weight shares) and the user
/// path (one encryption under the user's key, one weight array), after the mod-switch. Measured σ ≤ model + 1.5 bits,
/// measured ‖v‖∞ at least <see cref="MarginBits"/> below the one-ciphertext bound, and the product decrypts exactly.
/// </summary>
public class ConvNoisePathTests(ITestOutputHelper output)
{
    /// <summary>
    /// Bits the measured ‖v‖∞ of one ciphertext must stay below the bound. The bound is σ times the tail factor for
    /// 2^(13 + 40) coefficients (2^3.1) and 0.5 bits of slack, rounded up; the largest of one ciphertext's 2^13 Gaussian
    /// coefficients sits near σ·2^2.1, so about 1.5 bits below it when the model's σ is exact — and the convolution has
    /// no coherently added copies to inflate the bound, as the mat-vec's row swap and folds do (SecoNoisePathTests
    /// checks 1.5 there). Measured (2026-12-07): σ within +0.3 bits of the model, margins 1.35–2.4 bits.
    /// </summary>
    private const double MarginBits = 1.0;

    private static readonly BfvContext Context = BfvContext.Create(BfvPresets.Seco8192());

    private static ConvShape Same(int c, int hw, int outC, int stride = 1) => new(c, hw, hw, outC, 3, 3, stride, stride, 1, 1, 1, 1);

    public static TheoryData<string, ConvShape> Shapes => new()
    {
        { "MiniONN block 1 (replicated input)", new ConvShape(1, 28, 28, 16, 6, 6, 2, 2) },
        { "ResNet-32 stage 1 (two ciphertexts, row swaps)", Same(16, 32, 16) },
        { "ResNet-32 stage 2 entry (stride 2)", Same(16, 32, 32, 2) },
        { "ResNet-32 stage 3 (63 channel rotations)", Same(64, 8, 64) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_convolution_stays_within_its_public_bound_on_both_paths(string name, ConvShape shape)
    {
        var layout = new ConvLayout(shape, Context.N);
        ulong p = Context.PlainModulus.Value;
        var random = new Random(shape.WeightCount);
        ulong[] Uniform(int count) => [.. Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64((long)p))];
        ulong[] w = Uniform(shape.WeightCount), w2 = Uniform(w.Length), w3 = [.. w.Zip(w2, (a, b) => (a + p - b) % p)];
        ulong[] r = Uniform(shape.InputSize);
        uint[] elements = layout.GaloisElements();

        (KeyGenerator[] servers, SecretKey collective) = Committee.Create(Context, 3);
        (PublicKey cpk, GaloisKeys collectiveRotations) = Committee.CollectiveKeys(Context, servers, elements);
        using var user = new KeyGenerator(Context);
        using var toServers = new Encryptor(Context, cpk);
        using var toUser = new Encryptor(Context, user.CreatePublicKey());
        GaloisKeys userRotations = user.CreateGaloisKeysFromElements(elements);
        var encoder = new BatchEncoder(Context);
        var evaluator = new Evaluator(Context);
        ulong[] expected = ConvPackedTests.Reference(shape, w, r, p);

        foreach (bool userPath in new[] { false, true })
        {
            // F_BC path: Enc(r) = Σ of three mask shares' encryptions, F² and F³ multiplied into it and added (D1)
            ulong[][] slots = layout.PackInput(r, p);
            Ciphertext[] x;
            if (userPath)
            {
                x = [.. slots.Select(s => toUser.Encrypt(encoder.Encode(s)))];
            }
            else
            {
                ulong[] r1 = Uniform(r.Length), r2 = Uniform(r.Length), r3 = [.. r.Select((v, i) => (v + (2 * p) - r1[i] - r2[i]) % p)];
                Ciphertext[][] shares = [.. new[] { r1, r2, r3 }.Select(part => layout.PackInput(part, p).Select(s => toServers.Encrypt(encoder.Encode(s))).ToArray())];
                x = shares[0];
                for (int c = 0; c < x.Length; c++) { evaluator.AddInplace(x[c], shares[1][c]); evaluator.AddInplace(x[c], shares[2][c]); }
            }

            Ciphertext[] y;
            if (userPath)
            {
                y = ConvPacked.Multiply(evaluator, PlainConvKernel.Create(Context, shape, w), x, userRotations);
            }
            else
            {
                y = ConvPacked.Multiply(evaluator, PlainConvKernel.Create(Context, shape, w2), x, collectiveRotations);
                Ciphertext[] y3 = ConvPacked.Multiply(evaluator, PlainConvKernel.Create(Context, shape, w3), x, collectiveRotations);
                for (int c = 0; c < y.Length; c++) evaluator.AddInplace(y[c], y3[c]);
            }

            (LinOpInput input, int shares2) = userPath ? (LinOpInput.UserMask, 1) : (LinOpInput.MaskShares, 2);
            double predicted = 0.5 * Math.Log2(LinOpNoise.SwitchedVariance(Context, layout, input, shares2));
            int bound = LinOpNoise.BoundBits(Context, layout, input, shares2, Math.Log2(Context.N), CollectiveDecryption.DefaultStatisticalSecurity);
            SecretKey key = userPath ? user.SecretKey : collective;
            var decrypted = new List<ulong[]>();
            foreach (Ciphertext ct in y)
            {
                evaluator.ModSwitchToNextInplace(ct);
                (double std, double max) = NoiseMeasurement.Of(Context, key, ct);
                output.WriteLine($"{name} {(userPath ? "user" : "F_BC")}: σ 2^{std:F2} (model 2^{predicted:F2}), ‖v‖∞ 2^{max:F2}, bound 2^{bound}");
                Assert.True(std <= predicted + SecoNoisePathTests.SigmaToleranceBits, $"σ 2^{std:F2} above the model's 2^{predicted:F2}");
                Assert.True(max <= bound - MarginBits, $"‖v‖∞ 2^{max:F2} not {MarginBits} bits below 2^{bound}");
                decrypted.Add(encoder.Decode(new Decryptor(Context, key).Decrypt(ct)));
            }

            Assert.Equal(expected, layout.UnpackOutput(decrypted));
        }

        foreach (KeyGenerator server in servers) server.Dispose();
    }
}
