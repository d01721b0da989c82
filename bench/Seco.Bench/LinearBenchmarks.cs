using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;

namespace Seco.Bench;

/// <summary>
/// Plaintext matrix × encrypted vector (BSGS diagonal method, <see cref="MatVec"/>) at the anchor's shapes: n = 8192,
/// SEAL's BFVDefault(8192) primes and t = 1032193, with the ciphertext at all 4 data primes or mod-switched down to 2.
/// The matrix is encoded in setup (weights are fixed per model), as in the anchor's SEAL BSGS figures; setup checks
/// that the product decrypts to M·x mod t, so the benchmark times a correct computation.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class MatVecBenchmarks
{
    private Evaluator _evaluator = null!;
    private PlainDiagonalMatrix _matrix = null!;
    private Ciphertext _x = null!;
    private GaloisKeys _keys = null!;

    [Params("128x784", "10x128")]
    public string Shape { get; set; } = "";

    [Params(4, 2)]
    public int Primes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int rows = int.Parse(Shape.Split('x')[0]), columns = int.Parse(Shape.Split('x')[1]);
        var context = BfvContext.Create(BfvPresets.Default8192());
        using var keyGenerator = new KeyGenerator(context);
        var random = new Random(5);
        ulong t = context.PlainModulus.Value;
        ulong[] m = Enumerable.Range(0, rows * columns).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        ulong[] x = Enumerable.Range(0, columns).Select(_ => (ulong)random.NextInt64((long)t)).ToArray();
        _evaluator = new Evaluator(context);
        _matrix = PlainDiagonalMatrix.Encode(context, m, rows, columns, Primes);
        _keys = keyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(_matrix.Layout, context.N));
        using var encryptor = new Encryptor(context, keyGenerator.CreatePublicKey(), keyGenerator.SecretKey);
        _x = encryptor.Encrypt(new BatchEncoder(context).Encode(_matrix.Layout.PackInput(x, t)));
        while (_x.Level > Primes)
        {
            _evaluator.ModSwitchToNextInplace(_x);
        }

        ulong[] y = _matrix.Layout.UnpackOutput(new BatchEncoder(context).Decode(new Decryptor(context, keyGenerator.SecretKey).Decrypt(Multiply())));
        for (int r = 0; r < rows; r++)
        {
            UInt128 acc = 0;
            for (int c = 0; c < columns; c++)
            {
                acc += (UInt128)m[(r * columns) + c] * x[c];
            }

            if ((ulong)(acc % t) != y[r])
            {
                throw new InvalidOperationException($"{Shape} at {Primes} primes: output {r} is wrong; the benchmark would time a broken computation.");
            }
        }
    }

    [Benchmark]
    public Ciphertext Multiply() => MatVec.Multiply(_evaluator, _matrix, _x, _keys);
}

/// <summary>
/// Every linear block of MiniONN and LeNet as one HE matrix product at the SECO preset (Seco8192, t = p): the
/// plaintext-weights form (pt×ct, what each weight holder runs under decision D1) and the encrypted-weights form
/// (ct×ct, the paper's Lin-OP with ct(F) = ct(F²) ⊕ ct(F³)). Setup checks both results against W·x mod p.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ModelLayerBenchmarks
{
    private Evaluator _evaluator = null!;
    private PlainDiagonalMatrix _plain = null!;
    private EncryptedDiagonalMatrix _encrypted = null!;
    private Ciphertext _x = null!;
    private GaloisKeys _keys = null!;
    private RelinKeys _relinKeys = null!;

    [Params("minionn/0", "minionn/1", "minionn/2", "minionn/3", "lenet/0", "lenet/1", "lenet/2", "lenet/3")]
    public string Block { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string[] parts = Block.Split('/');
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(RepoRoot(), "models", parts[0] + ".onnx")), FixedPointFormat.Default);
        BlockMatrix block = BlockMatrix.Build(model.Blocks[int.Parse(parts[1])]);
        var context = BfvContext.Create(BfvPresets.Seco8192());
        ulong p = context.PlainModulus.Value;
        using var keyGenerator = new KeyGenerator(context);
        using var encryptor = new Encryptor(context, keyGenerator.CreatePublicKey(), keyGenerator.SecretKey);
        ulong[] weights = PlainDiagonalMatrix.ToResidues(block.Weights, p);
        _evaluator = new Evaluator(context);
        _plain = PlainDiagonalMatrix.Encode(context, weights, block.Rows, block.Columns);
        _encrypted = EncryptedDiagonalMatrix.Encrypt(context, encryptor, weights, block.Rows, block.Columns);
        _keys = keyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(_plain.Layout, context.N));
        _relinKeys = keyGenerator.CreateRelinKeys();
        var random = new Random(9);
        long[] x = Enumerable.Range(0, block.Columns).Select(_ => (long)random.Next(0, 257)).ToArray();
        var encoder = new BatchEncoder(context);
        _x = encryptor.Encrypt(encoder.Encode(_plain.Layout.PackInput(PlainDiagonalMatrix.ToResidues(x, p), p)));

        long[] withBias = block.Apply(x);
        ulong[] expected = PlainDiagonalMatrix.ToResidues(withBias.Select((v, i) => v - block.Bias[i]).ToArray(), p);
        var decryptor = new Decryptor(context, keyGenerator.SecretKey);
        foreach (Ciphertext y in new[] { PlainTimesEncrypted(), EncryptedTimesEncrypted() })
        {
            if (!_plain.Layout.UnpackOutput(encoder.Decode(decryptor.Decrypt(y))).AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{Block}: the HE product differs from W·x mod p; the benchmark would time a broken computation.");
            }
        }
    }

    [Benchmark]
    public Ciphertext PlainTimesEncrypted() => MatVec.Multiply(_evaluator, _plain, _x, _keys);

    [Benchmark]
    public Ciphertext EncryptedTimesEncrypted() => MatVec.Multiply(_evaluator, _encrypted, _x, _relinKeys, _keys);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Seco.Actors.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Cannot find the repository root (Seco.Actors.sln) above " + AppContext.BaseDirectory);
    }
}
