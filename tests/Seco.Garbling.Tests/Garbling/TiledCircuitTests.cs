using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Garbling;

/// <summary>
/// A tiled circuit (<see cref="Circuit.Repeat"/>, issue 20) is the replicated circuit written out, gate for gate: the same
/// wires, groups and statistics; garbled with the same randomness it gives the same table stream (tweaks, labels and
/// decoding), and each form's evaluator decodes the other's tables to the plaintext result — while garbling and
/// evaluating hold one tile's wire labels.
/// </summary>
public class TiledCircuitTests
{
    public static TheoryData<int, int> Shapes => new()
    {
        { 16, 1 }, { 16, 7 }, { 16, 5_000 }, { 13, 3 }, { 13, 16_384 }, { 9, 2 }, { 64, 300 },
    };

    private static Circuit Base(int seed) => RandomCircuits.Build(seed, 6, 5, 120, 4);

    private static Circuit Tiled(Circuit circuit, int copies) => Circuit.Repeat(
        CircuitBatch.Replicate(circuit, CircuitBatch.Interleave), copies / CircuitBatch.Interleave,
        copies % CircuitBatch.Interleave == 0 ? null : CircuitBatch.Replicate(circuit, copies % CircuitBatch.Interleave));

    [Theory]
    [InlineData(16)]
    [InlineData(13)]
    [InlineData(9)]
    public void A_tiled_circuit_is_the_replicated_circuit_written_out(int copies)
    {
        Circuit one = Base(copies), flat = CircuitBatch.Replicate(one, copies), tiled = Tiled(one, copies);
        Assert.Equal(flat.WireCount, tiled.WireCount);
        Assert.Equal(flat.Statistics, tiled.Statistics);
        Assert.Equal(flat.Gates.ToArray(), tiled.Gates.ToArray());
        Assert.Equal(flat.Inputs.Select(g => (g.Name, g.Owner, string.Join(",", g.Wires))), tiled.Inputs.Select(g => (g.Name, g.Owner, string.Join(",", g.Wires))));
        Assert.Equal(flat.Outputs.Select(g => (g.Name, g.Owner, string.Join(",", g.Wires))), tiled.Outputs.Select(g => (g.Name, g.Owner, string.Join(",", g.Wires))));
        var rng = new Random(copies);
        bool[][] inputs = [.. flat.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        Assert.Equal(flat.Evaluate(inputs), tiled.Evaluate(inputs));
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Garbling_a_tiled_circuit_gives_the_written_out_circuits_tables(int copies, int chunk)
    {
        Circuit one = Base(copies + chunk), flat = CircuitBatch.Replicate(one, copies), tiled = Tiled(one, copies);
        var options = new GarblingOptions(ChunkAndGates: chunk);
        var a = new Garbler(flat, Prg.ForTests(5), options);
        var b = new Garbler(tiled, Prg.ForTests(5), options);
        byte[] streamA = Tables(a.ChunkBytes()), streamB = Tables(b.ChunkBytes());
        Assert.Equal(flat.Statistics.AndCount * GarbledChunk.BytesPerAnd, streamB.Length);
        Assert.Equal(streamA, streamB);
        Assert.Equal(a.OutputDecoding.ToBytes(), b.OutputDecoding.ToBytes());
        Assert.Equal(a.InputEncoding.Delta, b.InputEncoding.Delta);
        for (int g = 0; g < flat.Inputs.Count; g++)
            Assert.Equal(a.InputEncoding.ZeroLabels(g).ToArray(), b.InputEncoding.ZeroLabels(g).ToArray());
    }

    [Theory]
    [InlineData(16, 3, false)]
    [InlineData(13, 1_000, true)]
    [InlineData(21, 2, true)]
    public void Each_forms_evaluator_decodes_the_others_tables(int copies, int chunk, bool tiledGarbler)
    {
        Circuit one = Base(copies), flat = CircuitBatch.Replicate(one, copies), tiled = Tiled(one, copies);
        var options = new GarblingOptions(ChunkAndGates: chunk);
        Circuit garbled = tiledGarbler ? tiled : flat, evaluated = tiledGarbler ? flat : tiled;
        var rng = new Random(copies);
        bool[][] inputs = [.. flat.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        var garbler = new Garbler(garbled, Prg.ForTests(7), options);
        var evaluator = new Evaluator(evaluated, options);
        for (int g = 0; g < inputs.Length; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (byte[] c in garbler.ChunkBytes()) evaluator.Consume(c);
        Assert.True(evaluator.IsComplete);
        bool[][] decoded = OutputDecoding.Read(garbler.OutputDecoding.ToBytes(), flat.OutputWidth).Decode(flat, evaluator.OutputLabels());
        Assert.Equal(flat.Evaluate(inputs), decoded);
    }

    [Fact]
    public void A_real_relu_layer_tiled_decodes_every_neuron()
    {
        // The remote tier's ReLU (three share owners) over 19 neurons: two tiles of 8 and a tail of 3.
        Circuit one = SecoReluCircuits.RemoteTier(8, ["A", "B", "C"]), tiled = Tiled(one, 19);
        var rng = new Random(19);
        bool[][] inputs = [.. tiled.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        var garbler = new Garbler(tiled);
        var evaluator = new Evaluator(tiled);
        for (int g = 0; g < inputs.Length; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (byte[] c in garbler.ChunkBytes()) evaluator.Consume(c);
        bool[][] decoded = OutputDecoding.Read(garbler.OutputDecoding.ToBytes(), tiled.OutputWidth).Decode(tiled, evaluator.OutputLabels());
        Assert.Equal(CircuitBatch.Replicate(one, 19).Evaluate(inputs), decoded);
    }

    [Fact]
    public void The_software_hash_garbles_a_tiled_circuit_as_AES_NI_does()
    {
        Circuit tiled = Tiled(Base(3), 11);
        byte[] hardware = Tables(new Garbler(tiled, Prg.ForTests(2), new GarblingOptions(ChunkAndGates: 9)).ChunkBytes());
        byte[] software = Tables(new Garbler(tiled, Prg.ForTests(2), new GarblingOptions(ChunkAndGates: 9) { SoftwareAes = true }).ChunkBytes());
        Assert.Equal(hardware, software);
    }

    [Fact]
    public void A_tail_whose_groups_differ_from_the_tile_is_refused()
    {
        Circuit tile = CircuitBatch.Replicate(SecoReluCircuits.RemoteTier(8, ["A", "B", "C"]), 8);
        Circuit other = SecoReluCircuits.Gateway(8);
        var e = Assert.Throws<ArgumentException>(() => Circuit.Repeat(tile, 2, other));
        Assert.Contains("group", e.Message);
        Assert.Throws<ArgumentException>(() => Circuit.Repeat(Circuit.Repeat(tile, 2), 2));
    }

    [Fact]
    public void A_tiled_circuit_has_no_gate_array_or_schedule_of_its_own()
    {
        Circuit tiled = Tiled(Base(1), 16);
        Assert.Throws<InvalidOperationException>(() => tiled.GateArray);
        Assert.Throws<InvalidOperationException>(() => tiled.Schedule(2));
    }

    /// <summary>The concatenated table rows of a chunk stream (chunk boundaries may differ between the forms).</summary>
    private static byte[] Tables(IEnumerable<byte[]> chunks) =>
        [.. chunks.SelectMany(c => c.Skip(GarbledChunk.HeaderSize))];
}
