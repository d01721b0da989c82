using Seco.Garbling.Circuits;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Tests.Garbling;
using Xunit;

namespace Seco.Garbling.Tests.Review20b;

/// <summary>
/// Review 20b: the tiled garbler/evaluator (Circuit.Repeat) and the seeded input labels (InputEncoding) under hostile
/// inputs. Each test asserts the secure behaviour.
/// </summary>
[Trait("Category", "SecurityReview20b")]
public class TiledAndSeededReviewTests
{
    private static Circuit Base(int seed) => RandomCircuits.Build(seed, 6, 5, 120, 4);

    private static Circuit Tiled(Circuit circuit, int copies) => Circuit.Repeat(
        CircuitBatch.Replicate(circuit, CircuitBatch.Interleave), copies / CircuitBatch.Interleave,
        copies % CircuitBatch.Interleave == 0 ? null : CircuitBatch.Replicate(circuit, copies % CircuitBatch.Interleave));

    private static Block[] Rows(IEnumerable<byte[]> chunks) =>
        [.. chunks.SelectMany(c => Block.FromBytes(c.AsSpan(GarbledChunk.HeaderSize)).ToArray())];

    /// <summary>A hostile (or just different) chunking of the same table stream: chunks of 1, 2, 3 … AND gates, so they
    /// end mid-AND-group and mid-segment. The tiled evaluator must decode exactly what the written-out one does.</summary>
    [Theory]
    [InlineData(13, 1)]
    [InlineData(19, 3)]
    [InlineData(8, 1)]
    public void Rechunking_the_table_stream_mid_segment_gives_the_written_out_result(int copies, int step)
    {
        Circuit one = Base(copies), flat = CircuitBatch.Replicate(one, copies), tiled = Tiled(one, copies);
        var rng = new Random(copies);
        bool[][] inputs = [.. flat.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        var garbler = new Garbler(tiled, Prg.ForTests(11));
        Block[] rows = Rows(garbler.ChunkBytes());
        Assert.Equal(2L * flat.Statistics.AndCount, rows.Length);

        var evaluator = new Evaluator(tiled);
        for (int g = 0; g < inputs.Length; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        int seq = 0, at = 0, size = step;
        while (at < rows.Length)
        {
            int n = Math.Min(2 * size, rows.Length - at);
            evaluator.Consume(new GarbledChunk(seq++, rows.AsSpan(at, n).ToArray()));
            at += n;
            size = size % 7 + step; // 1..7-ish AND gates: boundaries fall everywhere
        }
        Assert.True(evaluator.IsComplete);
        bool[][] decoded = OutputDecoding.Read(garbler.OutputDecoding.ToBytes(), flat.OutputWidth).Decode(flat, evaluator.OutputLabels());
        Assert.Equal(flat.Evaluate(inputs), decoded);
    }

    /// <summary>A chunk claiming more AND gates than the tiled circuit has left, a chunk out of sequence, and asking for the
    /// outputs one chunk short, are all refused (never stale labels of an earlier segment or the rented array).</summary>
    [Fact]
    public void Overlong_out_of_order_and_short_chunk_streams_are_refused()
    {
        Circuit tiled = Tiled(Base(3), 19);
        var rng = new Random(3);
        bool[][] inputs = [.. tiled.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        var garbler = new Garbler(tiled, Prg.ForTests(3), new GarblingOptions(ChunkAndGates: 16));
        List<byte[]> chunks = [.. garbler.ChunkBytes()];
        Assert.True(chunks.Count > 2);
        Block[] rows = Rows(chunks);

        Evaluator Fresh()
        {
            var e = new Evaluator(tiled);
            for (int g = 0; g < inputs.Length; g++) e.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
            return e;
        }

        // One chunk with every table plus one extra AND gate.
        var e1 = Fresh();
        Assert.Throws<FormatException>(() => e1.Consume(new GarbledChunk(0, [.. rows, default, default])));
        // Chunk 1 first.
        var e2 = Fresh();
        Assert.Throws<FormatException>(() => e2.Consume(chunks[1]));
        // All but the last chunk: no outputs.
        var e3 = Fresh();
        foreach (byte[] c in chunks.Take(chunks.Count - 1)) e3.Consume(c);
        Assert.False(e3.IsComplete);
        Assert.Throws<InvalidOperationException>(() => e3.OutputLabels());
        // A truncated chunk (header says more rows than the bytes hold).
        var e4 = Fresh();
        byte[] cut = chunks[0][..^GarbledChunk.BytesPerAnd];
        Assert.ThrowsAny<Exception>(() => e4.Consume(cut));
    }

    /// <summary>Every input 0-label of a tiled circuit (all groups, all segments) is distinct, none is Δ or 0, and no two
    /// differ by Δ (a reused or overlapping PRG stream offset would make segment k's labels another's, or a 1-label
    /// another wire's 0-label).</summary>
    [Fact]
    public void Seeded_input_labels_never_repeat_or_collide_up_to_delta_across_groups_and_segments()
    {
        Circuit tiled = Tiled(SecoReluCircuits.RemoteTier(8, ["A", "B", "C"]), 45);
        var garbler = new Garbler(tiled);
        InputEncoding enc = garbler.InputEncoding;
        var all = new List<Block>();
        for (int g = 0; g < tiled.Inputs.Count; g++) all.AddRange(enc.ZeroLabels(g).ToArray());
        Assert.Equal(tiled.Inputs.Sum(g => g.Width), all.Count);
        var zero = new HashSet<Block>(all);
        Assert.Equal(all.Count, zero.Count);
        Assert.DoesNotContain(enc.Delta, zero);
        Assert.DoesNotContain(default, zero);
        Assert.All(all, l => Assert.DoesNotContain(l ^ enc.Delta, zero));
    }

    /// <summary>Two garblers of the same circuit (two queries or layers) share no label and no Δ.</summary>
    [Fact]
    public void Two_garblers_share_no_label_or_delta()
    {
        Circuit tiled = Tiled(SecoReluCircuits.RemoteTier(8, ["A", "B", "C"]), 17);
        var a = new Garbler(tiled).InputEncoding;
        var b = new Garbler(tiled).InputEncoding;
        Assert.NotEqual(a.Delta, b.Delta);
        var la = new HashSet<Block>(Enumerable.Range(0, tiled.Inputs.Count).SelectMany(g => a.ZeroLabels(g).ToArray()));
        foreach (Block l in Enumerable.Range(0, tiled.Inputs.Count).SelectMany(g => b.ZeroLabels(g).ToArray()))
        {
            Assert.DoesNotContain(l, la);
            Assert.DoesNotContain(l ^ b.Delta, la);
        }
    }

    /// <summary>A group given its labels keeps exactly them (in every segment of the tiled garbling, as the evaluator
    /// sees it) and the derived groups are unchanged; assigning after garbling started is refused.</summary>
    [Fact]
    public void An_assigned_group_is_used_in_every_segment_and_leaves_the_derived_groups_alone()
    {
        Circuit one = Base(5), tiled = Tiled(one, 21), flat = CircuitBatch.Replicate(one, 21);
        var garbler = new Garbler(tiled, Prg.ForTests(9), new GarblingOptions(ChunkAndGates: 5));
        Block[][] before = [.. Enumerable.Range(0, tiled.Inputs.Count).Select(g => garbler.InputEncoding.ZeroLabels(g).ToArray())];
        var rnd = Prg.ForTests(77);
        var assigned = new Block[tiled.Inputs[1].Width];
        rnd.Fill(assigned);
        garbler.AssignInputZeroLabels(1, assigned);
        Assert.Equal(assigned, garbler.InputEncoding.ZeroLabels(1).ToArray());
        for (int g = 0; g < tiled.Inputs.Count; g++)
            if (g != 1) Assert.Equal(before[g], garbler.InputEncoding.ZeroLabels(g).ToArray());

        var rng = new Random(5);
        bool[][] inputs = [.. flat.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        var evaluator = new Evaluator(tiled);
        for (int g = 0; g < inputs.Length; g++)
        {
            Block[] labels = g == 1
                ? [.. assigned.Select((l, i) => inputs[g][i] ? l ^ garbler.InputEncoding.Delta : l)]
                : garbler.InputEncoding.Encode(g, inputs[g]);
            evaluator.SetInput(g, labels);
        }
        foreach (byte[] c in garbler.ChunkBytes()) evaluator.Consume(c);
        bool[][] decoded = OutputDecoding.Read(garbler.OutputDecoding.ToBytes(), flat.OutputWidth).Decode(flat, evaluator.OutputLabels());
        Assert.Equal(flat.Evaluate(inputs), decoded);
        Assert.Throws<InvalidOperationException>(() => garbler.AssignInputZeroLabels(0, garbler.InputEncoding.ZeroLabels(0)));
    }

    /// <summary>After a tiled garbling and evaluation, the pool hands out no array holding Δ or an input label (the
    /// per-segment slices and the wire-label array are cleared on return).</summary>
    [Fact]
    public void No_pooled_array_keeps_delta_or_labels_after_a_tiled_run()
    {
        Circuit tiled = Tiled(SecoReluCircuits.RemoteTier(8, ["A", "B", "C"]), 27);
        var garbler = new Garbler(tiled);
        var evaluator = new Evaluator(tiled);
        var rng = new Random(1);
        bool[][] inputs = [.. tiled.Inputs.Select(g => RandomCircuits.RandomBits(rng, g.Width))];
        for (int g = 0; g < inputs.Length; g++) evaluator.SetInput(g, garbler.InputEncoding.Encode(g, inputs[g]));
        foreach (byte[] c in garbler.ChunkBytes()) evaluator.Consume(c);
        evaluator.OutputLabels();
        var secrets = new HashSet<Block> { garbler.InputEncoding.Delta };
        for (int g = 0; g < tiled.Inputs.Count; g++) foreach (Block l in garbler.InputEncoding.ZeroLabels(g)) { secrets.Add(l); secrets.Add(l ^ garbler.InputEncoding.Delta); }
        int[] sizes = [tiled.Inputs.Max(g => g.Width), tiled.Segment(0).WireCount + 1, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];
        foreach (int size in sizes)
        {
            Block[] rented = System.Buffers.ArrayPool<Block>.Shared.Rent(size);
            try
            {
                Assert.DoesNotContain(rented, secrets.Contains);
            }
            finally
            {
                System.Buffers.ArrayPool<Block>.Shared.Return(rented);
            }
        }
    }
}
