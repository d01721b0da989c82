using System.Buffers.Binary;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Garbling;

/// <summary>
/// The active labels of one input group, as they travel to the evaluator: sent by the garbler for its own inputs,
/// or forwarded by a third input provider that obtained them from the garbler by OT (paper §III-B-4: in SECO's
/// F_BC circuits garbler B, evaluator C and provider A; A's labels reveal nothing to C because labels are random and
/// C never sees the other label of any wire).
/// </summary>
/// <remarks>Wire form (little-endian): uint32 input-group index, uint32 label count n, then 16·n bytes.</remarks>
public sealed class InputLabels
{
    private const int HeaderSize = 8;

    /// <summary>Largest group a reader accepts (2^24 wires), so a hostile header cannot demand unbounded memory.</summary>
    public const int MaxLabels = 1 << 24;

    /// <summary>Labels for input group <paramref name="group"/>, bit 0 first.</summary>
    public InputLabels(int group, Block[] labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentNullException.ThrowIfNull(labels);
        Group = group;
        Labels = labels;
    }

    /// <summary>The circuit's input-group index.</summary>
    public int Group { get; }

    /// <summary>One label per wire of the group.</summary>
    public Block[] Labels { get; }

    /// <summary>Serialized size.</summary>
    public int SerializedSize => HeaderSize + Labels.Length * Block.Size;

    /// <summary>The wire form.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[SerializedSize];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, Group);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), Labels.Length);
        Block.AsBytes(Labels.AsSpan()).CopyTo(bytes.AsSpan(HeaderSize));
        return bytes;
    }

    /// <summary>Parses and validates the wire form.</summary>
    /// <exception cref="FormatException">Truncated, trailing bytes, or counts out of range.</exception>
    public static InputLabels Read(ReadOnlySpan<byte> source)
    {
        int group = Validate(source, out ReadOnlySpan<Block> labels);
        return new InputLabels(group, labels.ToArray());
    }

    /// <summary>
    /// As <see cref="Read"/> then <see cref="ApplyTo"/>, straight from the wire form: no copy of the labels (issue 19:
    /// a ReLU layer's labels are ~0.7 MB, copied per message in the online phase).
    /// </summary>
    /// <exception cref="FormatException">As <see cref="Read"/>.</exception>
    public static void ApplyTo(ReadOnlySpan<byte> source, Evaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        int group = Validate(source, out ReadOnlySpan<Block> labels);
        evaluator.SetInput(group, labels);
    }

    private static int Validate(ReadOnlySpan<byte> source, out ReadOnlySpan<Block> labels)
    {
        if (source.Length < HeaderSize) throw new FormatException($"input labels truncated: {source.Length} bytes, the header is {HeaderSize}");
        int group = BinaryPrimitives.ReadInt32LittleEndian(source);
        int count = BinaryPrimitives.ReadInt32LittleEndian(source[4..]);
        if (group < 0) throw new FormatException($"input labels name group {group}");
        if (count < 0 || count > MaxLabels) throw new FormatException($"input labels declare {count} labels; 0..{MaxLabels} allowed");
        long expected = HeaderSize + (long)count * Block.Size;
        if (source.Length < expected) throw new FormatException($"input labels for group {group} truncated: {count} labels need {expected} bytes, got {source.Length}");
        if (source.Length > expected) throw new FormatException($"input labels for group {group} have {source.Length - expected} trailing bytes");
        labels = Block.FromBytes(source[HeaderSize..]);
        return group;
    }

    /// <summary>Hands the labels to <paramref name="evaluator"/> (which checks the group and the width).</summary>
    public void ApplyTo(Evaluator evaluator)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        evaluator.SetInput(Group, Labels);
    }
}
