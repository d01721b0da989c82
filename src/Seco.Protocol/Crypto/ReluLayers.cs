using System.Collections.Concurrent;
using Seco.Garbling.Circuits.Gadgets;
using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;
using Seco.Garbling.Garbling;
using Seco.Garbling.Ot;
using Seco.MessagePack;
using Seco.Protocol.Messages;

namespace Seco.Protocol.Crypto;

/// <summary>
/// One garbled circuit per ReLU layer (decision D14): the per-neuron circuits of <see cref="SecoReluCircuits"/>
/// replicated over the layer's neurons. The circuits are public and deterministic, so each party builds (and caches)
/// the same one.
/// </summary>
public static class ReluLayers
{
    private static readonly ConcurrentDictionary<(int Servers, int Shift, int Neurons), Circuit> Cache = new();

    /// <summary>F_A layer (paper Alg. 11): groups u, neg_r_next (user), a, neg_d (A).</summary>
    public static Circuit Gateway(int shift, int neurons) =>
        Cache.GetOrAdd((0, shift, neurons), k => k.Neurons <= CircuitBatch.Interleave
            ? Prepared(CircuitBatch.Replicate(SecoReluCircuits.Gateway(k.Shift), k.Neurons))
            : Tiled(k.Neurons, n => Gateway(k.Shift, n)));

    /// <summary>
    /// A remote tier's layer (paper Alg. 9 with k + 1 share owners, docs/hierarchy.md): groups E1, neg_r1 (A), then
    /// E{j+2}, neg_r{j+2} for the tier's server j — E2/neg_r2 the garbler (B), E3/neg_r3 the evaluator (C), E4.. the providers.
    /// </summary>
    public static Circuit Remote(int shift, int neurons, int servers = 2) =>
        Cache.GetOrAdd((servers, shift, neurons), k => k.Neurons <= CircuitBatch.Interleave
            ? Prepared(CircuitBatch.Replicate(SecoReluCircuits.RemoteTier(k.Shift, [.. Enumerable.Range(0, k.Servers + 1).Select(j => ((char)('A' + j)).ToString())]), k.Neurons))
            : Tiled(k.Neurons, n => Remote(k.Shift, n, k.Servers)));

    /// <summary>
    /// A layer of more than <see cref="CircuitBatch.Interleave"/> neurons as tiles of that many (and a tail): gate for
    /// gate the replicated circuit, but held as one tile's circuit, shared by every layer of the same kind (issue 20: a
    /// 16,384-neuron layer written out was 1.4 GB with its schedules, per party).
    /// </summary>
    private static Circuit Tiled(int neurons, Func<int, Circuit> layer)
    {
        int tiles = neurons / CircuitBatch.Interleave, rest = neurons % CircuitBatch.Interleave;
        return Circuit.Repeat(layer(CircuitBatch.Interleave), tiles, rest == 0 ? null : layer(rest));
    }

    /// <summary>With the garbling and evaluation schedules computed too: the roles build their circuits at setup (issue 19).</summary>
    private static Circuit Prepared(Circuit circuit)
    {
        Garbler.Prepare(circuit);
        Evaluator.Prepare(circuit);
        return circuit;
    }

    /// <summary>The share group of server <paramref name="index"/> of a tier in <see cref="Remote"/> (A's is E1).</summary>
    public static string ShareGroup(int index) => $"E{index + 2}";

    /// <summary>The next-mask group of server <paramref name="index"/> of a tier in <see cref="Remote"/> (A's is neg_r1).</summary>
    public static string MaskGroup(int index) => $"neg_r{index + 2}";

    public static int Group(Circuit circuit, string name)
    {
        for (int g = 0; g < circuit.Inputs.Count; g++)
            if (circuit.Inputs[g].Name == name) return g;
        throw new ArgumentException($"the circuit has no input group '{name}'");
    }

    /// <summary>Little-endian bits of each value, concatenated (the group layout of a replicated circuit).</summary>
    public static bool[] Bits(ReadOnlySpan<ulong> values, int width)
    {
        var bits = new bool[values.Length * width];
        for (int v = 0; v < values.Length; v++)
            for (int b = 0; b < width; b++)
                bits[(v * width) + b] = ((values[v] >> b) & 1) != 0;
        return bits;
    }

    public static ulong[] Values(ReadOnlySpan<bool> bits, int width)
    {
        var values = new ulong[bits.Length / width];
        for (int v = 0; v < values.Length; v++)
        {
            ulong x = 0;
            for (int b = 0; b < width; b++)
                if (bits[(v * width) + b]) x |= 1UL << b;
            values[v] = x;
        }
        return values;
    }

