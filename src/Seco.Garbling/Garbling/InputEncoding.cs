using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Garbling;

/// <summary>
/// The garbler's secret input encoding: the free-XOR offset Δ and the 0-label of every input wire (the 1-label is
/// the 0-label ⊕ Δ). The garbler sends the labels of its own inputs directly (<see cref="Encode"/>); the evaluator's
/// and a third provider's labels travel by OT, the garbler acting as sender with the pairs
/// (<see cref="ZeroLabels"/>[k], <see cref="ZeroLabels"/>[k] ⊕ Δ), which is exactly a correlated OT with
/// correlation Δ. Never send this object.
/// </summary>
/// <remarks>
/// The 0-labels are not stored: they are the AES-CTR stream (<see cref="Prg"/>) of a secret seed drawn with Δ, each
/// group at its own offset, derived whenever asked — as emp-tool draws its labels from a PRG. A party holds the
/// encodings of every layer of a query from preparation to the online phase; stored, a ResNet-32 query's were 64 MB a
/// layer, 1.9 GB at the garbler (issue 20). A group given its labels (<see cref="Garbler.AssignInputZeroLabels"/>,
/// e.g. a correlated OT's outputs) keeps them.
/// </remarks>
public sealed class InputEncoding
{
    private readonly Circuit _circuit;
    private readonly Block _seed;
    private readonly ulong[] _start;
    private readonly Block[]?[] _assigned;

    internal InputEncoding(Circuit circuit, Block delta, Block seed)
    {
        _circuit = circuit;
        Delta = delta;
        _seed = seed;
        _start = new ulong[circuit.Inputs.Count];
        _assigned = new Block[]?[circuit.Inputs.Count];
        ulong at = 0;
        for (int g = 0; g < _start.Length; g++)
        {
            _start[g] = at;
            at += (ulong)circuit.Inputs[g].Width;
        }
    }

    /// <summary>The free-XOR offset (point-and-permute bit set).</summary>
    public Block Delta { get; }

    /// <summary>The number of wires (labels) of input group <paramref name="group"/>.</summary>
    public int Width(int group) => _circuit.Inputs[CheckGroup(group)].Width;

    /// <summary>The 0-labels of input group <paramref name="group"/>, bit 0 first (a fresh copy).</summary>
    public ReadOnlySpan<Block> ZeroLabels(int group)
    {
        var labels = new Block[Width(group)];
        CopyZeroLabels(group, 0, labels);
        return labels;
    }

    /// <summary>The 0-labels of the input group named <paramref name="name"/>.</summary>
    public ReadOnlySpan<Block> ZeroLabels(string name) => ZeroLabels(IndexOf(name));

    /// <summary>The 0-labels of bits <paramref name="offset"/>.. of group <paramref name="group"/>, into
    /// <paramref name="destination"/> (a garbler loads one segment's slice at a time).</summary>
    internal void CopyZeroLabels(int group, int offset, Span<Block> destination)
    {
        int width = Width(group);
        if (offset < 0 || destination.Length > width - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"bits {offset}..{offset + destination.Length - 1} of input '{_circuit.Inputs[group].Name}', which has {width}");
        if (_assigned[group] is { } assigned)
        {
            assigned.AsSpan(offset, destination.Length).CopyTo(destination);
            return;
        }
        var stream = new Prg(_seed);
        stream.Seek(_start[group] + (ulong)offset);
        stream.Fill(destination);
    }

    /// <summary>Fixes the 0-labels of group <paramref name="group"/> (see <see cref="Garbler.AssignInputZeroLabels"/>).</summary>
    internal void Assign(int group, ReadOnlySpan<Block> zeroLabels)
    {
        if (zeroLabels.Length != Width(group))
            throw new ArgumentException($"input '{_circuit.Inputs[group].Name}' has {Width(group)} wires, {zeroLabels.Length} labels given", nameof(zeroLabels));
        _assigned[group] = zeroLabels.ToArray();
    }

    /// <summary>The labels that encode <paramref name="bits"/> on input group <paramref name="group"/>.</summary>
    public Block[] Encode(int group, ReadOnlySpan<bool> bits)
    {
        int width = Width(group);
        if (bits.Length != width)
            throw new ArgumentException($"input '{_circuit.Inputs[group].Name}' has {width} bits, {bits.Length} were given", nameof(bits));
        var labels = new Block[width];
        CopyZeroLabels(group, 0, labels);
        for (int b = 0; b < labels.Length; b++) labels[b] ^= Block.Select(bits[b], Delta);
        return labels;
    }

    /// <summary>The labels encoding the integer <paramref name="value"/> on the group named <paramref name="name"/>.</summary>
    public Block[] Encode(string name, ulong value)
    {
        int g = IndexOf(name);
        return Encode(g, Circuit.ToBits(value, _circuit.Inputs[g].Width));
    }

    internal int IndexOf(string name)
    {
        for (int g = 0; g < _circuit.Inputs.Count; g++) if (_circuit.Inputs[g].Name == name) return g;
        throw new KeyNotFoundException($"the circuit has no input named '{name}'");
    }

    private int CheckGroup(int group)
    {
        if ((uint)group >= (uint)_assigned.Length) throw new ArgumentOutOfRangeException(nameof(group), $"input group {group} does not exist (the circuit has {_assigned.Length})");
        return group;
    }
}
