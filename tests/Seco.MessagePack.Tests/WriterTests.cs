using System.Buffers;
using System.Text;
using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests;

public class WriterTests
{
    [Fact]
    public void Nothing_reaches_the_buffer_writer_before_Flush()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteInt32(1);
        writer.WriteString("abc");
        Assert.Equal(0, buffer.WrittenCount);
        Assert.Equal(5, writer.BytesWritten);
        writer.Flush();
        Assert.Equal(5, buffer.WrittenCount);
        writer.Flush(); // idempotent
        writer.WriteNil();
        writer.Flush();
        Assert.Equal("01a3616263c0", Mp.Hex(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void WriteString_rejects_invalid_UTF16(int caseIndex)
    {
        // Built in code: xunit's theory-data serialization would turn lone surrogates into U+FFFD.
        string value = caseIndex switch
        {
            0 => "a" + (char)0xD800,              // lone high surrogate at the end
            1 => (char)0xDC00 + "b",              // lone low surrogate
            _ => "x" + (char)0xD800 + "y",        // high surrogate not followed by a low one
        };
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        ArgumentException e = ExpectArgumentException(ref writer, value);
        Assert.Contains("unpaired surrogate", e.Message, StringComparison.Ordinal);
        writer.Flush();
        Assert.Equal(0, buffer.WrittenCount); // nothing half-written
    }

    private static ArgumentException ExpectArgumentException(ref MessagePackWriter writer, string value)
    {
        try
        {
            writer.WriteString(value);
        }
        catch (ArgumentException e)
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException("expected ArgumentException");
    }

    [Theory]
    [InlineData("c080", 0)]         // overlong encoding of U+0000
    [InlineData("61eda080", 1)]     // UTF-16 surrogate U+D800 encoded in UTF-8
    [InlineData("f4908080", 0)]     // U+110000, above the Unicode range
    [InlineData("61e282", 1)]       // truncated 3-byte sequence
    [InlineData("6180", 1)]         // lone continuation byte
    [InlineData("ff", 0)]
    public void WriteStringUtf8_rejects_ill_formed_UTF8(string hex, int index)
    {
        byte[] utf8 = Mp.Bytes(hex);
        var e = Assert.Throws<ArgumentException>(() => Mp.Encode((ref MessagePackWriter w) => w.WriteStringUtf8(utf8)));
        Assert.Contains($"index {index}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Streamed_binary_equals_one_shot_binary()
    {
        byte[] payload = new byte[70_000];
        new Random(1).NextBytes(payload);
        byte[] oneShot = Mp.Encode((ref MessagePackWriter w) => w.WriteBinary(payload));
        byte[] streamed = Mp.Encode((ref MessagePackWriter w) =>
        {
            w.WriteBinaryHeader(payload.Length);
            w.WritePayload(payload.AsSpan(0, 1000));
            // Produce part of the payload in place, as an encryptor writing its output directly would.
            Span<byte> target = w.GetPayloadSpan(5000);
            Assert.InRange(target.Length, 5000, payload.Length - 1000);
            payload.AsSpan(1000, 5000).CopyTo(target);
            w.AdvancePayload(5000);
            Assert.Equal(payload.Length - 6000, w.PendingPayloadLength);
            w.WritePayload(payload.AsSpan(6000));
            Assert.Equal(0, w.PendingPayloadLength);
            w.WriteNil();
        });
        Assert.Equal([.. oneShot, MessagePackCode.Nil], streamed);
    }

    [Fact]
    public void Streamed_payload_must_be_complete_before_the_next_value()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        writer.WriteExtensionHeader(7, 4);
        writer.WritePayload([1, 2]);
        var tooMuch = CaptureInvalidOperation(ref writer, static (ref MessagePackWriter w) => w.WritePayload([3, 4, 5]));
        Assert.Contains("exceeds the 2 bytes", tooMuch.Message, StringComparison.Ordinal);
        var early = CaptureInvalidOperation(ref writer, static (ref MessagePackWriter w) => w.WriteInt32(1));
        Assert.Contains("2 more payload bytes", early.Message, StringComparison.Ordinal);
        writer.WritePayload([3, 4]);
        writer.WriteInt32(1);
        var none = CaptureInvalidOperation(ref writer, static (ref MessagePackWriter w) => w.GetPayloadSpan());
        Assert.Contains("No bin/ext payload is open", none.Message, StringComparison.Ordinal);
        writer.Flush();
        Assert.Equal("d6070102030401", Mp.Hex(buffer.WrittenSpan));
    }

    private static InvalidOperationException CaptureInvalidOperation(ref MessagePackWriter writer, WriteAction action)
    {
        try
        {
            action(ref writer);
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException("expected InvalidOperationException");
    }

    [Fact]
    public void Writes_through_a_buffer_writer_with_minimal_spans()
    {
        byte[] big = new byte[3000];
        new Random(2).NextBytes(big);
        WriteAction everything = (ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(8);
            w.WriteInt64(long.MinValue);
            w.WriteUInt64(ulong.MaxValue);
            w.WriteDouble(Math.PI);
            w.WriteString("h\u00e9llo \U0001F600 w\u00f6rld");
            w.WriteBinary(big);
            w.WriteExtension(3, big.AsSpan(0, 300));
            w.WriteTimestamp(-5, 7);
            w.WriteRaw(Mp.Bytes("92c0c3"));
        };
        byte[] expected = Mp.Encode(everything);
        var tiny = new TinySpanBufferWriter();
        var writer = new MessagePackWriter(tiny);
        everything(ref writer);
        writer.Flush();
        Assert.Equal(expected, tiny.WrittenBytes);
        Assert.True(tiny.GetSpanCalls > 8);
    }

    [Fact]
    public void Writing_does_not_allocate()
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        byte[] payload = new byte[4096];
        byte[] utf8 = Encoding.UTF8.GetBytes("gr\u00fc\u00dfe");
        WriteMany(buffer, payload, utf8); // warm up (JIT, static fields)
        buffer.ResetWrittenCount();
        long before = GC.GetAllocatedBytesForCurrentThread();
        WriteMany(buffer, payload, utf8);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    private static void WriteMany(ArrayBufferWriter<byte> buffer, byte[] payload, byte[] utf8)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(1000);
        for (int i = 0; i < 100; i++)
        {
            writer.WriteInt64(-i * 100_000L);
            writer.WriteUInt64((ulong)i << 40);
            writer.WriteDouble(i);
            writer.WriteString("key");
            writer.WriteStringUtf8(utf8);
            writer.WriteBinary(payload);
            writer.WriteExtension(1, payload.AsSpan(0, 16));
            writer.WriteTimestamp(i, 5);
            writer.WriteMapHeader(0);
            writer.WriteNil();
        }
        writer.Flush();
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp.Encode((ref MessagePackWriter w) => w.WriteArrayHeader(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp.Encode((ref MessagePackWriter w) => w.WriteMapHeader(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp.Encode((ref MessagePackWriter w) => w.WriteBinaryHeader(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(0, 1_000_000_000)));
        Assert.Throws<ArgumentNullException>(() => new MessagePackWriter(null!));
    }
}
