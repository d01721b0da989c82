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
public sealed class InputEncoding
{
    private readonly Circuit _circuit;
    private readonly Block[][] _zero;

    internal InputEncoding(Circuit circuit, Block delta, Block[][] zeroLabels)
    {
        _circuit = circuit;
        Delta = delta;
        _zero = zeroLabels;
    }

    /// <summary>The free-XOR offset (point-and-permute bit set).</summary>
    public Block Delta { get; }

    /// <summary>The 0-labels of input group <paramref name="group"/>, bit 0 first.</summary>
    public ReadOnlySpan<Block> ZeroLabels(int group) => _zero[CheckGroup(group)];

    internal Block[] ZeroLabelsArray(int group) => _zero[CheckGroup(group)];

    /// <summary>The 0-labels of the input group named <paramref name="name"/>.</summary>
    public ReadOnlySpan<Block> ZeroLabels(string name) => ZeroLabels(IndexOf(name));

    /// <summary>The labels that encode <paramref name="bits"/> on input group <paramref name="group"/>.</summary>
    public Block[] Encode(int group, ReadOnlySpan<bool> bits)
    {
        var zero = _zero[CheckGroup(group)];
        if (bits.Length != zero.Length)
            throw new ArgumentException($"input '{_circuit.Inputs[group].Name}' has {zero.Length} bits, {bits.Length} were given", nameof(bits));
        var labels = new Block[zero.Length];
        for (int b = 0; b < labels.Length; b++) labels[b] = zero[b] ^ Block.Select(bits[b], Delta);
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
        if ((uint)group >= (uint)_zero.Length) throw new ArgumentOutOfRangeException(nameof(group), $"input group {group} does not exist (the circuit has {_zero.Length})");
        return group;
    }
}
