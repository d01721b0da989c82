using System.Buffers.Binary;
using Seco.Garbling.Crypto;

namespace Seco.Garbling.Garbling;

/// <summary>
/// A run of consecutive garbled AND tables (two 16-byte rows per gate, half-gates), in the circuit's AND order. The
/// garbler emits chunks as it goes and the evaluator consumes them as they arrive, so neither needs the whole table
/// stream in memory.
/// </summary>
/// <remarks>
/// Wire form (little-endian): byte 0 = format version (1); bytes 1–4 = chunk sequence number, starting at 0;
/// bytes 5–8 = number of AND gates g; then 32·g bytes of tables (per gate: T_G then T_E). Nothing else: the
/// evaluator knows the circuit, so the chunk carries no gate indices.
/// </remarks>
public sealed class GarbledChunk
{
    /// <summary>Format version written in byte 0.</summary>
    public const byte Version = 1;

    /// <summary>Header bytes before the tables.</summary>
    public const int HeaderSize = 9;

    /// <summary>Bytes of garbled table per AND gate.</summary>
    public const int BytesPerAnd = 2 * Block.Size;

    /// <summary>Largest chunk a reader accepts (2^22 AND gates = 128 MiB), so a hostile header cannot demand more.</summary>
    public const int MaxAndGates = 1 << 22;

    private readonly Block[] _tables;

    internal GarbledChunk(int sequence, Block[] tables)
    {
        Sequence = sequence;
        _tables = tables;
    }

    /// <summary>Position of this chunk in the stream (0, 1, 2, …).</summary>
    public int Sequence { get; }

    /// <summary>AND gates covered.</summary>
    public int AndCount => _tables.Length / 2;

    /// <summary>The table rows: 2 per AND gate.</summary>
    public ReadOnlySpan<Block> Tables => _tables;

    /// <summary>Serialized size in bytes.</summary>
    public int SerializedSize => HeaderSize + AndCount * BytesPerAnd;

    /// <summary>Writes the wire form into <paramref name="destination"/> and returns the bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (destination.Length < SerializedSize)
            throw new ArgumentException($"a chunk of {AndCount} AND gates needs {SerializedSize} bytes, the buffer has {destination.Length}", nameof(destination));
        WriteHeader(destination, Sequence, AndCount);
        Block.AsBytes(_tables.AsSpan()).CopyTo(destination[HeaderSize..]);
        return SerializedSize;
    }

    /// <summary>The wire form's header: version, sequence number, AND gate count.</summary>
    internal static void WriteHeader(Span<byte> destination, int sequence, int andCount)
    {
        destination[0] = Version;
        BinaryPrimitives.WriteInt32LittleEndian(destination[1..], sequence);
        BinaryPrimitives.WriteInt32LittleEndian(destination[5..], andCount);
    }

    /// <summary>The wire form as a new array.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[SerializedSize];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Parses and validates a chunk.</summary>
    /// <exception cref="FormatException">Wrong version, truncated, trailing bytes, or a gate count out of range.</exception>
    public static GarbledChunk Read(ReadOnlySpan<byte> source)
    {
        (int sequence, _) = ReadHeader(source);
        return new GarbledChunk(sequence, Block.FromBytes(source[HeaderSize..]).ToArray());
    }

    /// <summary>Validates a chunk's wire form (header and exact length) without copying its tables.</summary>
    /// <exception cref="FormatException">As <see cref="Read"/>.</exception>
    internal static (int Sequence, int AndCount) ReadHeader(ReadOnlySpan<byte> source)
    {
        if (source.Length < HeaderSize)
            throw new FormatException($"garbled chunk truncated: {source.Length} bytes, the header alone is {HeaderSize}");
        if (source[0] != Version)
            throw new FormatException($"garbled chunk has format version {source[0]}, this reader understands {Version}");
        int sequence = BinaryPrimitives.ReadInt32LittleEndian(source[1..]);
        int count = BinaryPrimitives.ReadInt32LittleEndian(source[5..]);
        if (sequence < 0) throw new FormatException($"garbled chunk sequence number {sequence} is negative");
        if (count <= 0 || count > MaxAndGates)
            throw new FormatException($"garbled chunk declares {count} AND gates; a chunk holds 1..{MaxAndGates}");
        long expected = HeaderSize + (long)count * BytesPerAnd;
        if (source.Length < expected)
            throw new FormatException($"garbled chunk {sequence} truncated: {count} AND gates need {expected} bytes, got {source.Length}");
        if (source.Length > expected)
            throw new FormatException($"garbled chunk {sequence} has {source.Length - expected} trailing bytes after its {count} AND gates");
        return (sequence, count);
    }
}
