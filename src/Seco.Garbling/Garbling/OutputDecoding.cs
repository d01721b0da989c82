using System.Buffers.Binary;
using Seco.Garbling.Circuits;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Garbling;

/// <summary>
/// What the evaluator needs to turn output labels into bits: for each output wire, the point-and-permute bit of its
/// 0-label. The bit of a label L is lsb(L) ⊕ d. Reveals the outputs and nothing else (the other labels stay secret).
/// </summary>
/// <remarks>Wire form: uint32 LE wire count n, then ⌈n/8⌉ bytes of bits, bit k of the stream at byte k/8, bit k%8.</remarks>
public sealed class OutputDecoding
{
    private readonly bool[] _bits;

    internal OutputDecoding(bool[] bits) => _bits = bits;

    /// <summary>Number of output wires covered.</summary>
    public int Count => _bits.Length;

    /// <summary>Decodes all output wires, in the circuit's output-group order.</summary>
    public bool[] Decode(ReadOnlySpan<Block> outputLabels)
    {
        if (outputLabels.Length != _bits.Length)
            throw new ArgumentException($"{outputLabels.Length} output labels given, the decoding covers {_bits.Length} wires", nameof(outputLabels));
        var result = new bool[_bits.Length];
        for (int i = 0; i < result.Length; i++) result[i] = outputLabels[i].Lsb ^ _bits[i];
        return result;
    }

    /// <summary>Decodes and splits per output group of <paramref name="circuit"/>.</summary>
    public bool[][] Decode(Circuit circuit, ReadOnlySpan<Block> outputLabels)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var bits = Decode(outputLabels);
        var groups = new bool[circuit.Outputs.Count][];
        int at = 0;
        for (int o = 0; o < groups.Length; o++)
        {
            groups[o] = bits.AsSpan(at, circuit.Outputs[o].Width).ToArray();
            at += circuit.Outputs[o].Width;
        }
        return groups;
    }

    /// <summary>Serialized size.</summary>
    public int SerializedSize => 4 + (_bits.Length + 7) / 8;

    /// <summary>The wire form.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[SerializedSize];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, _bits.Length);
        for (int i = 0; i < _bits.Length; i++) if (_bits[i]) bytes[4 + i / 8] |= (byte)(1 << (i % 8));
        return bytes;
    }

    /// <summary>Parses the wire form; <paramref name="expectedCount"/> is the circuit's output width.</summary>
    public static OutputDecoding Read(ReadOnlySpan<byte> source, int expectedCount)
    {
        if (source.Length < 4) throw new FormatException($"output decoding truncated: {source.Length} bytes");
        int n = BinaryPrimitives.ReadInt32LittleEndian(source);
        if (n != expectedCount) throw new FormatException($"output decoding covers {n} wires, the circuit has {expectedCount} output wires");
        int size = 4 + (n + 7) / 8;
        if (source.Length != size) throw new FormatException($"output decoding for {n} wires is {size} bytes, got {source.Length}");
        var bits = new bool[n];
        for (int i = 0; i < n; i++) bits[i] = (source[4 + i / 8] >> (i % 8) & 1) != 0;
        return new OutputDecoding(bits);
    }
}
