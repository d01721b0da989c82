using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests;

public class ReaderTests
{
    [Fact]
    public void PeekType_reports_each_family_without_consuming()
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) =>
        {
            w.WriteNil();
            w.Write(true);
            w.WriteInt64(-5);
            w.WriteDouble(1);
            w.WriteString("s");
            w.WriteBinary([1]);
            w.WriteArrayHeader(0);
            w.WriteMapHeader(0);
            w.WriteExtension(1, [1]);
            w.WriteTimestamp(1, 0);
        });
        MessagePackType[] expected =
        [
            MessagePackType.Nil, MessagePackType.Boolean, MessagePackType.Integer, MessagePackType.Float,
            MessagePackType.String, MessagePackType.Binary, MessagePackType.Array, MessagePackType.Map,
            MessagePackType.Extension, MessagePackType.Extension,
        ];
        var reader = new MessagePackReader(bytes);
        foreach (MessagePackType type in expected)
        {
            int before = reader.Consumed;
            Assert.Equal(type, reader.PeekType());
            Assert.Equal(before, reader.Consumed);
            reader.Skip();
        }
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("cf0000000000000005", 5L)]   // uint 64 holding a small value (npm's BigInt encoding)
    [InlineData("d30000000000000005", 5L)]   // int 64 holding a positive value
    [InlineData("d005", 5L)]                 // int 8 holding a positive value
    [InlineData("d1ffff", -1L)]              // int 16 holding -1
    [InlineData("cd0000", 0L)]
    public void Integers_in_non_minimal_encodings_are_accepted(string hex, long value)
    {
        Assert.Equal(value, new MessagePackReader(Mp.Bytes(hex)).ReadInt64());
        Assert.Equal((int)value, new MessagePackReader(Mp.Bytes(hex)).ReadInt32());
        Assert.Equal((sbyte)value, new MessagePackReader(Mp.Bytes(hex)).ReadSByte());
        if (value >= 0)
        {
            Assert.Equal((byte)value, new MessagePackReader(Mp.Bytes(hex)).ReadByte());
            Assert.Equal((ulong)value, new MessagePackReader(Mp.Bytes(hex)).ReadUInt64());
        }
    }

    [Fact]
    public void Integer_reads_check_the_range_of_the_target_type()
    {
        Assert.Equal(ushort.MaxValue, new MessagePackReader(Mp.Bytes("cdffff")).ReadUInt16());
        Assert.Equal(short.MinValue, new MessagePackReader(Mp.Bytes("d18000")).ReadInt16());
        Assert.Equal(uint.MaxValue, new MessagePackReader(Mp.Bytes("ceffffffff")).ReadUInt32());
        Assert.Contains("expected Integer (Int16), found 32768 (uint 16, 0xcd) which is out of range",
            Mp.Throws("cd8000", (ref MessagePackReader r) => r.ReadInt16()).Message, StringComparison.Ordinal);
        Assert.Contains("expected Integer (UInt32), found -1 (negative fixint, 0xff) which is out of range",
            Mp.Throws("ff", (ref MessagePackReader r) => r.ReadUInt32()).Message, StringComparison.Ordinal);
        Assert.Contains("expected Integer (Int64), found 18446744073709551615 (uint 64, 0xcf)",
            Mp.Throws("cfffffffffffffffff", (ref MessagePackReader r) => r.ReadInt64()).Message, StringComparison.Ordinal);
        Assert.Contains("expected Integer (Byte), found 256 (int 16, 0xd1)",
            Mp.Throws("d10100", (ref MessagePackReader r) => r.ReadByte()).Message, StringComparison.Ordinal);
        Assert.Contains("expected Integer (Int32), found 4294967295 (uint 32, 0xce)",
            Mp.Throws("ceffffffff", (ref MessagePackReader r) => r.ReadInt32()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_returns_false_without_consuming_on_another_type_or_overflow()
    {
        var reader = new MessagePackReader(Mp.Bytes("82 cfffffffffffffffff ff c0 c3 cb3ff0000000000000 a161 c40101 91c0"));
        Assert.False(reader.TryReadArrayHeader(out _));
        Assert.False(reader.TryReadNil());
        Assert.True(reader.TryReadMapHeader(out int entries));
        Assert.Equal(2, entries);
        Assert.False(reader.TryReadInt64(out _));      // ulong.MaxValue does not fit
        Assert.Equal(1, reader.Consumed);
        Assert.True(reader.TryReadUInt64(out ulong big));
        Assert.Equal(ulong.MaxValue, big);
        Assert.False(reader.TryReadUInt64(out _));     // -1 is not unsigned
        Assert.True(reader.TryReadInt32(out int minusOne));
        Assert.Equal(-1, minusOne);
        Assert.False(reader.TryReadBoolean(out _));
        Assert.True(reader.TryReadNil());
        Assert.False(reader.TryReadDouble(out _));
        Assert.True(reader.TryReadBoolean(out bool t));
        Assert.True(t);
        Assert.False(reader.TryReadStringUtf8(out _));
        Assert.True(reader.TryReadDouble(out double one));
        Assert.Equal(1.0, one);
        Assert.False(reader.TryReadBinary(out _));
        Assert.True(reader.TryReadStringUtf8(out ReadOnlySpan<byte> a));
        Assert.Equal("a"u8, a);
        Assert.True(reader.TryReadBinary(out ReadOnlySpan<byte> bin));
        Assert.Equal([1], bin.ToArray());
        Assert.True(reader.TryReadArrayHeader(out int one1));
        Assert.Equal(1, one1);
        Assert.True(reader.TryReadNil());
        Assert.True(reader.End);
        Assert.Equal(0, reader.Depth);
    }

    [Fact]
    public void ReadDouble_accepts_float32_and_ReadSingle_rejects_float64()
    {
        Assert.Equal(1.5, new MessagePackReader(Mp.Bytes("ca3fc00000")).ReadDouble());
        Assert.Equal(1.5f, new MessagePackReader(Mp.Bytes("ca3fc00000")).ReadSingle());
        Assert.Contains("expected Float (float 32), found Float (float 64, 0xcb)",
            Mp.Throws("cb3ff8000000000000", (ref MessagePackReader r) => r.ReadSingle()).Message, StringComparison.Ordinal);
        Assert.Contains("expected Float, found Integer (positive fixint, 0x01)",
            Mp.Throws("01", (ref MessagePackReader r) => r.ReadDouble()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Depth_follows_the_structure_without_end_calls()
    {
        // [1, [2, {"k": []}], 3]
        byte[] bytes = Mp.Bytes("93 01 92 02 81 a16b 90 03");
        var reader = new MessagePackReader(bytes);
        var depths = new List<int>();
        Assert.Equal(3, reader.ReadArrayHeader()); depths.Add(reader.Depth);
        reader.ReadInt32(); depths.Add(reader.Depth);
        Assert.Equal(2, reader.ReadArrayHeader()); depths.Add(reader.Depth);
        reader.ReadInt32(); depths.Add(reader.Depth);
        Assert.Equal(1, reader.ReadMapHeader()); depths.Add(reader.Depth);
        reader.ReadString(); depths.Add(reader.Depth);
        Assert.Equal(0, reader.ReadArrayHeader()); depths.Add(reader.Depth); // empty: closes the map and the inner array
        reader.ReadInt32(); depths.Add(reader.Depth);
        Assert.Equal([1, 1, 2, 2, 3, 3, 1, 0], depths);
        Assert.True(reader.End);
    }

    [Fact]
    public void Skip_and_ReadRawValue_cover_exactly_one_value()
    {
        byte[] first = MpCodec.Encode(new MpArray([new MpInt(1), new MpMap([(new MpStr("a"), new MpBin([1, 2]))]), new MpTimestamp(-1, 5)]));
        byte[] bytes = [.. first, 0x2a];
        var reader = new MessagePackReader(bytes);
        Assert.Equal(first, reader.ReadRawValue().ToArray());
        Assert.Equal(first.Length, reader.Consumed);
        Assert.Equal(42, reader.ReadInt32());
        reader.EnsureEnd();
    }

    [Fact]
    public void Extension_header_then_raw_payload()
    {
        var reader = new MessagePackReader(Mp.Bytes("c703 05 616263 d6ff00000001"));
        Assert.Equal(new MessagePackExtensionHeader(5, 3), reader.PeekExtensionHeader());
        MessagePackExtensionHeader header = reader.ReadExtensionHeader();
        Assert.Equal(new MessagePackExtensionHeader(5, 3), header);
        Assert.Equal("abc"u8, reader.ReadRawBytes(header.Length));
        Assert.Equal(MessagePackCode.TimestampExtensionType, reader.PeekExtensionHeader().TypeCode);
        MessagePackExtension raw = reader.CreatePeekReader().ReadExtension();
        Assert.Equal(-1, raw.TypeCode);
        Assert.Equal(new MessagePackTimestamp(1, 0), reader.ReadTimestamp());
        Assert.True(reader.End);
    }

    [Fact]
    public void Binary_slices_point_into_the_input()
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => { w.WriteNil(); w.WriteBinary(new byte[1000]); });
        var reader = new MessagePackReader(bytes);
        reader.ReadNil();
        ReadOnlyMemory<byte> slice = reader.ReadBinaryMemory();
        Assert.True(MemoryMarshal.TryGetArray(slice, out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
        Assert.Equal(4, segment.Offset); // c0 c5 03 e8
        Assert.Equal(1000, segment.Count);

        Assert.Throws<InvalidOperationException>(() =>
        {
            var spanReader = new MessagePackReader(bytes.AsSpan());
            spanReader.ReadNil();
            spanReader.ReadBinaryMemory();
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void Sequences_read_like_contiguous_memory(int segmentSize)
    {
        MpValue value = new MpArray(
        [
            new MpStr("multi-segment \U0001F600"), new MpBin(new byte[5000]), new MpInt(ulong.MaxValue),
            new MpMap([(new MpInt(-1), new MpFloat64(double.NaN))]), new MpTimestamp(1L << 40, 1), new MpExt(9, [1, 2, 3]),
        ]);
        byte[] bytes = MpCodec.Encode(value);
        ReadOnlySequence<byte> sequence = SegmentedSequence.Create(bytes, segmentSize);
        Assert.Equal(segmentSize >= bytes.Length, sequence.IsSingleSegment);
        var reader = new MessagePackReader(sequence);
        Assert.Equal(value.Describe(), MpCodec.Read(ref reader).Describe());
        Assert.True(reader.End);
    }

    [Fact]
    public void Single_segment_sequence_is_read_in_place()
    {
        byte[] bytes = Mp.Bytes("c403010203");
        var reader = new MessagePackReader(new ReadOnlySequence<byte>(bytes));
        Assert.True(MemoryMarshal.TryGetArray(reader.ReadBinaryMemory(), out ArraySegment<byte> segment));
        Assert.Same(bytes, segment.Array);
    }

    [Fact]
    public void Peek_reader_is_independent_even_beyond_the_inline_depth()
    {
        // 20 nested arrays of 2 elements each: [[...[1, 2]..., 2], 2]
        byte[] bytes = [.. Enumerable.Repeat((byte)0x92, 20), 0x01, .. Enumerable.Repeat((byte)0x02, 20)];
        var reader = new MessagePackReader(bytes);
        for (int i = 0; i < 20; i++)
        {
            reader.ReadArrayHeader();
        }
        Assert.Equal(20, reader.Depth);
        MessagePackReader peek = reader.CreatePeekReader();
        peek.ReadInt32();
        peek.ReadInt32();
        Assert.Equal(19, peek.Depth);
        Assert.Equal(20, reader.Depth);
        reader.ReadInt32();
        reader.ReadInt32();
        Assert.Equal(19, reader.Depth);
        for (int i = 0; i < 19; i++)
        {
            reader.ReadInt32();
        }
        Assert.Equal(0, reader.Depth);
        reader.EnsureEnd();
    }

    [Fact]
    public void Reading_does_not_allocate()
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(400);
            for (int i = 0; i < 100; i++)
            {
                w.WriteInt64(-i * 1_000_000L);
                w.WriteStringUtf8(Encoding.UTF8.GetBytes("gr\u00fc\u00dfe"));
                w.WriteBinary(new byte[300]);
                w.WriteTimestamp(i, 1);
            }
        });
        ReadAll(bytes); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        long sum = ReadAll(bytes);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.True(sum > 0);
    }

    private static long ReadAll(byte[] bytes)
    {
        var reader = new MessagePackReader(bytes);
        long sum = 0;
        int count = reader.ReadArrayHeader();
        for (int i = 0; i < count / 4; i++)
        {
            sum -= reader.ReadInt64();
            sum += reader.ReadStringUtf8().Length;
            sum += reader.ReadBinary().Length;
            sum += reader.ReadTimestamp().Nanoseconds;
        }
        reader.EnsureEnd();
        return sum;
    }
}
