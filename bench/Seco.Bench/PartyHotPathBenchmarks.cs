using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.MessagePack;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;

namespace Seco.Bench;

/// <summary>
/// Each party's per-query hot path at the default scenario (MiniONN, split l = 1, one remote tier of two, seco-8192),
/// built from the calls the roles make, so issue 19's end-to-end goal is tracked by a benchmark and not only by
/// <c>seco run</c> timings. One invocation is one query's work of that kind:
/// <list type="bullet">
/// <item><c>GatewayUserLinOp</c>: A's Lin-OP on the user's Enc(r₁) (paper Alg. 12): F_A·Enc(r₁), minus the mask,
/// mod-switched and flooded (D2).</item>
/// <item><c>GatewayGarbleRelu</c>: A garbles its F_A ReLU layer into wire form (Alg. 14).</item>
/// <item><c>RemoteLinOps</c>: a remote server's products F^j·Enc(r_i) for every block of its segment, re-randomised
/// (Alg. 8 with D1).</item>
/// <item><c>GarblerGarbleRelus</c>: the tier's garbler B garbles every remote ReLU layer (Alg. 9).</item>
/// <item><c>EvaluatorEvaluateRelus</c>: the tier's evaluator C evaluates them online.</item>
/// <item><c>UserEvaluateRelu</c>: the user evaluates A's layer online.</item>
/// </list>
/// Keys are one party's (a collective key switches at the same cost). Setup checks each garbled layer decodes, so the
/// benchmark cannot time a broken computation. The process runs with <c>seco</c>'s runtime settings (src/Seco.Cli: no
/// tiered compilation, arrays up to 4 MB off the large-object heap): with twelve calls per method, tiering would leave
/// the kernels in tier-0 code and time that (the garbling row measured 5× its optimized time).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(CliRuntime))]
public class PartyHotPathBenchmarks
{
    /// <summary>One query's work per invocation, as in a run: few invocations, the CLI's runtime settings.</summary>
    private sealed class CliRuntime : ManualConfig
    {
        public CliRuntime() => AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10)
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0"), new EnvironmentVariable("DOTNET_GCLOHThreshold", "0x400000")));
    }

    private const int Split = 1;

    private SecoParameters _p = null!;
    private BfvContext _context = null!;
    private HeTools _he = null!;
    private Encryptor _encryptor = null!;
    private GaloisKeys _rotations = null!;
    private readonly Dictionary<int, PlainDiagonalMatrix> _matrices = [];
    private readonly Dictionary<int, Ciphertext> _masks = [];
    private readonly Dictionary<int, ulong[]> _outputMasks = [];
    private readonly Dictionary<int, (GarbledLayer Layer, Block[][] Labels)> _garbled = [];

    [GlobalSetup]
    public void Setup()
    {
        var model = new FixedPointModel(OnnxImporter.Load(Path.Combine(RepositoryTestData.Root, "models", "minionn.onnx")), FixedPointFormat.Default);
        _context = BfvContext.Create(BfvPresets.Seco8192());
        ModelSplit split = ModelSplit.Create(model, Split, _context);
        _p = split.Parameters;
        _he = new HeTools(_context);
        using var keys = new KeyGenerator(_context);
        _encryptor = new Encryptor(_context, keys.CreatePublicKey(), keys.SecretKey);
        _rotations = keys.CreateGaloisKeysFromElements(
            Enumerable.Range(1, _p.BlockCount).SelectMany(i => _p.Form(i).GaloisElements()).Distinct().ToArray());
        var random = new Random(19);
        for (int i = 1; i <= _p.BlockCount; i++)
        {
            BlockShape b = _p.Block(i);
            ulong[] weights = i <= Split ? split.Gateway.Weights(i) : split.Garbler.Weights(i);
            _matrices[i] = PlainDiagonalMatrix.Encode(_context, weights, b.Rows, b.Columns);
            _masks[i] = _encryptor.Encrypt(_he.EncodeInput(_p.Form(i), Uniform(random, b.Columns))[0]); // the matrix form: one ciphertext
            _outputMasks[i] = Uniform(random, b.Rows);
        }
        for (int i = 1; i < _p.BlockCount; i++)
        {
            BlockShape b = _p.Block(i);
            if (!b.HasRelu) continue;
            var garbler = new Garbler(i <= Split ? ReluLayers.Gateway(b.Shift, b.Rows) : ReluLayers.Remote(b.Shift, b.Rows));
            GarbledLayer layer = ReluLayers.Package(i, garbler);
            Block[][] labels = [.. Enumerable.Range(0, garbler.Circuit.Inputs.Count)
                .Select(g => garbler.InputEncoding.Encode(g, new bool[garbler.Circuit.Inputs[g].Width]))];
            _garbled[i] = (layer, labels);
            if (Evaluate(i).Length != b.Rows)
                throw new InvalidOperationException($"block {i}: the garbled layer did not decode; the benchmark would time a broken computation");
        }
        Console.WriteLine($"// MiniONN at l = {Split}: blocks {string.Join(", ", _p.Blocks.Select(b => $"{b.Index}: {b.Rows}×{b.Columns}{(b.HasRelu ? " + ReLU" : "")}"))}");
    }

    [Benchmark]
    public Ciphertext GatewayUserLinOp()
    {
        Ciphertext product = MatVec.Multiply(_he.Evaluator, _matrices[1], _masks[1], _rotations);
        _he.Evaluator.SubPlainInplace(product, _he.EncodeOutputMask(_outputMasks[1]));
        _he.Evaluator.ModSwitchToNextInplace(product);
        CircuitPrivacy.FloodInplace(_context, _encryptor, product, _p.Budget.FloodingBits);
        return product;
    }

    /// <summary>As the gateway does: chunks from the shared pool, given back once sent (here, once garbled).</summary>
    [Benchmark]
    public int GatewayGarbleRelu()
    {
        BlockShape b = _p.Block(1);
        GarbledLayer layer = ReluLayers.Package(1, new Garbler(ReluLayers.Gateway(b.Shift, b.Rows)), ExactArrayPool.Shared);
        ReluLayers.GiveBack(ExactArrayPool.Shared, [layer])();
        return layer.Chunks.Length;
    }

    [Benchmark]
    public Ciphertext RemoteLinOps()
    {
        Ciphertext last = null!;
        for (int i = Split + 1; i <= _p.BlockCount; i++)
        {
            last = MatVec.Multiply(_he.Evaluator, _matrices[i], _masks[i], _rotations);
            _he.Evaluator.SubPlainInplace(last, _he.EncodeOutputMask(_outputMasks[i]));
            var zero = new Ciphertext(_context);
            _encryptor.EncryptZero(zero);
            _he.Evaluator.AddInplace(last, zero);
        }
        return last;
    }

    [Benchmark]
    public int GarblerGarbleRelus()
    {
        int chunks = 0;
        for (int i = Split + 1; i < _p.BlockCount; i++)
        {
            BlockShape b = _p.Block(i);
            if (!b.HasRelu) continue;
            GarbledLayer layer = ReluLayers.Package(i, new Garbler(ReluLayers.Remote(b.Shift, b.Rows)), ExactArrayPool.Shared); // as the garbler does
            ReluLayers.GiveBack(ExactArrayPool.Shared, [layer])();
            chunks += layer.Chunks.Length;
        }
        return chunks;
    }

    [Benchmark]
    public int EvaluatorEvaluateRelus()
    {
        int n = 0;
        for (int i = Split + 1; i < _p.BlockCount; i++)
            if (_garbled.ContainsKey(i)) n += Evaluate(i).Length;
        return n;
    }

    [Benchmark]
    public ulong[] UserEvaluateRelu() => Evaluate(1);

    private ulong[] Evaluate(int block)
    {
        (GarbledLayer layer, Block[][] labels) = _garbled[block];
        BlockShape b = _p.Block(block);
        var circuit = block <= Split ? ReluLayers.Gateway(b.Shift, b.Rows) : ReluLayers.Remote(b.Shift, b.Rows);
        return ReluLayers.Evaluate(circuit, b.Rows, [], labels.Select((l, g) => (g, (ReadOnlyMemory<Block>)l)), layer);
    }

    private static ulong[] Uniform(Random random, int count) =>
        [.. Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64((long)PrimeField.P))];
}
