using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Garbling;

/// <summary>
/// Garbling straight into the wire form (<see cref="Garbler.NextChunkBytes"/>, issue 19: no table array and copy per
/// chunk) gives, chunk for chunk, the bytes of <see cref="GarbledChunk.ToBytes"/> from a garbler with the same
/// randomness; every chunk is allocated at its exact size, and an evaluator fed the bytes decodes the plaintext result.
/// Chunk budgets that split the schedule's groups of two AND gates at every offset are covered.
/// </summary>
public class ChunkBytesTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 3)]
    [InlineData(4, 7)]
    [InlineData(5, 100)]
    [InlineData(6, 16_384)]
    public void Wire_form_chunks_equal_the_table_chunks_serialized(int seed, int chunk)
    {
        var circuit = RandomCircuits.Build(seed, 20, 20, 3000, 40);
        var options = new GarblingOptions(ChunkAndGates: chunk);
        var viaTables = new Garbler(circuit, Prg.ForTests((ulong)seed), options).Chunks().ToList();
        var direct = new Garbler(circuit, Prg.ForTests((ulong)seed), options);
        var bytes = direct.ChunkBytes().ToList();

        Assert.Equal(viaTables.Count, bytes.Count);
        for (int i = 0; i < bytes.Count; i++)
        {
            Assert.Equal(viaTables[i].ToBytes(), bytes[i]);
            Assert.Equal(viaTables[i].SerializedSize, bytes[i].Length);
            // A chunk ends at the budget or one gate past it (a group of two AND gates is never split), except the last.
            Assert.True(i == bytes.Count - 1 || viaTables[i].AndCount is var n && (n == chunk || n == chunk + 1), $"chunk {i} has {viaTables[i].AndCount} AND gates for a budget of {chunk}");
        }
        Assert.Equal(circuit.Statistics.AndCount, viaTables.Sum(c => c.AndCount));
        Assert.True(direct.IsComplete);
        Assert.Null(direct.NextChunkBytes());
    }

    [Fact]
    public void An_evaluator_fed_the_wire_form_chunks_decodes_the_plaintext_result()
    {
        var circuit = RandomCircuits.Build(9, 16, 16, 2000, 24);
        var rng = new Random(9);
        var inputs = new[] { RandomCircuits.RandomBits(rng, 16), RandomCircuits.RandomBits(rng, 16) };
        var options = new GarblingOptions(ChunkAndGates: 5);
        var garbler = new Garbler(circuit, Prg.ForTests(3), options);
        var evaluator = new Evaluator(circuit, options);
        for (int g = 0; g < circuit.Inputs.Count; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (byte[] chunk in garbler.ChunkBytes()) evaluator.Consume(chunk);
        var decoded = OutputDecoding.Read(garbler.OutputDecoding.ToBytes(), circuit.OutputWidth).Decode(circuit, evaluator.OutputLabels());
        Assert.Equal(circuit.Evaluate(inputs)[0], decoded[0]);
    }

    [Theory]
    [InlineData(11, 1)]
    [InlineData(12, 7)]
    [InlineData(13, 16_384)]
    public void Chunks_garbled_into_a_reused_buffer_equal_the_wire_form_chunks(int seed, int chunk)
    {
        var circuit = RandomCircuits.Build(seed, 20, 20, 3000, 40);
        var options = new GarblingOptions(ChunkAndGates: chunk);
        var expected = new Garbler(circuit, Prg.ForTests((ulong)seed), options).ChunkBytes().ToList();
        var garbler = new Garbler(circuit, Prg.ForTests((ulong)seed), options);
        var buffer = new byte[garbler.MaxChunkBytes];
        var actual = new List<byte[]>();
        for (int n; (n = garbler.NextChunkInto(buffer)) > 0;) actual.Add(buffer[..n]);

        Assert.Equal(expected, actual);
        Assert.True(garbler.IsComplete);
        Assert.Equal(expected.Max(c => c.Length), actual.Max(c => c.Length));
        Assert.True(expected.Max(c => c.Length) <= garbler.MaxChunkBytes);
    }

    [Fact]
    public void A_buffer_smaller_than_the_next_chunk_is_refused()
    {
        var circuit = RandomCircuits.Build(14, 20, 20, 3000, 40);
        var garbler = new Garbler(circuit, Prg.ForTests(14), new GarblingOptions(ChunkAndGates: 100));
        var error = Assert.Throws<ArgumentException>(() => garbler.NextChunkInto(new byte[GarbledChunk.HeaderSize + 99 * GarbledChunk.BytesPerAnd]));
        Assert.Contains("needs", error.Message);
    }
}
