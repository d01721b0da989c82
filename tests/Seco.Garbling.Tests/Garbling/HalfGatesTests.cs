using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Garbling;

public class HalfGatesTests
{
    /// <summary>Garbles, ships every chunk through its wire form, evaluates and decodes.</summary>
    internal static bool[][] GarbleAndEvaluate(Circuit circuit, IReadOnlyList<bool[]> inputs, GarblingOptions? options = null,
        BlockRandom? random = null, Action<Garbler, Evaluator>? inspect = null)
    {
        var garbler = new Garbler(circuit, random ?? Prg.ForTests(7), options);
        var evaluator = new Evaluator(circuit, options);
        for (int g = 0; g < circuit.Inputs.Count; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (var chunk in garbler.Chunks()) evaluator.Consume(chunk.ToBytes());
        var labels = evaluator.OutputLabels();
        var decoding = OutputDecoding.Read(garbler.OutputDecoding.ToBytes(), circuit.OutputWidth);
        inspect?.Invoke(garbler, evaluator);
        return decoding.Decode(circuit, labels);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 3)]
    [InlineData(3, 16_384)]
    [InlineData(4, 7)]
    public void RandomCircuitsDecodeToThePlaintextResult(int seed, int chunk)
    {
        var circuit = RandomCircuits.Build(seed, 20, 20, 3000, 40);
        Assert.True(circuit.Statistics.AndCount > 1000);
        var rng = new Random(seed);
        for (int trial = 0; trial < 10; trial++)
        {
            var inputs = new[] { RandomCircuits.RandomBits(rng, 20), RandomCircuits.RandomBits(rng, 20) };
            var expected = circuit.Evaluate(inputs);
            var actual = GarbleAndEvaluate(circuit, inputs, new GarblingOptions(ChunkAndGates: chunk), Prg.ForTests((ulong)(seed * 100 + trial)));
            Assert.Equal(expected[0], actual[0]);
        }
    }

    [Fact]
    public void EvaluatorEndsOnTheLabelOfThePlaintextBitOnEveryOutput()
    {
        var circuit = RandomCircuits.Build(11, 8, 8, 500, 30);
        var inputs = new[] { RandomCircuits.RandomBits(new Random(1), 8), RandomCircuits.RandomBits(new Random(2), 8) };
        var expected = circuit.Evaluate(inputs)[0];
        GarbleAndEvaluate(circuit, inputs, inspect: (garbler, evaluator) =>
        {
            var labels = evaluator.OutputLabels();
            var delta = garbler.InputEncoding.Delta;
            var wires = circuit.Outputs[0].Wires;
            for (int i = 0; i < wires.Count; i++)
                Assert.Equal(garbler.WireZeroLabel(wires[i]) ^ Block.Select(expected[i], delta), labels[i]);
        });
    }

    [Fact]
    public void SoftwareAesGivesTheSameTablesAndLabels()
    {
        var circuit = RandomCircuits.Build(5, 10, 10, 800, 10);
        var hw = new Garbler(circuit, Prg.ForTests(3));
        var sw = new Garbler(circuit, Prg.ForTests(3), new GarblingOptions { SoftwareAes = true });
        var hwTables = hw.Chunks().SelectMany(c => c.Tables.ToArray()).ToArray();
        var swTables = sw.Chunks().SelectMany(c => c.Tables.ToArray()).ToArray();
        Assert.Equal(swTables, hwTables);
        Assert.Equal(hw.OutputDecoding.ToBytes(), sw.OutputDecoding.ToBytes());

        var inputs = new[] { RandomCircuits.RandomBits(new Random(9), 10), RandomCircuits.RandomBits(new Random(10), 10) };
        var e = new Evaluator(circuit, new GarblingOptions { SoftwareAes = true });
        for (int g = 0; g < 2; g++) e.SetInput(g, hw.InputEncoding.Encode(g, inputs[g]));
        foreach (var c in new Garbler(circuit, Prg.ForTests(3)).Chunks()) e.Consume(c);
        Assert.Equal(circuit.Evaluate(inputs)[0], hw.OutputDecoding.Decode(e.OutputLabels()));
    }

    [Fact]
    public void TablesAreTwoBlocksPerAndAndFreeGatesCostNothing()
    {
        var circuit = RandomCircuits.Build(6, 16, 16, 2000, 8);
        var garbler = new Garbler(circuit, Prg.ForTests(1), new GarblingOptions(ChunkAndGates: 100));
        var chunks = garbler.Chunks().ToList();
        Assert.Equal(circuit.Statistics.AndCount, chunks.Sum(c => c.AndCount));
        Assert.Equal(32L * circuit.Statistics.AndCount + GarbledChunk.HeaderSize * chunks.Count, chunks.Sum(c => (long)c.SerializedSize));
        Assert.All(chunks, c => Assert.InRange(c.AndCount, 1, 101));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Sequence));
        Assert.Null(garbler.NextChunk());
    }

    [Fact]
    public void CircuitWithoutAndGatesNeedsNoTables()
    {
        var cb = new CircuitBuilder();
        var a = cb.Input("a", "g", 4);
        var b = cb.Input("b", "e", 4);
        cb.Output("x", "e", [cb.Xor(a[0], b[0]), cb.Not(a[1]), cb.Xor(cb.Not(b[2]), a[3]), Bit.One]);
        var circuit = cb.Build();
        for (ulong av = 0; av < 16; av++)
            for (ulong bv = 0; bv < 16; bv += 5)
            {
                var inputs = new[] { Circuit.ToBits(av, 4), Circuit.ToBits(bv, 4) };
                Assert.Equal(circuit.Evaluate(inputs)[0], GarbleAndEvaluate(circuit, inputs)[0]);
            }
    }

    [Fact]
    public void DeltaHasItsColourBitAndGivenDeltasAreChecked()
    {
        var circuit = RandomCircuits.Build(8, 4, 4, 50, 4);
        Assert.True(new Garbler(circuit).InputEncoding.Delta.Lsb);
        Assert.Throws<ArgumentException>(() => new Garbler(circuit, new Block(2, 0)));
        var given = new Block(0x1235, 77);
        Assert.Equal(given, new Garbler(circuit, given).InputEncoding.Delta);
    }

    [Fact]
    public void AssignedInputLabelsAreUsed()
    {
        var circuit = RandomCircuits.Build(12, 6, 6, 300, 12);
        var delta = Prg.ForTests(40).Next().WithLsbSet();
        var zero = new Block[6];
        Prg.ForTests(41).Fill(zero);
        var garbler = new Garbler(circuit, delta, Prg.ForTests(42));
        garbler.AssignInputZeroLabels(1, zero);
        Assert.Equal(zero, garbler.InputEncoding.ZeroLabels(1).ToArray());
        var bits = RandomCircuits.RandomBits(new Random(3), 6);
        var evaluatorLabels = zero.Select((z, i) => bits[i] ? z ^ delta : z).ToArray(); // what a correlated OT delivers
        var a = RandomCircuits.RandomBits(new Random(4), 6);
        var e = new Evaluator(circuit);
        e.SetInput(0, garbler.InputEncoding.Encode(0, a));
        e.SetInput(1, evaluatorLabels);
        foreach (var c in garbler.Chunks()) e.Consume(c);
        Assert.Equal(circuit.Evaluate([a, bits])[0], garbler.OutputDecoding.Decode(e.OutputLabels()));
        Assert.Throws<InvalidOperationException>(() => garbler.AssignInputZeroLabels(1, zero));
    }
}
