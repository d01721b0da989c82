using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;

namespace Seco.Bench;

/// <summary>
/// Issue 20: the channel-packed convolution (<see cref="ConvPacked"/>) against the diagonal mat-vec of the same
/// convolution written as a matrix (<see cref="MatVec"/>), at the SECO preset (n = 8192, t = p, 4 data primes), on every
/// conv shape of MiniONN and LeNet (with their 2×2 pool composed into a 6×6 stride-2 kernel, as the planner forms the
/// block) and of ResNet-32 (stem, stage convs, the stride-2 entries, option-B shortcuts; their matrices exceed n/2 =
/// 4096 slots, so only the convolution runs them). Weights are uniform mod p (a weight share). Setup checks each
/// product against a naive convolution, so a broken computation is never timed.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ConvPackingBenchmarks
{
    private static ConvShape Same(int c, int hw, int outC, int stride = 1) => new(c, hw, hw, outC, 3, 3, stride, stride, 1, 1, 1, 1);

    internal static readonly Dictionary<string, ConvShape> Shapes = new()
    {
        ["minionn-1"] = new ConvShape(1, 28, 28, 16, 6, 6, 2, 2),
        ["minionn-2"] = new ConvShape(16, 12, 12, 16, 6, 6, 2, 2),
        ["lenet-1"] = new ConvShape(1, 28, 28, 20, 6, 6, 2, 2),
        ["lenet-2"] = new ConvShape(20, 12, 12, 50, 6, 6, 2, 2),
        ["resnet-stem"] = Same(3, 32, 16),
        ["resnet-16"] = Same(16, 32, 16),
        ["resnet-16to32-s2"] = Same(16, 32, 32, 2),
        ["resnet-32"] = Same(32, 16, 32),
        ["resnet-32to64-s2"] = Same(32, 16, 64, 2),
        ["resnet-64"] = Same(64, 8, 64),
        ["resnet-shortcut-B-32"] = new ConvShape(16, 32, 32, 32, 1, 1, 2, 2),
        ["resnet-shortcut-B-64"] = new ConvShape(32, 16, 16, 64, 1, 1, 2, 2),
    };

    private Evaluator _evaluator = null!;
    private PlainConvKernel _cached = null!;
    private PlainConvKernel _onTheFly = null!;
    private Ciphertext[] _x = null!;
    private GaloisKeys _keys = null!;

    [Params("minionn-1", "minionn-2", "lenet-1", "lenet-2", "resnet-stem", "resnet-16", "resnet-16to32-s2", "resnet-32",
        "resnet-32to64-s2", "resnet-64", "resnet-shortcut-B-32", "resnet-shortcut-B-64")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        ConvShape shape = Shapes[Shape];
        var context = BfvContext.Create(BfvPresets.Seco8192());
        using var keyGenerator = new KeyGenerator(context);
        using var encryptor = new Encryptor(context, keyGenerator.CreatePublicKey(), keyGenerator.SecretKey);
        var random = new Random(20);
        ulong t = context.PlainModulus.Value;
        ulong[] w = [.. Enumerable.Range(0, shape.WeightCount).Select(_ => (ulong)random.NextInt64((long)t))];
        ulong[] x = [.. Enumerable.Range(0, shape.InputSize).Select(_ => (ulong)random.NextInt64((long)t))];
        _evaluator = new Evaluator(context);
        _cached = PlainConvKernel.Create(context, shape, w, cacheBytes: long.MaxValue);
        _onTheFly = PlainConvKernel.Create(context, shape, w, cacheBytes: 0);
        _keys = keyGenerator.CreateGaloisKeysFromElements(_cached.Layout.GaloisElements());
        var encoder = new BatchEncoder(context);
        _x = [.. _cached.Layout.PackInput(x, t).Select(s => encryptor.Encrypt(encoder.Encode(s)))];
        var decryptor = new Decryptor(context, keyGenerator.SecretKey);
        ulong[] expected = Naive(shape, w, x, t);
        foreach (Ciphertext[] y in new[] { Cached(), EncodedPerProduct() })
        {
            if (!_cached.Layout.UnpackOutput([.. y.Select(c => encoder.Decode(decryptor.Decrypt(c)))]).AsSpan().SequenceEqual(expected))
            {
                throw new InvalidOperationException($"{Shape}: the packed convolution differs from the naive one; the benchmark would time a broken computation.");
            }
        }
    }

    /// <summary>The kernel's plaintexts encoded in setup (as a server keeps them when they fit its cache).</summary>
    [Benchmark]
    public Ciphertext[] Cached() => ConvPacked.Multiply(_evaluator, _cached, _x, _keys);

    /// <summary>Each plaintext encoded as the product needs it (the form above the 64 MiB cache limit).</summary>
    [Benchmark]
    public Ciphertext[] EncodedPerProduct() => ConvPacked.Multiply(_evaluator, _onTheFly, _x, _keys);

    internal static ulong[] Naive(ConvShape s, ulong[] w, ulong[] x, ulong t)
    {
        var y = new ulong[s.OutputSize];
        int index = 0;
        for (int o = 0; o < s.OutChannels; o++)
        {
            for (int r = 0; r < s.OutHeight; r++)
            {
                for (int c = 0; c < s.OutWidth; c++)
                {
                    UInt128 acc = 0;
                    foreach ((int input, int weight) in Terms(s, o, r, c))
                    {
                        acc += (UInt128)w[weight] * x[input];
                    }

                    y[index++] = (ulong)(acc % t);
                }
            }
        }

        return y;
    }

    /// <summary>The (input index, weight index) pairs of output (o, r, c).</summary>
    internal static IEnumerable<(int Input, int Weight)> Terms(ConvShape s, int o, int r, int c)
    {
        for (int i = 0; i < s.InChannels; i++)
        {
            for (int u = 0; u < s.KernelH; u++)
            {
                for (int v = 0; v < s.KernelW; v++)
                {
                    int rr = (s.StrideH * r) + u - s.PadTop, cc = (s.StrideW * c) + v - s.PadLeft;
                    if (rr >= 0 && rr < s.Height && cc >= 0 && cc < s.Width)
                    {
                        yield return ((((i * s.Height) + rr) * s.Width) + cc, (((((o * s.InChannels) + i) * s.KernelH) + u) * s.KernelW) + v);
                    }
                }
            }
        }
    }
}

