using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Multiparty;
using Seco.Lattice.Parameters;
using Seco.Lattice.Tests.Linear;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Multiparty;

/// <summary>
/// The noise of every Lin-OP SECO decrypts, for every block of every shipped model, on each of the three paths a block
/// can take (docs/noise.md): the F_BC path (three mask shares under cpk, B's and C's weight shares, collective
/// decryption), the transition (the user's two halves under cpk, one rotated by A first), and the user path
/// (Enc_pk0(r) with the user's keys and A's weights, flooded). For each the test measures the exact noise polynomial
/// after the mod-switch and checks the public model: the measured standard deviation is at most the model's plus
/// <see cref="SigmaToleranceBits"/>; the measured ‖v‖∞ stays at least <see cref="MarginBits"/> below the bound
/// B for one ciphertext; and the smudged decryption (or the flooding) sized for the most queries a key set could ever
/// be allowed still decrypts exactly — the smudging can grow to any query budget the capacity admits.
/// </summary>
public class SecoNoisePathTests(ITestOutputHelper output)
{
    /// <summary>Bits the measured maximum must stay below the one-ciphertext bound (the tail factor leaves about 3).</summary>
    public const double MarginBits = 1.5;

    /// <summary>
    /// How far the measured σ (the root mean square over the n coefficients of one ciphertext) may sit above the model's
    /// average: one sample of it varies from run to run on folded blocks, whose coherently added coefficients weigh
    /// heavily in it, and on the user path the block's real weights (which the weight-independent model does not see)
    /// add their own spread. MiniONN's 10×100 block on the user path, 11 runs (2026-12-07): 2^12.88 to 2^14.29 against
    /// the model's 2^12.98 — one run in eleven above the former 1-bit tolerance, which made CI flaky. The bound itself
    /// uses the noisiest coefficient's variance, not this average, and held with ≥ 2.8 bits to spare in every run.
    /// </summary>
    public const double SigmaToleranceBits = 1.5;

    private const int Lambda = CollectiveDecryption.DefaultStatisticalSecurity;

    private static readonly BfvContext Context = BfvContext.Create(BfvPresets.Seco8192());

    public enum Path
    {
        MaskShares,
        Transition,
        User,
    }

    [Theory]
    [InlineData("minionn.onnx")]
    [InlineData("lenet.onnx")]
    [InlineData("mlp.onnx")]
    public void Every_block_on_every_path_stays_within_the_public_bound(string file)
    {
        var model = new FixedPointModel(OnnxImporter.Load(System.IO.Path.Combine(TestHost.Root, "models", file)), FixedPointFormat.Default);
        BlockMatrix[] blocks = model.Blocks.Select(BlockMatrix.Build).ToArray();
        ulong p = Context.PlainModulus.Value;
        var random = new Random(file.Length);
        ulong[] Uniform(int count) => Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64((long)p)).ToArray();
        MatVecLayout[] layouts = blocks.Select(b => new MatVecLayout(b.Rows, b.Columns, Context.N)).ToArray();
        uint[] elements = layouts.SelectMany(l => MatVec.GaloisElements(l, Context.N).Append(GaloisTool.ElementFromStep(Math.Max(1, l.Half), Context.N))).Distinct().Order().ToArray();

        // The three servers' collective keys (CKG, RTG) and a user's own keys, as the protocol makes them.
        (KeyGenerator[] servers, SecretKey collective) = Committee.Create(Context, 3);
        (PublicKey cpk, GaloisKeys collectiveRotations) = Committee.CollectiveKeys(Context, servers, elements);
        using var user = new KeyGenerator(Context);
        PublicKey pk0 = user.CreatePublicKey();
        GaloisKeys userRotations = user.CreateGaloisKeysFromElements(elements);
        using var toServers = new Encryptor(Context, cpk);
        using var toUser = new Encryptor(Context, pk0);
        var encoder = new BatchEncoder(Context);
        var evaluator = new Evaluator(Context);
        var failures = new List<string>();

