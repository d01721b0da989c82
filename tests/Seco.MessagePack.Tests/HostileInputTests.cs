using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests;

/// <summary>
/// Every byte from the network is hostile until validated: each malformed input must produce a
/// MessagePackException whose message names the byte offset and what was expected versus found.
/// </summary>
public class HostileInputTests
{
    [Fact]
    public void Wrong_type_names_offset_expected_and_found()
    {
        // A 16-character fixstr takes bytes 0..16, so the map header sits at byte 17.
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) =>
        {
            w.WriteString("0123456789abcdef");
            w.WriteMapHeader(2);
            w.WriteInt32(1); w.WriteInt32(2); w.WriteInt32(3); w.WriteInt32(4);
        });
        MessagePackException e = Mp.Throws(bytes, (ref MessagePackReader r) =>
        {
            r.ReadString();
            r.ReadBinary();
        });
        Assert.Equal("MessagePack: at byte 17: expected Binary, found Map (fixmap, 0x82)", e.Message);
        Assert.Equal(17, e.Offset);
    }

    [Fact]
    public void Failed_read_leaves_the_position_unchanged()
    {
        var reader = new MessagePackReader(Mp.Bytes("01 cd01"));
        reader.ReadInt32();
        try
        {
            reader.ReadInt32();
            Assert.Fail("expected MessagePackException");
        }
        catch (MessagePackException e)
        {
            Assert.Equal(1, e.Offset);
        }
        Assert.Equal(1, reader.Consumed);
    }

    [Theory]
    [InlineData("", "at byte 0: expected a value, found end of data")]
    [InlineData("cc", "at byte 0: expected 2 bytes for the uint 8 header (0xcc), found only 1 (truncated input)")]
    [InlineData("cd01", "at byte 0: expected 3 bytes for the uint 16 header (0xcd), found only 2 (truncated input)")]
    [InlineData("ce010203", "at byte 0: expected 5 bytes for the uint 32 header (0xce)")]
    [InlineData("cf01020304050607", "at byte 0: expected 9 bytes for the uint 64 header (0xcf), found only 8")]
    [InlineData("d0", "expected 2 bytes for the int 8 header")]
    [InlineData("d1ff", "expected 3 bytes for the int 16 header")]
    [InlineData("d2ffffff", "expected 5 bytes for the int 32 header")]
    [InlineData("d3ffffffffffffff", "expected 9 bytes for the int 64 header")]
    [InlineData("ca3fc000", "expected 5 bytes for the float 32 header")]
    [InlineData("cb3ff80000000000", "expected 9 bytes for the float 64 header")]
    [InlineData("a36162", "at byte 0: expected 3 payload bytes as declared by fixstr (0xa3), found only 2 before the end of data")]
    [InlineData("d9", "expected 2 bytes for the str 8 header")]
    [InlineData("da00", "expected 3 bytes for the str 16 header")]
    [InlineData("db000000", "expected 5 bytes for the str 32 header")]
    [InlineData("c4", "expected 2 bytes for the bin 8 header")]
    [InlineData("c50001", "expected 1 payload bytes as declared by bin 16 (0xc5), found only 0")]
    [InlineData("c6000000", "expected 5 bytes for the bin 32 header")]
    [InlineData("d401", "expected 1 payload bytes as declared by fixext 1 (0xd4), found only 0")]
    [InlineData("d4", "expected 2 bytes for the fixext 1 header")]
    [InlineData("d8010102", "expected 16 payload bytes as declared by fixext 16")]
    [InlineData("c701", "expected 3 bytes for the ext 8 header")]
    [InlineData("c80001", "expected 4 bytes for the ext 16 header")]
    [InlineData("c9000000ff01", "expected 255 payload bytes as declared by ext 32 (0xc9), found only 0")]
    [InlineData("dc00", "expected 3 bytes for the array 16 header")]
    [InlineData("dd000000", "expected 5 bytes for the array 32 header")]
    [InlineData("de00", "expected 3 bytes for the map 16 header")]
    [InlineData("df000000", "expected 5 bytes for the map 32 header")]
    [InlineData("92 9101", "at byte 3: expected a value, found end of data")]   // outer array's 2nd element missing
    [InlineData("81 9101", "at byte 3: expected a value, found end of data")]   // map value missing
    [InlineData("92 01 cd00", "at byte 2: expected 3 bytes for the uint 16 header (0xcd), found only 2")]
    public void Truncated_input_is_rejected_by_Skip(string hex, string expected)
    {
        MessagePackException e = Mp.Throws(hex, (ref MessagePackReader r) => r.Skip());
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("MessagePack: at byte ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_input_is_rejected_by_typed_reads()
    {
        Assert.Contains("at byte 0: expected Nil, found end of data",
            Mp.Throws("", (ref MessagePackReader r) => r.ReadNil()).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 0: expected 9 bytes for the int 64 header (0xd3), found only 3",
            Mp.Throws("d30000", (ref MessagePackReader r) => r.ReadInt64()).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 0: expected 5 payload bytes as declared by str 8 (0xd9), found only 2",
            Mp.Throws("d9056162", (ref MessagePackReader r) => r.ReadString()).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 0: expected 12 payload bytes as declared by ext 8 (0xc7), found only 4",
            Mp.Throws("c70cff00000000", (ref MessagePackReader r) => r.ReadTimestamp()).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 1: expected 4 raw bytes, found only 2",
            Mp.Throws("c0 0102", (ref MessagePackReader r) => { r.ReadNil(); r.ReadRawBytes(4); }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bin32_claiming_4GB_in_a_10_byte_buffer_throws_before_allocating()
    {
        byte[] bytes = Mp.Bytes("c6ffffffff 0102030405");
        Assert.Equal(10, bytes.Length);
        ReadBinaryAndCatch(bytes); // warm up so JIT allocations are not counted
        long before = GC.GetAllocatedBytesForCurrentThread();
        MessagePackException e = ReadBinaryAndCatch(bytes);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal("MessagePack: at byte 0: expected 4294967295 payload bytes as declared by bin 32 (0xc6), found only 5 before the end of data", e.Message);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes while rejecting the header"); // only the exception and its message
        Assert.Throws<MessagePackException>(() => new MessagePackReader(bytes).ReadBinaryMemory());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(bytes).Skip());
    }

    private static MessagePackException ReadBinaryAndCatch(byte[] bytes)
    {
        try
        {
            new MessagePackReader(bytes).ReadBinary();
        }
        catch (MessagePackException e)
        {
            return e;
        }
        throw new Xunit.Sdk.XunitException("expected MessagePackException");
    }

    [Fact]
    public void Array32_claiming_2pow32_minus_1_elements_throws()
    {
        const string expected = "MessagePack: at byte 0: expected a count that fits the 3 bytes remaining, found array 32 (0xdd) declaring 4294967295 elements, which need at least 4294967295 bytes (1 per value)";
        Assert.Equal(expected, Mp.Throws("ddffffffff 010203", (ref MessagePackReader r) => r.ReadArrayHeader()).Message);
        Assert.Equal(expected, Mp.Throws("ddffffffff 010203", (ref MessagePackReader r) => r.Skip()).Message);
        Assert.Equal(expected, Mp.Throws("ddffffffff 010203", (ref MessagePackReader r) => r.TryReadArrayHeader(out _)).Message);
    }

    [Fact]
    public void Counts_are_checked_against_the_remaining_bytes()
    {
        // Map 32 with 2 entries needs 4 values but only 3 bytes follow.
        Assert.Contains("at byte 0: expected a count that fits the 3 bytes remaining, found map 32 (0xdf) declaring 2 entries, which need at least 4 bytes",
            Mp.Throws("df00000002 010203", (ref MessagePackReader r) => r.ReadMapHeader()).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 1: expected a count that fits the 1 bytes remaining, found fixarray (0x93) declaring 3 elements",
            Mp.Throws("91 93 01", (ref MessagePackReader r) => r.Skip()).Message, StringComparison.Ordinal);
        Assert.Contains("at byte 0: expected a count that fits the 65534 bytes remaining, found array 16 (0xdc) declaring 65535 elements",
            Mp.Throws([0xdc, 0xff, 0xff, .. new byte[65534]], (ref MessagePackReader r) => r.ReadArrayHeader()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_100_deep_is_rejected_by_Skip_with_the_default_limit_and_accepted_with_a_higher_one()
    {
        byte[] bytes = [.. Enumerable.Repeat((byte)0x91, 99), 0x90]; // 100 nested arrays, innermost empty
        Assert.Equal(64, MessagePackReaderOptions.Default.MaxDepth);
        MessagePackException e = Mp.Throws(bytes, (ref MessagePackReader r) => r.Skip());
        Assert.Equal("MessagePack: at byte 64: expected nesting depth at most 64 (MessagePackReaderOptions.MaxDepth), found fixarray (0x91) opening depth 65", e.Message);

        var options = new MessagePackReaderOptions { MaxDepth = 100 };
        var reader = new MessagePackReader(bytes, options);
        reader.Skip();
        Assert.True(reader.End);
        Assert.Equal(0, reader.Depth);

        Assert.Throws<MessagePackException>(() => new MessagePackReader(bytes, new MessagePackReaderOptions { MaxDepth = 99 }).Skip());
    }

    [Fact]
    public void Nesting_limit_applies_to_header_reads_and_to_maps()
    {
        byte[] arrays = [.. Enumerable.Repeat((byte)0x91, 64), 0xc0]; // exactly 64 levels: allowed
        var reader = new MessagePackReader(arrays);
        for (int i = 0; i < 64; i++)
        {
            reader.ReadArrayHeader();
        }
        Assert.Equal(64, reader.Depth);
        reader.ReadNil();
        Assert.Equal(0, reader.Depth);

        // {nil: {nil: ... }} 65 maps deep, read by the generic recursive decoder: the reader stops it at depth 65.
        byte[] maps = [.. Enumerable.Range(0, 65).SelectMany(_ => new byte[] { 0x81, 0xc0 }), 0xc0];
        MessagePackException e = Assert.Throws<MessagePackException>(() => MpCodec.Decode(maps));
        Assert.Contains("at byte 128: expected nesting depth at most 64", e.Message, StringComparison.Ordinal);
        Assert.Contains("fixmap (0x81) opening depth 65", e.Message, StringComparison.Ordinal);

        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes("90"), new MessagePackReaderOptions { MaxDepth = 0 }).ReadArrayHeader());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackReaderOptions { MaxDepth = -1 });
    }

    [Theory]
    [InlineData("a2 c328", 1, "0xc3", "fixstr")]                 // lead byte without continuation
    [InlineData("a2 c080", 1, "0xc0", "fixstr")]                 // overlong NUL
    [InlineData("a3 eda080", 1, "0xed", "fixstr")]               // UTF-16 surrogate in UTF-8
    [InlineData("a4 f4908080", 1, "0xf4", "fixstr")]             // above U+10FFFF
    [InlineData("a3 6162 e2", 3, "0xe2", "fixstr")]              // truncated sequence at the end of the string
    [InlineData("d903 61 80 62", 3, "0x80", "str 8")]            // lone continuation byte
    [InlineData("da0002 61ff", 4, "0xff", "str 16")]
    public void Invalid_UTF8_is_rejected_with_the_offset_of_the_bad_byte(string hex, int offset, string badByte, string format)
    {
        MessagePackException e = Mp.Throws(hex, (ref MessagePackReader r) => r.ReadString());
        Assert.Equal(offset, e.Offset);
        Assert.Equal($"MessagePack: at byte {offset}: expected valid UTF-8, found invalid byte {badByte} inside the {format} string that starts at byte 0", e.Message);
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes(hex)).ReadStringUtf8());
        Assert.Throws<MessagePackException>(() => new MessagePackReader(Mp.Bytes(hex)).TryReadStringUtf8(out _));
    }

    [Fact]
    public void Reserved_byte_0xc1_is_rejected_everywhere()
    {
        const string found = "found the reserved byte 0xc1 (never used)";
        Assert.Equal($"MessagePack: at byte 1: expected a value, {found}",
            Mp.Throws("91c1", (ref MessagePackReader r) => r.Skip()).Message);
        Assert.Equal($"MessagePack: at byte 0: expected a value, {found}",
            Mp.Throws("c1", (ref MessagePackReader r) => r.PeekType()).Message);
        Assert.Equal($"MessagePack: at byte 0: expected Integer (Int64), {found}",
            Mp.Throws("c1", (ref MessagePackReader r) => r.ReadInt64()).Message);
        Assert.Equal($"MessagePack: at byte 0: expected Nil, {found}",
            Mp.Throws("c1", (ref MessagePackReader r) => r.ReadNil()).Message);
        Assert.Equal($"MessagePack: at byte 2: expected a value, {found}",
            Mp.Throws("81c0c1", (ref MessagePackReader r) => MpCodec.Read(ref r)).Message);
    }

    [Theory]
    [InlineData("d7ff ee6b2800 00000000", "expected timestamp nanoseconds <= 999999999, found 1000000000")] // 64-bit form, nanos = 10^9
    [InlineData("d7ff ffffffff ffffffff", "expected timestamp nanoseconds <= 999999999, found 1073741823")] // 64-bit form, all 30 bits set
    [InlineData("c70cff 3b9aca00 0000000000000000", "expected timestamp nanoseconds <= 999999999, found 1000000000")]
    [InlineData("c70cff ffffffff 0000000000000000", "expected timestamp nanoseconds <= 999999999, found 4294967295")]
    [InlineData("d5ff 0000", "expected a timestamp payload of 4, 8 or 12 bytes, found 2 bytes (Extension (fixext 2, 0xd5))")]
    [InlineData("c705ff 0000000000", "expected a timestamp payload of 4, 8 or 12 bytes, found 5 bytes (Extension (ext 8, 0xc7))")]
    [InlineData("d605 00000000", "expected Timestamp (ext type -1), found ext type 5 (Extension (fixext 4, 0xd6))")]
    [InlineData("ce00000000", "expected Timestamp (ext type -1), found Integer (uint 32, 0xce)")]
    public void Invalid_timestamps_are_rejected(string hex, string expected)
    {
        MessagePackException e = Mp.Throws(hex, (ref MessagePackReader r) => r.ReadTimestamp());
        Assert.Equal($"MessagePack: at byte 0: {expected}", e.Message);
    }

    [Fact]
    public void Wrong_types_are_named()
    {
        Assert.Equal("MessagePack: at byte 0: expected String, found Binary (bin 8, 0xc4)",
            Mp.Throws("c40161", (ref MessagePackReader r) => r.ReadString()).Message);
        Assert.Equal("MessagePack: at byte 0: expected Array, found Map (map 16, 0xde)",
            Mp.Throws("de0000", (ref MessagePackReader r) => r.ReadArrayHeader()).Message);
        Assert.Equal("MessagePack: at byte 0: expected Boolean, found Nil (nil, 0xc0)",
            Mp.Throws("c0", (ref MessagePackReader r) => r.ReadBoolean()).Message);
        Assert.Equal("MessagePack: at byte 0: expected Extension, found String (fixstr, 0xa0)",
            Mp.Throws("a0", (ref MessagePackReader r) => r.ReadExtension()).Message);
        Assert.Equal("MessagePack: at byte 0: expected Integer (Int32), found Float (float 64, 0xcb)",
            Mp.Throws("cb0000000000000000", (ref MessagePackReader r) => r.ReadInt32()).Message);
        Assert.Equal("MessagePack: at byte 1: expected end of data, found 2 more bytes starting with 0xc0",
            Mp.Throws("c0c0c0", (ref MessagePackReader r) => { r.ReadNil(); r.EnsureEnd(); }).Message);
    }
}
