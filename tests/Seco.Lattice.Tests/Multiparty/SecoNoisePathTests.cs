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
/// The deepest path SECO's HE layer takes (docs/noise.md), for the largest linear block of every shipped model, with
/// three servers A, B, C: CKG, RTG (and RKG for ct×ct); each server encrypts its mask share r^j under cpk; the Lin-OP
/// E = F·r − s² − s³ with F = F² + F³ held as shares (both forms: D1 plaintext shares, and ct×ct with encrypted
/// shares); mod-switch; collective decryption with smudging of the width <see cref="LinOpNoise"/> prescribes. The
/// decrypted E must equal the reference mod p, and the measured noise must sit below the public bound.
/// </summary>
public class SecoNoisePathTests(ITestOutputHelper output)
{
    private static readonly BfvContext Context = BfvContext.Create(BfvPresets.Seco8192());

    [Theory]
    [InlineData("minionn.onnx", false)]
    [InlineData("minionn.onnx", true)]
    [InlineData("lenet.onnx", false)]
    [InlineData("lenet.onnx", true)]
    [InlineData("mlp.onnx", false)]
    [InlineData("mlp.onnx", true)]
    public void Largest_layer_survives_the_deepest_path_with_smudged_decryption(string file, bool encryptedWeights)
    {
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, "models", file)), FixedPointFormat.Default);
        BlockMatrix block = model.Blocks.Select(BlockMatrix.Build)
            .MaxBy(m => new MatVecLayout(m.Rows, m.Columns, Context.N).Half)!;
        ulong p = Context.PlainModulus.Value;
        var layout = new MatVecLayout(block.Rows, block.Columns, Context.N);
        var random = new Random(block.Rows + block.Columns + (encryptedWeights ? 1 : 0));
        ulong[] Uniform(int count) => Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64((long)p)).ToArray();

        (KeyGenerator[] servers, SecretKey collective) = Committee.Create(Context, 3);
        byte[] session = CommonReference.CreateSessionSeed();
        var ckg = new CollectivePublicKeyGeneration(Context, session);
        PublicKey cpk = ckg.Finalize(servers.Select(s => ckg.GenShare(s.SecretKey)).Aggregate(CollectivePublicKeyGeneration.Aggregate));
        GaloisKeys rotations = CollectiveRotationKeyGeneration.Merge(Context, MatVec.GaloisElements(layout, Context.N).Select(g =>
        {
            var rtg = new CollectiveRotationKeyGeneration(Context, session, g);
            return rtg.Finalize(servers.Select(s => rtg.GenShare(s.SecretKey)).Aggregate(CollectiveRotationKeyGeneration.Aggregate));
        }));

        using var encryptor = new Encryptor(Context, cpk);
        var encoder = new BatchEncoder(Context);
        var evaluator = new Evaluator(Context);

        // F = F² + F³ (weight shares of B and C), r = r¹ + r² + r³ (mask shares), s², s³ (output masks of B and C).
        ulong[] f = PlainDiagonalMatrix.ToResidues(block.Weights, p);
        ulong[] f2 = Uniform(f.Length);
        ulong[] f3 = f.Zip(f2, (a, b) => (a + p - b) % p).ToArray();
        ulong[][] r = [Uniform(block.Columns), Uniform(block.Columns), Uniform(block.Columns)];
        ulong[] s2 = Uniform(block.Rows), s3 = Uniform(block.Rows);
        Ciphertext ctR = r.Select(share => encryptor.Encrypt(encoder.Encode(layout.PackInput(share, p)))).Aggregate(evaluator.Add);

        Ciphertext e;
        if (encryptedWeights)
        {
            RelinKeys rlk = RelinearizationKeyTests.RunRkg(Context, servers, session);
            EncryptedDiagonalMatrix ctF = EncryptedDiagonalMatrix.Add(evaluator,
                EncryptedDiagonalMatrix.Encrypt(Context, encryptor, f2, block.Rows, block.Columns),
                EncryptedDiagonalMatrix.Encrypt(Context, encryptor, f3, block.Rows, block.Columns));
            e = MatVec.Multiply(evaluator, ctF, ctR, rlk, rotations);
        }
        else
        {
            e = evaluator.Add(
                MatVec.Multiply(evaluator, PlainDiagonalMatrix.Encode(Context, f2, block.Rows, block.Columns), ctR, rotations),
                MatVec.Multiply(evaluator, PlainDiagonalMatrix.Encode(Context, f3, block.Rows, block.Columns), ctR, rotations));
        }

        evaluator.SubInplace(e, encryptor.Encrypt(encoder.Encode(layout.PackOutput(s2, p))));
        evaluator.SubInplace(e, encryptor.Encrypt(encoder.Encode(layout.PackOutput(s3, p))));
        var ideal = new Decryptor(Context, collective);
        int before = LinOpNoise.MeasuredNoiseBits(Context, ideal, e);
        evaluator.ModSwitchToNextInplace(e);
        int measured = LinOpNoise.MeasuredNoiseBits(Context, ideal, e);

        int bound = LinOpNoise.BoundBits(Context, layout, servers.Length, encryptedWeights, modSwitched: true);
        var decryption = new CollectiveDecryption(Context, servers.Length, bound);
        Plaintext plain = decryption.Finalize(e, servers.Select(s => decryption.GenShare(s.SecretKey, e)).Aggregate(CollectiveDecryption.Aggregate));

        ulong[] rSum = r.Aggregate((a, b) => a.Zip(b, (x, y) => (x + y) % p).ToArray());
        ulong[] expected = MatVecTests.Reference(f, block.Rows, block.Columns, rSum, p)
            .Select((v, i) => (v + (2 * p) - s2[i] - s3[i]) % p).ToArray();
        output.WriteLine($"{file} {block.Rows}×{block.Columns} {(encryptedWeights ? "ct×ct" : "D1 pt×ct")}: noise 2^{before} before and 2^{measured} after mod-switch; " +
            $"public bound 2^{bound}, smudging 2^{decryption.SmudgingBits}, total 2^{decryption.TotalNoiseBits} vs Q'/(4t) = 2^{LinOpNoise.CapacityBits(Context, e.Level)}");
        Assert.Equal(expected, layout.UnpackOutput(encoder.Decode(plain)));
        Assert.True(measured <= bound - LinOpNoise.MarginBits, $"measured noise 2^{measured} is not {LinOpNoise.MarginBits} bits below the bound 2^{bound}");
        foreach (KeyGenerator s in servers)
        {
            s.Dispose();
        }
    }
}
