using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;

namespace Seco.Bench;

/// <summary>
/// Half-gates garbling and evaluation on raw AND gates: 2^20 independent AND gates over 2 × 1,024 input wires, the
/// shape of emp-tool's AND benchmark (reference on this machine class: garble 26.2 M AND/s, evaluate 29.3 M AND/s,
/// single core). Each row's mean is per AND gate (OperationsPerInvoke); M/s is millions of AND gates per second.
/// Includes writing tables into chunks, not serialization or transport.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RawAndGateBenchmarks
{
    private const int Gates = 1 << 20;
    private const int Inputs = 1024;

    private Circuit _circuit = null!;
    private Garbler _source = null!;
    private List<GarbledChunk> _chunks = null!;
    private List<byte[]> _chunkBytes = null!;
    private byte[] _buffer = [];
    private Block[][] _inputLabels = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        var cb = new CircuitBuilder();
        var a = cb.Input("a", "garbler", Inputs);
        var b = cb.Input("b", "evaluator", Inputs);
        var outs = new Bit[64];
        for (int g = 0; g < Gates; g++)
        {
            var z = cb.And(a[rng.Next(Inputs)], b[rng.Next(Inputs)]);
            if (g >= Gates - 64) outs[g - (Gates - 64)] = z;
        }
        cb.Output("z", "evaluator", outs);
        _circuit = cb.Build();
        _source = new Garbler(_circuit, Prg.ForTests(1));
        _inputLabels = [_source.InputEncoding.Encode(0, new bool[Inputs]), _source.InputEncoding.Encode(1, new bool[Inputs])];
        _chunks = _source.Chunks().ToList();
        _chunkBytes = _chunks.Select(c => c.ToBytes()).ToList();
        _buffer = new byte[_source.MaxChunkBytes];
    }

    [Benchmark(OperationsPerInvoke = Gates)]
    public int Garble()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        while (garbler.NextChunk() is { } chunk) n += chunk.AndCount;
        return n;
    }

    /// <summary>Garbling straight into the chunks' wire form, as the protocol sends them (<see cref="Garbler.NextChunkBytes"/>).</summary>
    [Benchmark(OperationsPerInvoke = Gates)]
    public int GarbleWireForm()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        while (garbler.NextChunkBytes() is { } chunk) n += chunk.Length;
        return n;
    }

    /// <summary>Garbling into one reused buffer (<see cref="Garbler.NextChunkInto"/>), as emp-tool's benchmark writes
    /// its tables into one preallocated buffer: the like-for-like row beside emp.</summary>
    [Benchmark(OperationsPerInvoke = Gates)]
    public int GarbleIntoBuffer()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        for (int k; (k = garbler.NextChunkInto(_buffer)) > 0;) n += k;
        return n;
    }

    [Benchmark(OperationsPerInvoke = Gates)]
    public Block Evaluate()
    {
        var evaluator = new Evaluator(_circuit);
        evaluator.SetInput(0, _inputLabels[0]);
        evaluator.SetInput(1, _inputLabels[1]);
        foreach (var chunk in _chunks) evaluator.Consume(chunk);
        return evaluator.OutputLabels()[0];
    }

    /// <summary>Evaluating straight from the chunks' wire form, as the protocol receives them.</summary>
    [Benchmark(OperationsPerInvoke = Gates)]
    public Block EvaluateWireForm()
    {
        var evaluator = new Evaluator(_circuit);
        evaluator.SetInput(0, _inputLabels[0]);
        evaluator.SetInput(1, _inputLabels[1]);
        foreach (var chunk in _chunkBytes) evaluator.Consume(chunk);
        return evaluator.OutputLabels()[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn());
    }
}