    public static int Width(Circuit circuit, int neurons) => circuit.Outputs[0].Width / neurons;

    /// <summary>Garbles the whole layer into wire form with the garbler's own input labels.</summary>
    public static GarbledLayer Package(int block, Garbler garbler, params (string Group, ulong[] Values)[] own) =>
        Package(block, garbler, null, own);

    /// <summary>
    /// As <see cref="Package(int, Garbler, ValueTuple{string, ulong[]}[])"/>, with the chunks rented from
    /// <paramref name="pool"/>; the sender lends them to its outbox (<see cref="GiveBack"/>) so they return once encoded.
    /// </summary>
    public static GarbledLayer Package(int block, Garbler garbler, ExactArrayPool? pool, params (string Group, ulong[] Values)[] own)
    {
        Circuit c = garbler.Circuit;
        byte[][] labels = own.Select(o =>
        {
            int g = Group(c, o.Group);
            int width = c.Inputs[g].Width / o.Values.Length;
            return new InputLabels(g, garbler.InputEncoding.Encode(g, Bits(o.Values, width))).ToBytes();
        }).ToArray();
        byte[][] chunks = [.. garbler.ChunkBytes(pool is null ? null : pool.Rent)]; // straight into wire form: no table array and copy per chunk
        return new GarbledLayer(block, chunks, garbler.OutputDecoding.ToBytes(), labels);
    }

    /// <summary>Gives <paramref name="layers"/>' chunks back to <paramref name="pool"/>: for an outbox's loan, run once they are sent.</summary>
    public static Action GiveBack(ExactArrayPool pool, IReadOnlyList<GarbledLayer> layers) => () =>
    {
        foreach (GarbledLayer layer in layers)
            foreach (byte[] chunk in layer.Chunks) pool.Return(chunk);
    };

    /// <summary>
    /// The OT sender's message pairs (W⁰, W⁰ ⊕ Δ) for the given groups, concatenated in order, in pooled buffers the
    /// caller disposes (cleared then: every pair opens a wire). The user's label OT covers ~10⁵ labels a query; lists
    /// grown per label and fresh arrays were a third of A's allocation in that handler (issue 19).
    /// </summary>
    public static LabelPairBuffer LabelPairs(IEnumerable<(Garbler Garbler, string Group)> groups)
    {
        var list = groups as IReadOnlyCollection<(Garbler Garbler, string Group)> ?? [.. groups];
        int count = 0;
        foreach ((Garbler g, string name) in list) count += g.Circuit.Input(name).Width;
        var pairs = new LabelPairBuffer(count);
        int at = 0;
        foreach ((Garbler g, string name) in list)
        {
            Block delta = g.InputEncoding.Delta; // each garbler (layer) has its own Δ
            ReadOnlySpan<Block> zero = g.InputEncoding.ZeroLabels(name);
            pairs.Fill(at, zero, delta);
            at += zero.Length;
        }
        return pairs;
    }

    /// <summary>Evaluates a layer and decodes its output vector.</summary>
    public static ulong[] Evaluate(Circuit circuit, int neurons, IEnumerable<byte[]> inputLabels, IEnumerable<(int Group, ReadOnlyMemory<Block> Labels)> directLabels, GarbledLayer layer) =>
        Evaluate(circuit, neurons, inputLabels, directLabels, layer, layer.Chunks);

    /// <summary>As above, with the layer's tables from <paramref name="chunks"/> (e.g. read back from a <see cref="GarbledTableStore"/>).</summary>
    public static ulong[] Evaluate(Circuit circuit, int neurons, IEnumerable<byte[]> inputLabels, IEnumerable<(int Group, ReadOnlyMemory<Block> Labels)> directLabels, GarbledLayer layer,
        IEnumerable<byte[]> chunks)
    {
        var evaluator = new Evaluator(circuit);
        foreach (byte[] labels in inputLabels)
            InputLabels.ApplyTo(labels, evaluator);
        foreach ((int group, ReadOnlyMemory<Block> labels) in directLabels)
            evaluator.SetInput(group, labels.Span);
        foreach (byte[] chunk in chunks)
            evaluator.Consume(chunk);
        if (!evaluator.IsComplete)
            throw new InvalidDataException($"block {layer.Block}: the garbled circuit is incomplete (missing tables or input labels)");
        bool[] bits = OutputDecoding.Read(layer.Decoding, circuit.OutputWidth).Decode(evaluator.OutputLabels());
        return Values(bits, Width(circuit, neurons));
    }

    public static byte[] Pack(bool[] bits) => OtBits.Pack(bits);
}
