using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Seco.MessagePack;

namespace Seco.Bench;

/// <summary>
/// Seco.MessagePack on the system's two hot shapes: a 512 KiB bin (a ciphertext) and a 10 000-element array of
/// mixed-width integers. MB/s counts the encoded message size (see <see cref="ThroughputColumn"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class MessagePackBenchmarks
{
    private const int BinaryLength = 512 * 1024;
    private const int IntCount = 10_000;

    private static readonly byte[] Payload = CreatePayload();
    private static readonly long[] Ints = CreateInts();
    private static readonly byte[] EncodedBinary = Encode(static (ref MessagePackWriter w) => w.WriteBinary(Payload));
    private static readonly byte[] EncodedInts = Encode(static (ref MessagePackWriter w) => WriteInts(ref w));

    private readonly ArrayBufferWriter<byte> _output = new(1 << 20);
    private readonly byte[] _copyTarget = new byte[BinaryLength];

    private delegate void WriteAction(ref MessagePackWriter writer);

    /// <summary>Encoded size of the bin message (5-byte bin 32 header + payload).</summary>
    public static long BinaryMessageBytes => EncodedBinary.Length;

    /// <summary>Encoded size of the int array message (header + 1 to 9 bytes per element).</summary>
    public static long IntArrayMessageBytes => EncodedInts.Length;

    [Benchmark]
    [PayloadBytes(nameof(BinaryMessageBytes))]
    public int EncodeBinary512K()
    {
        _output.ResetWrittenCount();
        var writer = new MessagePackWriter(_output);
        writer.WriteBinary(Payload);
        writer.Flush();
        return _output.WrittenCount;
    }

    /// <summary>Zero-copy: ReadBinary returns a slice of the input, so this measures header validation only.</summary>
    [Benchmark]
    [PayloadBytes(nameof(BinaryMessageBytes))]
    public int DecodeBinary512K()
    {
        var reader = new MessagePackReader(EncodedBinary);
        return reader.ReadBinary().Length;
    }

    /// <summary>Decode and copy the payload out, for a figure comparable to the encode side.</summary>
    [Benchmark]
    [PayloadBytes(nameof(BinaryMessageBytes))]
    public int DecodeBinary512KCopy()
    {
        var reader = new MessagePackReader(EncodedBinary);
        ReadOnlySpan<byte> payload = reader.ReadBinary();
        payload.CopyTo(_copyTarget);
        return payload.Length;
    }

    [Benchmark]
    [PayloadBytes(nameof(IntArrayMessageBytes))]
    public int EncodeIntArray10K()
    {
        _output.ResetWrittenCount();
        var writer = new MessagePackWriter(_output);
        WriteInts(ref writer);
        writer.Flush();
        return _output.WrittenCount;
    }

    [Benchmark]
    [PayloadBytes(nameof(IntArrayMessageBytes))]
    public long DecodeIntArray10K()
    {
        var reader = new MessagePackReader(EncodedInts);
        int count = reader.ReadArrayHeader();
        long sum = 0;
        for (int i = 0; i < count; i++)
        {
            sum += reader.ReadInt64();
        }
        return sum;
    }

    private static void WriteInts(ref MessagePackWriter writer)
    {
        writer.WriteArrayHeader(Ints.Length);
        foreach (long value in Ints)
        {
            writer.WriteInt64(value);
        }
    }

    private static byte[] Encode(WriteAction write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] CreatePayload()
    {
        var payload = new byte[BinaryLength];
        new Random(42).NextBytes(payload);
        return payload;
    }

    /// <summary>Every width in equal shares: fixints, 8-, 16-, 32- and 64-bit values of both signs.</summary>
    private static long[] CreateInts()
    {
        var random = new Random(7);
        var values = new long[IntCount];
        for (int i = 0; i < values.Length; i++)
        {
            int bits = (i % 5) switch { 0 => 5, 1 => 8, 2 => 16, 3 => 32, _ => 63 };
            long magnitude = random.NextInt64(1L << (bits - 1), bits == 63 ? long.MaxValue : 1L << bits);
            values[i] = (i & 1) == 0 ? magnitude : -magnitude;
        }
        return values;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn());
    }
}