/// <summary>
/// The Bristol Fashion AES-128 circuit (6,400 AND, 28,176 XOR, 2,087 INV), garbled and evaluated; reference on this
/// machine class: emp-tool garbles it at 17.8 M AND/s. Mean is per AND gate. The circuit file is the copy committed
/// in tests/data/bristol.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class AesCircuitGarblingBenchmarks
{
    private const int AndGates = 6400;
    private Circuit _circuit = null!;
    private Block[][] _labels = null!;
    private List<GarbledChunk> _chunks = null!;
    private List<byte[]> _chunkBytes = null!;
    private byte[] _buffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _circuit = BristolFashion.ReadFile(RepositoryTestData.Path("bristol", "aes_128.txt"));
        if (_circuit.Statistics.AndCount != AndGates) throw new InvalidOperationException($"expected {AndGates} AND gates, the file has {_circuit.Statistics.AndCount}");
        var garbler = new Garbler(_circuit, Prg.ForTests(1));
        _labels = [garbler.InputEncoding.Encode(0, new bool[128]), garbler.InputEncoding.Encode(1, new bool[128])];
        _chunks = garbler.Chunks().ToList();
        _chunkBytes = _chunks.Select(c => c.ToBytes()).ToList();
        _buffer = new byte[garbler.MaxChunkBytes];
    }

    [Benchmark(OperationsPerInvoke = AndGates)]
    public int Garble()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        while (garbler.NextChunk() is { } chunk) n += chunk.AndCount;
        return n;
    }

    /// <summary>Garbling straight into the chunks' wire form, as the protocol sends them (<see cref="Garbler.NextChunkBytes"/>).</summary>
    [Benchmark(OperationsPerInvoke = AndGates)]
    public int GarbleWireForm()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        while (garbler.NextChunkBytes() is { } chunk) n += chunk.Length;
        return n;
    }

    /// <summary>Garbling into one reused buffer (<see cref="Garbler.NextChunkInto"/>), like emp-tool's benchmark.</summary>
    [Benchmark(OperationsPerInvoke = AndGates)]
    public int GarbleIntoBuffer()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        for (int k; (k = garbler.NextChunkInto(_buffer)) > 0;) n += k;
        return n;
    }

    [Benchmark(OperationsPerInvoke = AndGates)]
    public Block Evaluate()
    {
        var evaluator = new Evaluator(_circuit);
        evaluator.SetInput(0, _labels[0]);
        evaluator.SetInput(1, _labels[1]);
        foreach (var chunk in _chunks) evaluator.Consume(chunk);
        return evaluator.OutputLabels()[0];
    }

    /// <summary>Evaluating straight from the chunks' wire form, as the protocol receives them.</summary>
    [Benchmark(OperationsPerInvoke = AndGates)]
    public Block EvaluateWireForm()
    {
        var evaluator = new Evaluator(_circuit);
        evaluator.SetInput(0, _labels[0]);
        evaluator.SetInput(1, _labels[1]);
        foreach (var chunk in _chunkBytes) evaluator.Consume(chunk);
        return evaluator.OutputLabels()[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn());
    }
}

/// <summary>
/// SECO ReLU circuits (remote tier, shift 10) for k = 2 and 3 input providers: one ReLU, and one MiniONN ReLU layer
/// of 2,304 ReLUs garbled as a single batched circuit. Mean is per invocation (one ReLU or one whole layer).
/// Garbling includes generating Δ and all input labels from the OS CSPRNG, as the protocol does.
/// </summary>
[MemoryDiagnoser]
public class ReluGarblingBenchmarks
{
    private Circuit _circuit = null!;
    private Block[][] _labels = null!;
    private List<GarbledChunk> _chunks = null!;
    private byte[] _buffer = [];

    [Params(2, 3)]
    public int Providers { get; set; }

    [Params(1, 2304)]
    public int Relus { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        string[] owners = Providers == 2 ? ["B", "C"] : ["A", "B", "C"];
        var single = SecoReluCircuits.RemoteTier(10, owners);
        _circuit = Relus == 1 ? single : CircuitBatch.Replicate(single, Relus);
        var garbler = new Garbler(_circuit);
        _labels = Enumerable.Range(0, _circuit.Inputs.Count).Select(g => garbler.InputEncoding.Encode(g, new bool[_circuit.Inputs[g].Width])).ToArray();
        _chunks = garbler.Chunks().ToList();
        _buffer = new byte[garbler.MaxChunkBytes];
        Console.WriteLine($"// k = {Providers}, {Relus} ReLU(s): {_circuit.Statistics}; tables {_chunks.Sum(c => (long)c.SerializedSize)} bytes in {_chunks.Count} chunk(s); input wires {_circuit.InputWidth}");
    }

    [Benchmark]
    public int Garble()
    {
        var garbler = new Garbler(_circuit);
        int n = 0;
        while (garbler.NextChunk() is { } chunk) n += chunk.AndCount;
        return n;
    }

    /// <summary>Garbling into one reused buffer: the kernel and schedule without the chunk allocations.</summary>
    [Benchmark]
    public int GarbleIntoBuffer()
    {
        var garbler = new Garbler(_circuit);
        int n = 0;
        for (int k; (k = garbler.NextChunkInto(_buffer)) > 0;) n += k;
        return n;
    }

    [Benchmark]
    public Block Evaluate()
    {
        var evaluator = new Evaluator(_circuit);
        for (int g = 0; g < _labels.Length; g++) evaluator.SetInput(g, _labels[g]);
        foreach (var chunk in _chunks) evaluator.Consume(chunk);
        return evaluator.OutputLabels()[0];
    }
}

/// <summary>Finds a file under tests/data in the repository (the folder holding Seco.Actors.sln).</summary>
internal static class RepositoryTestData
{
    /// <summary>The repository root: the first folder above the benchmark binary holding Seco.Actors.sln.</summary>
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Seco.Actors.sln"))) return dir.FullName;
            throw new DirectoryNotFoundException("the repository root (Seco.Actors.sln) was not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Path(params string[] parts)
    {
        string path = System.IO.Path.Combine([Root, "tests", "data", .. parts]);
        return File.Exists(path) ? path : throw new FileNotFoundException($"test data not found at {path} (it is committed under tests/data)");
    }
}
