using System.Buffers.Binary;
using Seco.MessagePack;
using Seco.Nn.Field;

namespace Seco.Protocol.Messages;

/// <summary>
/// Field encodings shared by the SECO codecs. Nothing from the wire is trusted: counts, lengths, indices and
/// residues are range-checked here and the error names the field.
/// </summary>
internal static class Wire
{
    /// <summary>Largest vector of Z_p residues in one message (the largest block input is 4096 = n/2).</summary>
    public const int MaxResidues = 1 << 16;

    /// <summary>Largest number of blobs (ciphertexts, chunks, label groups) in one field.</summary>
    public const int MaxBlobs = 1 << 12;

    /// <summary>Largest number of garbled layers in one message.</summary>
    public const int MaxLayers = 256;

    /// <summary>Largest block index (1-based).</summary>
    public const int MaxBlock = 256;

    public static void WriteBlobs(ref MessagePackWriter writer, byte[][] blobs)
    {
        writer.WriteArrayHeader(blobs.Length);
        foreach (byte[] blob in blobs)
            writer.WriteBinary(blob);
    }

    public static byte[] ReadBlob(ref MessagePackReader reader) => reader.ReadBinary().ToArray();

    public static byte[][] ReadBlobs(ref MessagePackReader reader, string field)
    {
        long at = reader.Consumed;
        int count = reader.ReadArrayHeader();
        if (count > MaxBlobs)
            throw new MessagePackException(at, $"{field}: {count} entries exceed the limit of {MaxBlobs}");
        var blobs = new byte[count][];
        for (int i = 0; i < count; i++)
            blobs[i] = reader.ReadBinary().ToArray();
        return blobs;
    }

    /// <summary>Residues mod p as one bin of little-endian 64-bit words (8 bytes each, no per-value headers).</summary>
    public static void WriteResidues(ref MessagePackWriter writer, ulong[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        writer.WriteBinary(bytes);
    }

    public static ulong[] ReadResidues(ref MessagePackReader reader, string field)
    {
        long at = reader.Consumed;
        ReadOnlySpan<byte> bytes = reader.ReadBinary();
        if (bytes.Length % 8 != 0)
            throw new MessagePackException(at, $"{field}: {bytes.Length} bytes is not a whole number of 8-byte residues");
        int count = bytes.Length / 8;
        if (count > MaxResidues)
            throw new MessagePackException(at, $"{field}: {count} residues exceed the limit of {MaxResidues}");
        var values = new ulong[count];
        for (int i = 0; i < count; i++)
        {
            ulong v = BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(i * 8));
            if (v >= PrimeField.P)
                throw new MessagePackException(at, $"{field}[{i}] = {v} is not a residue mod p = {PrimeField.P}");
            values[i] = v;
        }
        return values;
    }

    public static int ReadQuery(ref MessagePackReader reader) => reader.ReadInt32InRange(0, int.MaxValue, "query");

    /// <summary>A user session's number at the gateway (<see cref="Roles.Party.UserOf"/>).</summary>
    public static int ReadUser(ref MessagePackReader reader) => reader.ReadInt32InRange(0, Roles.Party.MaxUsers - 1, "user");

    public static int ReadBlock(ref MessagePackReader reader) => reader.ReadInt32InRange(1, MaxBlock, "block");

    public static OtPurpose ReadPurpose(ref MessagePackReader reader) => ReadEnum<OtPurpose>(ref reader, "OT purpose");

    public static ProtocolPhase ReadPhase(ref MessagePackReader reader) => ReadEnum<ProtocolPhase>(ref reader, "protocol phase");

    /// <summary>An int32 that must name a member of <typeparamref name="T"/>; the error names the field, the value and the members' range.</summary>
    private static T ReadEnum<T>(ref MessagePackReader reader, string field) where T : struct, Enum =>
        (T)(object)reader.ReadInt32InRange(Members<T>.Min, Members<T>.Max, field);

    /// <summary>
    /// The least and greatest member of an int-backed enum whose members are consecutive, so that the range check
    /// admits exactly the defined members; an enum with a gap fails here, at first use, rather than accepting the gap.
    /// </summary>
    internal static class Members<T> where T : struct, Enum
    {
        public static readonly int Min;
        public static readonly int Max;

        static Members()
        {
            if (Enum.GetUnderlyingType(typeof(T)) != typeof(int))
                throw new InvalidOperationException($"{typeof(T).Name} is not int-backed: its members are written as int32");
            int[] values = Enum.GetValues<T>().Select(v => Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToArray();
            (Min, Max) = (values[0], values[^1]);
            if (values.Length != Max - Min + 1)
                throw new InvalidOperationException($"{typeof(T).Name} has gaps between {Min} and {Max}: a range check would accept undefined values");
        }
    }

    public static void WriteLayers(ref MessagePackWriter writer, GarbledLayer[] layers)
    {
        writer.WriteArrayHeader(layers.Length);
        foreach (GarbledLayer layer in layers)
        {
            writer.WriteArrayHeader(4);
            writer.WriteInt32(layer.Block);
            WriteBlobs(ref writer, layer.Chunks);
            writer.WriteBinary(layer.Decoding);
            WriteBlobs(ref writer, layer.GarblerLabels);
        }
    }

    public static GarbledLayer[] ReadLayers(ref MessagePackReader reader, string field)
    {
        long at = reader.Consumed;
        int count = reader.ReadArrayHeader();
        if (count > MaxLayers)
            throw new MessagePackException(at, $"{field}: {count} layers exceed the limit of {MaxLayers}");
        var layers = new GarbledLayer[count];
        for (int i = 0; i < count; i++)
        {
            long itemAt = reader.Consumed;
            int fields = reader.ReadArrayHeader();
            if (fields != 4)
                throw new MessagePackException(itemAt, $"{field}[{i}]: a garbled layer has 4 fields, not {fields}");
            int block = ReadBlock(ref reader);
            layers[i] = new GarbledLayer(block, ReadBlobs(ref reader, $"{field}[{i}].chunks"), ReadBlob(ref reader), ReadBlobs(ref reader, $"{field}[{i}].labels"));
        }
        return layers;
    }
}