        for (int i = 0; i < blocks.Length; i++)
        {
            BlockMatrix block = blocks[i];
            MatVecLayout layout = layouts[i];
            ulong[] f = PlainDiagonalMatrix.ToResidues(block.Weights, p);
            ulong[] f2 = Uniform(f.Length), f3 = f.Zip(f2, (a, b) => (a + p - b) % p).ToArray();
            ulong[] s = Uniform(block.Rows), r = Uniform(block.Columns);
            foreach (Path path in Enum.GetValues<Path>())
            {
                (LinOpInput input, int shares) = path switch
                {
                    Path.MaskShares => (LinOpInput.MaskShares, 2),
                    Path.Transition => (LinOpInput.Transition, 2),
                    _ => (LinOpInput.UserMask, 1),
                };
                Ciphertext e = LinOp(path, layout, block, f, f2, f3, r, s);
                evaluator.ModSwitchToNextInplace(e);
                SecretKey key = path == Path.User ? user.SecretKey : collective;
                (double std, double max) = NoiseMeasurement.Of(Context, key, e);

                double predicted = 0.5 * Math.Log2(LinOpNoise.SwitchedVariance(Context, layout, input, shares));
                int bound = LinOpNoise.BoundBits(Context, layout, input, shares, Math.Log2(Context.N), Lambda);
                // The largest smudging any budget may use: b up to capacity − log2(parties + 1).
                double capacity = LinOpNoise.Capacity(Context, e.Level);
                int b = path == Path.User ? (int)Math.Floor(capacity - 0.01) : (int)Math.Floor(capacity - Math.Log2(3.0 + 1e-9) - 0.01);
                output.WriteLine($"{file} block {i + 1} {block.Rows}×{block.Columns} (h = {layout.Half}, {layout.FoldSteps.Count()} folds) {path}: " +
                    $"σ 2^{std:F2} (model 2^{predicted:F2}), ‖v‖∞ 2^{max:F2}, bound B = 2^{bound} ({bound - max:F1} bits above), largest b = {b}, Q'/(4t) = 2^{capacity:F2}");
                if (std > predicted + SigmaToleranceBits)
                    failures.Add($"block {i + 1} {path}: measured σ 2^{std:F2} exceeds the model's 2^{predicted:F2} by more than {SigmaToleranceBits} bits");
                if (max > bound - MarginBits)
                    failures.Add($"block {i + 1} {path}: measured ‖v‖∞ 2^{max:F2} is not {MarginBits} bits below the bound 2^{bound}");

                ulong[] expected = MatVecTests.Reference(f, block.Rows, block.Columns, r, p).Select((v, k) => (v + p - s[k]) % p).ToArray();
                ulong[] decrypted;
                if (path == Path.User)
                {
                    // A's flooding towards the user at the largest width, then the user's own decryption.
                    CircuitPrivacy.FloodInplace(Context, toUser, e, b);
                    decrypted = layout.UnpackOutput(encoder.Decode(new Decryptor(Context, user.SecretKey).Decrypt(e)));
                }
                else
                {
                    var decryption = new CollectiveDecryption(Context, 3, bound, Lambda, revealedCoefficientsLog2: b - bound - Lambda);
                    Assert.Equal(b, decryption.SmudgingBits);
                    decrypted = layout.UnpackOutput(encoder.Decode(decryption.Finalize(e, servers.Select(x => decryption.GenShare(x.SecretKey, e)).Aggregate(CollectiveDecryption.Aggregate))));
                }
                if (!decrypted.SequenceEqual(expected))
                    failures.Add($"block {i + 1} {path}: the smudged decryption at b = {b} is wrong");
            }
        }
        foreach (KeyGenerator server in servers) server.Dispose();
        Assert.True(failures.Count == 0, string.Join("\n", failures));

        Ciphertext LinOp(Path path, MatVecLayout layout, BlockMatrix block, ulong[] f, ulong[] f2, ulong[] f3, ulong[] r, ulong[] s)
        {
            Plaintext packed = encoder.Encode(layout.PackInput(r, p)), mask = encoder.Encode(layout.PackOutput(s, p));
            if (path == Path.User)
            {
                Ciphertext product = MatVec.Multiply(evaluator, PlainDiagonalMatrix.Encode(Context, f, block.Rows, block.Columns), toUser.Encrypt(packed), userRotations);
                evaluator.SubPlainInplace(product, mask);
                return product;
            }
            Ciphertext x;
            if (path == Path.MaskShares)
            {
                // r = r¹ + r² + r³, each share encrypted by its server; A adds the three ciphertexts.
                ulong[] r1 = Uniform(r.Length), r2 = Uniform(r.Length);
                ulong[] r3 = r.Select((v, k) => (v + (2 * p) - r1[k] - r2[k]) % p).ToArray();
                x = new[] { r1, r2, r3 }.Select(share => toServers.Encrypt(encoder.Encode(layout.PackInput(share, p)))).Aggregate(evaluator.Add);
            }
            else
            {
                // The user's halves (TransitionPacking): X, the period-k' repetition of r, in row 0 of one ciphertext and
                // in row 1 of the other; A rotates the second by h, which makes row 1 rot(X, h) as PackInput has it.
                ulong[] slots = layout.PackInput(r, p), half0 = new ulong[Context.N], half1 = new ulong[Context.N];
                int row = Context.N / 2;
                Array.Copy(slots, 0, half0, 0, row);
                Array.Copy(slots, 0, half1, row, row);
                Ciphertext row0 = toServers.Encrypt(encoder.Encode(half0)), row1 = toServers.Encrypt(encoder.Encode(half1));
                evaluator.RotateRowsInplace(row1, Math.Max(1, layout.Half), collectiveRotations);
                x = evaluator.Add(row0, row1);
            }
            Ciphertext e = evaluator.Add(
                MatVec.Multiply(evaluator, PlainDiagonalMatrix.Encode(Context, f2, block.Rows, block.Columns), x, collectiveRotations),
                MatVec.Multiply(evaluator, PlainDiagonalMatrix.Encode(Context, f3, block.Rows, block.Columns), x, collectiveRotations));
            evaluator.SubPlainInplace(e, mask);
            return e;
        }
    }
}
