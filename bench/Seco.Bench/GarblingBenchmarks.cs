using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Seco.Garbling.Circuits;
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
    }

    [Benchmark(OperationsPerInvoke = Gates)]
    public int Garble()
    {
        var garbler = new Garbler(_circuit, Prg.ForTests(2));
        int n = 0;
        while (garbler.NextChunk() is { } chunk) n += chunk.AndCount;
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

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn());
    }
}
