using System.Buffers;
using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Tests.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Review19;

/// <summary>Security review 19: rented wire-label arrays, the constant INV slot, evaluation from wire bytes, and the
/// interleaved replication.</summary>
[Trait("Category", "SecurityReview19")]
public class PooledLabelsReviewTests
{
    private static bool[][] RandomInputs(Circuit circuit, int seed)
    {
        var rng = new Random(seed);
        return circuit.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width)).ToArray();
    }

    private static (Garbler, Evaluator) Run(Circuit circuit, bool[][] inputs, int chunk, ulong seed)
    {
        var options = new GarblingOptions(ChunkAndGates: chunk);
        var garbler = new Garbler(circuit, Prg.ForTests(seed), options);
        var evaluator = new Evaluator(circuit, options);
        for (int g = 0; g < circuit.Inputs.Count; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (byte[] c in garbler.ChunkBytes()) evaluator.Consume(c);
        return (garbler, evaluator);
    }

    [Fact]
    public void Label_arrays_go_back_to_the_pool_cleared_and_a_completed_evaluator_accepts_no_more()
    {
        var circuit = RandomCircuits.Build(190, 16, 16, 1500, 20);
        var inputs = RandomInputs(circuit, 190);
        var (garbler, evaluator) = Run(circuit, inputs, 7, 5);
        Assert.True(garbler.IsComplete);
        // The garbler returned its array (Δ at the constant slot) on completion: the next renter sees zeros.
        var next = ArrayPool<Block>.Shared.Rent(circuit.WireCount + 1);
        try { Assert.All(next, b => Assert.Equal(default, b)); }
        finally { ArrayPool<Block>.Shared.Return(next); }

        var first = evaluator.OutputLabels();
        var again = evaluator.OutputLabels();
        Assert.Equal(first, again);
        first[0] = default; // the caller's copy, not the evaluator's
        Assert.Equal(again, evaluator.OutputLabels());
        next = ArrayPool<Block>.Shared.Rent(circuit.WireCount + 1);
        try { Assert.All(next, b => Assert.Equal(default, b)); }
        finally { ArrayPool<Block>.Shared.Return(next); }

        var decoded = garbler.OutputDecoding.Decode(circuit, again);
        Assert.Equal(circuit.Evaluate(inputs)[0], decoded[0]);
        for (int i = 0; i < circuit.OutputWidth; i++)
            Assert.True(garbler.WireZeroLabel(circuit.Outputs[0].Wires[i]) is var z && (again[i] == z || again[i] == (z ^ garbler.InputEncoding.Delta)));

        // A further chunk (any sequence) after completion is refused before it touches the returned array.
        var stray = new byte[GarbledChunk.HeaderSize + GarbledChunk.BytesPerAnd];
        stray[0] = GarbledChunk.Version; stray[5] = 1;
        Assert.Throws<FormatException>(() => evaluator.Consume(stray));
        Assert.Throws<InvalidOperationException>(() => evaluator.SetInput(0, new Block[circuit.Inputs[0].Width]));
        Assert.Null(garbler.NextChunkBytes());
        Assert.Equal(0, garbler.NextChunkInto(new byte[garbler.MaxChunkBytes]));
    }

    [Fact]
    public void Consume_from_bytes_rejects_every_malformed_chunk_that_Read_rejects_and_the_evaluator_stays_usable()
    {
        var circuit = RandomCircuits.Build(191, 12, 12, 800, 16);
        var inputs = RandomInputs(circuit, 191);
        var options = new GarblingOptions(ChunkAndGates: 9);
        var garbler = new Garbler(circuit, Prg.ForTests(6), options);
        var evaluator = new Evaluator(circuit, options);
        var chunks = garbler.ChunkBytes().ToList();
        // Before every input is set, even a good chunk is refused.
        Assert.Throws<InvalidOperationException>(() => evaluator.Consume(chunks[0]));
        for (int g = 0; g < circuit.Inputs.Count; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));

        byte[] good = chunks[0];
        var bad = new List<byte[]>
        {
            Array.Empty<byte>(),
            good[..(GarbledChunk.HeaderSize - 1)],
            good[..^1],
            good.Append((byte)0).ToArray(),
            WithHeader(good, version: 2),
            WithHeader(good, sequence: -1),
            WithHeader(good, count: 0),
            WithHeader(good, count: -5),
            WithHeader(good, count: GarbledChunk.MaxAndGates + 1),
            WithHeader(good, count: (good.Length - GarbledChunk.HeaderSize) / GarbledChunk.BytesPerAnd + 1),
        };
        foreach (var b in bad)
        {
            Assert.Throws<FormatException>(() => GarbledChunk.Read(b));
            Assert.Throws<FormatException>(() => evaluator.Consume(b));
        }
        Assert.Throws<FormatException>(() => evaluator.Consume(WithHeader(good, sequence: 1)));
        // More AND gates than the circuit has: a well-formed chunk claiming every remaining gate plus one.
        int remaining = circuit.Statistics.AndCount;
        var tooMany = new byte[GarbledChunk.HeaderSize + (remaining + 1) * GarbledChunk.BytesPerAnd];
        tooMany[0] = GarbledChunk.Version;
        BitConverter.TryWriteBytes(tooMany.AsSpan(5), remaining + 1);
        Assert.Throws<FormatException>(() => evaluator.Consume(tooMany));

        foreach (var c in chunks) evaluator.Consume(c);
        Assert.Equal(circuit.Evaluate(inputs)[0], garbler.OutputDecoding.Decode(circuit, evaluator.OutputLabels())[0]);
    }

    [Fact]
    public void A_stream_that_ends_early_yields_no_output_labels()
    {
        var circuit = RandomCircuits.Build(192, 8, 8, 600, 8);
        var inputs = RandomInputs(circuit, 192);
        var options = new GarblingOptions(ChunkAndGates: 11);
        var garbler = new Garbler(circuit, Prg.ForTests(7), options);
        var evaluator = new Evaluator(circuit, options);
        for (int g = 0; g < circuit.Inputs.Count; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        var chunks = garbler.ChunkBytes().ToList();
        foreach (var c in chunks.SkipLast(1)) evaluator.Consume(c);
        Assert.Throws<InvalidOperationException>(() => evaluator.OutputLabels());
        Assert.False(evaluator.IsComplete);
    }

    private static byte[] WithHeader(byte[] chunk, byte? version = null, int? sequence = null, int? count = null)
    {
        var b = (byte[])chunk.Clone();
        if (version is { } v) b[0] = v;
        if (sequence is { } s) BitConverter.TryWriteBytes(b.AsSpan(1), s);
        if (count is { } c) BitConverter.TryWriteBytes(b.AsSpan(5), c);
        return b;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(17)]
    public void Replicated_circuits_with_INV_gates_garble_and_evaluate_copy_for_copy(int copies)
    {
        var one = RandomCircuits.Build(193 + copies, 6, 6, 300, 6);
        Assert.True(one.Statistics.InvCount > 0);
        var batch = CircuitBatch.Replicate(one, copies);
        var inputs = RandomInputs(batch, copies);
        var (garbler, evaluator) = Run(batch, inputs, 5, (ulong)copies);
        var decoded = garbler.OutputDecoding.Decode(batch, evaluator.OutputLabels());
        Assert.Equal(batch.Evaluate(inputs)[0], decoded[0]);
        for (int j = 0; j < copies; j++)
        {
            var slice = inputs.Select((bits, g) => bits.Skip(j * one.Inputs[g].Width).Take(one.Inputs[g].Width).ToArray()).ToArray();
            Assert.Equal(one.Evaluate(slice)[0], decoded[0].Skip(j * one.OutputWidth).Take(one.OutputWidth).ToArray());
        }
    }

    [Fact]
    public void A_wire_list_changed_after_validation_cannot_reach_the_constant_slot()
    {
        // WireGroup keeps the caller's list; Circuit validated it once. Before issue 19 the label array had exactly
        // WireCount entries, so an index moved out of range threw; the rented array has a slot at WireCount (the
        // evaluator's zero / the garbler's Δ for INV) and usually more, so SetInput now overwrites it silently.
        int[] wires = [0];
        var circuit = new Circuit(2, [new WireGroup("x", "evaluator", wires)], [new WireGroup("y", "evaluator", new[] { 1 })],
            [new Gate(GateKind.Inv, 0, -1, 1)]);
        wires[0] = circuit.WireCount;
        var evaluator = new Evaluator(circuit);
        // Since issue 20 the evaluator keeps the group's labels and writes them into the wire labels a segment at a
        // time, when evaluation starts: that write is where the moved index must fail.
        evaluator.SetInput(0, [new Block(1, 2)]);
        Assert.ThrowsAny<Exception>(() => evaluator.OutputLabels());
    }
}
