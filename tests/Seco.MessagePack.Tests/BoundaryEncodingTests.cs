using System.Globalization;
using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests;

/// <summary>Exact bytes for every edge of every format, and that the reader maps them back.</summary>
public class BoundaryEncodingTests
{
    [Theory]
    [InlineData("0", "00")]
    [InlineData("127", "7f")]
    [InlineData("128", "cc80")]
    [InlineData("255", "ccff")]
    [InlineData("256", "cd0100")]
    [InlineData("65535", "cdffff")]
    [InlineData("65536", "ce00010000")]
    [InlineData("4294967295", "ceffffffff")]              // uint.MaxValue
    [InlineData("4294967296", "cf0000000100000000")]      // uint.MaxValue + 1
    [InlineData("9223372036854775807", "cf7fffffffffffffff")] // long.MaxValue: positive, so uint 64
    [InlineData("18446744073709551615", "cfffffffffffffffff")] // ulong.MaxValue
    public void Unsigned_values_use_the_smallest_unsigned_format(string value, string hex)
    {
        ulong v = ulong.Parse(value, CultureInfo.InvariantCulture);
        Assert.Equal(hex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteUInt64(v)));
        var reader = new MessagePackReader(Mp.Bytes(hex));
        Assert.Equal(v, reader.ReadUInt64());
        Assert.True(reader.End);
        if (v <= long.MaxValue)
        {
            // The same value through the signed API gives the same bytes (positive => uint formats) and reads back.
            Assert.Equal(hex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt64((long)v)));
            Assert.Equal((long)v, new MessagePackReader(Mp.Bytes(hex)).ReadInt64());
        }
    }

    [Theory]
    [InlineData(-1L, "ff")]
    [InlineData(-32L, "e0")]
    [InlineData(-33L, "d0df")]
    [InlineData(-128L, "d080")]
    [InlineData(-129L, "d1ff7f")]
    [InlineData(-32768L, "d18000")]
    [InlineData(-32769L, "d2ffff7fff")]
    [InlineData(-2147483648L, "d280000000")]              // int.MinValue
    [InlineData(-2147483649L, "d3ffffffff7fffffff")]      // int.MinValue - 1
    [InlineData(long.MinValue, "d38000000000000000")]
    public void Negative_values_use_the_smallest_signed_format(long value, string hex)
    {
        Assert.Equal(hex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt64(value)));
        var reader = new MessagePackReader(Mp.Bytes(hex));
        Assert.Equal(value, reader.ReadInt64());
        Assert.True(reader.End);
    }

    [Fact]
    public void Smaller_integer_overloads_pick_the_encoding_by_value()
    {
        Assert.Equal("05", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt64(5)));
        Assert.Equal("05", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt32(5)));
        Assert.Equal("ccc8", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt16(200)));
        Assert.Equal("ccc8", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteByte(200)));
        Assert.Equal("fb", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteSByte(-5)));
        Assert.Equal("d1ff38", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt16(-200)));
        Assert.Equal("cdffff", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteUInt16(ushort.MaxValue)));
        Assert.Equal("ce80000000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteUInt32(0x8000_0000)));
        Assert.Equal("d280000000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteInt32(int.MinValue)));
    }

    [Fact]
    public void Nil_and_booleans()
    {
        Assert.Equal("c0c3c2", Mp.EncodeHex((ref MessagePackWriter w) =>
        {
            w.WriteNil();
            w.Write(true);
            w.Write(false);
        }));
    }

    [Fact]
    public void Floats_keep_their_width_and_bits()
    {
        Assert.Equal("ca3fc00000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteSingle(1.5f)));
        Assert.Equal("cb3ff8000000000000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteDouble(1.5)));
        Assert.Equal("cb8000000000000000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteDouble(-0.0)));
        Assert.Equal("cb7ff0000000000000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteDouble(double.PositiveInfinity)));
        Assert.Equal("caff800000", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteSingle(float.NegativeInfinity)));
        double nan = BitConverter.UInt64BitsToDouble(0x7ff8_0000_0000_0123);
        string nanHex = Mp.EncodeHex((ref MessagePackWriter w) => w.WriteDouble(nan));
        Assert.Equal("cb7ff8000000000123", nanHex);
        Assert.Equal(0x7ff8_0000_0000_0123UL, BitConverter.DoubleToUInt64Bits(new MessagePackReader(Mp.Bytes(nanHex)).ReadDouble()));
    }

    [Theory]
    [InlineData(0, "a0")]
    [InlineData(31, "bf")]
    [InlineData(32, "d920")]
    [InlineData(255, "d9ff")]
    [InlineData(256, "da0100")]
    [InlineData(65535, "daffff")]
    [InlineData(65536, "db00010000")]
    public void String_length_boundaries(int length, string header)
    {
        string value = new('x', length);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteString(value));
        Assert.Equal(header, Mp.Hex(bytes.AsSpan(0, header.Length / 2)));
        Assert.Equal(header.Length / 2 + length, bytes.Length);
        var reader = new MessagePackReader(bytes);
        Assert.Equal(value, reader.ReadString());
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData("", "a0")]
    [InlineData("a", "a161")]
    [InlineData("\u00e9", "a2c3a9")]                 // é: 2 bytes
    [InlineData("\u20ac", "a3e282ac")]               // €: 3 bytes
    [InlineData("\U0001F600", "a4f09f9880")]        // 😀: surrogate pair in UTF-16, 4 bytes in UTF-8
    public void Strings_are_utf8(string value, string hex)
    {
        Assert.Equal(hex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteString(value)));
        Assert.Equal(hex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteStringUtf8(System.Text.Encoding.UTF8.GetBytes(value))));
        Assert.Equal(value, new MessagePackReader(Mp.Bytes(hex)).ReadString());
    }

    [Theory]
    [InlineData(0, "c400")]
    [InlineData(255, "c4ff")]
    [InlineData(256, "c50100")]
    [InlineData(65535, "c5ffff")]
    [InlineData(65536, "c600010000")]
    public void Binary_length_boundaries(int length, string header)
    {
        byte[] payload = new byte[length];
        new Random(length).NextBytes(payload);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteBinary(payload));
        Assert.Equal(header, Mp.Hex(bytes.AsSpan(0, header.Length / 2)));
        Assert.Equal(header.Length / 2 + length, bytes.Length);
        var reader = new MessagePackReader(bytes);
        Assert.True(reader.ReadBinary().SequenceEqual(payload));
        Assert.True(reader.End);
    }

    [Theory]
    [InlineData(0u, "90", "80")]
    [InlineData(15u, "9f", "8f")]
    [InlineData(16u, "dc0010", "de0010")]
    [InlineData(65535u, "dcffff", "deffff")]
    [InlineData(65536u, "dd00010000", "df00010000")]
    [InlineData(uint.MaxValue, "ddffffffff", "dfffffffff")]
    public void Array_and_map_count_boundaries(uint count, string arrayHex, string mapHex)
    {
        Assert.Equal(arrayHex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteArrayHeader(count)));
        Assert.Equal(mapHex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteMapHeader(count)));
        if (count <= 65536)
        {
            // Read back with enough elements present (positive fixint 1 per element / 2 per entry).
            byte[] array = [.. Mp.Bytes(arrayHex), .. Enumerable.Repeat((byte)1, (int)count)];
            var reader = new MessagePackReader(array);
            Assert.Equal((int)count, reader.ReadArrayHeader());
            byte[] map = [.. Mp.Bytes(mapHex), .. Enumerable.Repeat((byte)1, (int)count * 2)];
            reader = new MessagePackReader(map);
            Assert.Equal((int)count, reader.ReadMapHeader());
            reader = new MessagePackReader(map);
            reader.Skip();
            Assert.True(reader.End);
        }
    }

    [Theory]
    [InlineData(1, "d405")]
    [InlineData(2, "d505")]
    [InlineData(4, "d605")]
    [InlineData(8, "d705")]
    [InlineData(16, "d805")]
    [InlineData(0, "c70005")]
    [InlineData(3, "c70305")]
    [InlineData(17, "c71105")]
    [InlineData(255, "c7ff05")]
    [InlineData(256, "c8010005")]
    [InlineData(65535, "c8ffff05")]
    [InlineData(65536, "c90001000005")]
    public void Extension_size_boundaries(int length, string header)
    {
        byte[] payload = new byte[length];
        new Random(length).NextBytes(payload);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteExtension(5, payload));
        Assert.Equal(header, Mp.Hex(bytes.AsSpan(0, header.Length / 2)));
        Assert.Equal(header.Length / 2 + length, bytes.Length);
        var reader = new MessagePackReader(bytes);
        MessagePackExtension ext = reader.ReadExtension();
        Assert.Equal(5, ext.TypeCode);
        Assert.True(ext.Data.SequenceEqual(payload));
        Assert.True(reader.End);
    }

    [Fact]
    public void Negative_extension_type_codes_are_written_as_signed_bytes()
    {
        Assert.Equal("d48001", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteExtension(sbyte.MinValue, [1])));
        Assert.Equal("d47f01", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteExtension(sbyte.MaxValue, [1])));
    }

    [Theory]
    // timestamp 32: nanoseconds 0 and 0 <= seconds < 2^32
    [InlineData(0L, 0u, "d6ff00000000")]
    [InlineData(4294967295L, 0u, "d6ffffffffff")]
    // timestamp 64: 0 <= seconds < 2^34 otherwise (nanoseconds in the top 30 bits)
    [InlineData(4294967296L, 0u, "d7ff0000000100000000")]
    [InlineData(1L, 1u, "d7ff0000000400000001")]
    [InlineData(0L, 500000000u, "d7ff7735940000000000")]
    [InlineData(17179869183L, 999999999u, "d7ffee6b27ffffffffff")]
    // timestamp 96: seconds >= 2^34 or negative
    [InlineData(17179869184L, 0u, "c70cff000000000000000400000000")]
    [InlineData(-1L, 0u, "c70cff00000000ffffffffffffffff")]
    [InlineData(-1L, 999999999u, "c70cff3b9ac9ffffffffffffffffff")]
    [InlineData(long.MinValue, 0u, "c70cff000000008000000000000000")]
    [InlineData(long.MaxValue, 999999999u, "c70cff3b9ac9ff7fffffffffffffff")]
    public void Timestamp_picks_the_32_64_or_96_form(long seconds, uint nanoseconds, string hex)
    {
        Assert.Equal(hex, Mp.EncodeHex((ref MessagePackWriter w) => w.WriteTimestamp(seconds, nanoseconds)));
        MessagePackTimestamp read = new MessagePackReader(Mp.Bytes(hex)).ReadTimestamp();
        Assert.Equal(new MessagePackTimestamp(seconds, nanoseconds), read);
    }

    [Fact]
    public void Timestamp_from_DateTimeOffset_floors_to_a_non_negative_nanosecond_part()
    {
        var before1970 = new DateTimeOffset(1969, 12, 31, 23, 59, 59, 900, TimeSpan.Zero);
        Assert.Equal(new MessagePackTimestamp(-1, 900_000_000), MessagePackTimestamp.FromDateTimeOffset(before1970));
        Assert.Equal("c70cff35a4e900ffffffffffffffff", Mp.EncodeHex((ref MessagePackWriter w) => w.WriteTimestamp(before1970)));

        var withTicks = new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(withTicks));
        Assert.Equal(withTicks, new MessagePackReader(bytes).ReadTimestamp().ToDateTimeOffset());

        Assert.Equal(DateTimeOffset.MinValue, MessagePackTimestamp.FromDateTimeOffset(DateTimeOffset.MinValue).ToDateTimeOffset());
        Assert.Equal(DateTimeOffset.MaxValue, MessagePackTimestamp.FromDateTimeOffset(DateTimeOffset.MaxValue).ToDateTimeOffset());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackTimestamp(long.MaxValue, 0).ToDateTimeOffset());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MessagePackTimestamp(0, 1_000_000_000));
    }
}