/// <summary>
/// The same MiniONN and LeNet convolutions (conv + 2×2 pool) as a matrix: the diagonal mat-vec with zero diagonals
/// skipped, as the protocol runs these blocks before issue 20 — the other side of <see cref="ConvPackingBenchmarks"/>.
/// ResNet-32's convolutions have no row here: their matrices (16384 × 16384 for a stage-1 conv) exceed a batching row.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ConvAsMatrixBenchmarks
{
    private Evaluator _evaluator = null!;
    private PlainDiagonalMatrix _matrix = null!;
    private Ciphertext _x = null!;
    private GaloisKeys _keys = null!;

    [Params("minionn-1", "minionn-2", "lenet-1", "lenet-2")]
    public string Shape { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        ConvShape shape = ConvPackingBenchmarks.Shapes[Shape];
        var context = BfvContext.Create(BfvPresets.Seco8192());
        using var keyGenerator = new KeyGenerator(context);
        using var encryptor = new Encryptor(context, keyGenerator.CreatePublicKey(), keyGenerator.SecretKey);
        var random = new Random(20);
        ulong t = context.PlainModulus.Value;
        ulong[] w = [.. Enumerable.Range(0, shape.WeightCount).Select(_ => (ulong)random.NextInt64((long)t))];
        ulong[] x = [.. Enumerable.Range(0, shape.InputSize).Select(_ => (ulong)random.NextInt64((long)t))];
        var m = new ulong[shape.OutputSize * (long)shape.InputSize];
        int index = 0;
        for (int o = 0; o < shape.OutChannels; o++)
        {
            for (int r = 0; r < shape.OutHeight; r++)
            {
                for (int c = 0; c < shape.OutWidth; c++, index++)
                {
                    foreach ((int input, int weight) in ConvPackingBenchmarks.Terms(shape, o, r, c))
                    {
                        m[(index * (long)shape.InputSize) + input] = w[weight];
                    }
                }
            }
        }

        _evaluator = new Evaluator(context);
        _matrix = PlainDiagonalMatrix.Encode(context, m, shape.OutputSize, shape.InputSize);
        _keys = keyGenerator.CreateGaloisKeysFromElements(MatVec.GaloisElements(_matrix.Layout, context.N));
        var encoder = new BatchEncoder(context);
        _x = encryptor.Encrypt(encoder.Encode(_matrix.Layout.PackInput(x, t)));
        ulong[] y = _matrix.Layout.UnpackOutput(encoder.Decode(new Decryptor(context, keyGenerator.SecretKey).Decrypt(Multiply())));
        if (!y.AsSpan().SequenceEqual(ConvPackingBenchmarks.Naive(shape, w, x, t)))
        {
            throw new InvalidOperationException($"{Shape}: the matrix product differs from the naive convolution; the benchmark would time a broken computation.");
        }
    }

    [Benchmark]
    public Ciphertext Multiply() => MatVec.Multiply(_evaluator, _matrix, _x, _keys);
}
