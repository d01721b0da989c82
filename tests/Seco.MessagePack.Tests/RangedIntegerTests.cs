using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests;

/// <summary>
/// ReadInt64InRange / ReadInt32InRange: the one place codecs check "an integer in min..max". The errors must say
/// where (the offset of the value, not of what follows), which field, what was found and what was allowed, and a
/// failed read must consume nothing.
/// </summary>
public class RangedIntegerTests
{
    [Theory]
    [InlineData("01", 1L)]                    // the bounds themselves are in range
    [InlineData("cd0100", 256L)]
    [InlineData("cf0000000000000005", 5L)]    // any integer format, even non-minimal
    [InlineData("d30000000000000080", 128L)]
    public void Values_in_range_are_read_and_consumed(string hex, long value)
    {
        var reader = new MessagePackReader(Mp.Bytes(hex));
        Assert.Equal(value, reader.ReadInt64InRange(1, 256, "block"));
        Assert.True(reader.End);
        var narrow = new MessagePackReader(Mp.Bytes(hex));
        Assert.Equal((int)value, narrow.ReadInt32InRange(1, 256, "block"));
        Assert.True(narrow.End);
    }

    [Fact]
    public void Full_width_ranges_accept_their_extremes()
    {
        Assert.Equal(long.MinValue, new MessagePackReader(Mp.Bytes("d38000000000000000")).ReadInt64InRange(long.MinValue, long.MaxValue, "x"));
        Assert.Equal(long.MaxValue, new MessagePackReader(Mp.Bytes("cf7fffffffffffffff")).ReadInt64InRange(long.MinValue, long.MaxValue, "x"));
        Assert.Equal(int.MinValue, new MessagePackReader(Mp.Bytes("d280000000")).ReadInt32InRange(int.MinValue, int.MaxValue, "x"));
        Assert.Equal(-3, new MessagePackReader(Mp.Bytes("fd")).ReadInt32InRange(-3, -3, "x"));
    }

    [Theory]
    [InlineData("00", "block 0 is out of range 1..256")]                         // just below
    [InlineData("ff", "block -1 is out of range 1..256")]                        // negative fixint
    [InlineData("cd0101", "block 257 is out of range 1..256")]                   // just above
    [InlineData("d38000000000000000", "block -9223372036854775808 is out of range 1..256")]
    [InlineData("cfffffffffffffffff", "block 18446744073709551615 is out of range 1..256")] // beyond long: still the real value
    public void Values_out_of_range_name_field_value_and_range(string hex, string problem)
    {
        AssertFailsAtOffsetOne(hex, (ref MessagePackReader r) => r.ReadInt64InRange(1, 256, "block"), problem);
        AssertFailsAtOffsetOne(hex, (ref MessagePackReader r) => r.ReadInt32InRange(1, 256, "block"), problem);
    }

    [Fact]
    public void Int32_range_rejects_values_beyond_int32_by_range_not_overflow()
    {
        // 2^32 does not fit an int: the message still names the field and the allowed range.
        AssertFailsAtOffsetOne("cf0000000100000000", (ref MessagePackReader r) => r.ReadInt32InRange(0, int.MaxValue, "query"),
            "query 4294967296 is out of range 0..2147483647");
        AssertFailsAtOffsetOne("ff", (ref MessagePackReader r) => r.ReadInt64InRange(0, long.MaxValue, "request id"),
            "request id -1 is out of range 0..9223372036854775807");
    }

    [Theory]
    [InlineData("a178", "expected block (an integer in 1..256), found String (fixstr, 0xa1)")]
    [InlineData("c0", "expected block (an integer in 1..256), found Nil (nil, 0xc0)")]
    [InlineData("cb3ff0000000000000", "expected block (an integer in 1..256), found Float (float 64, 0xcb)")] // 1.0 is not an integer
    [InlineData("c1", "expected block (an integer in 1..256), found the reserved byte 0xc1 (never used)")]
    public void Other_types_name_the_field_and_what_was_found(string hex, string problem) =>
        AssertFailsAtOffsetOne(hex, (ref MessagePackReader r) => r.ReadInt32InRange(1, 256, "block"), problem);

    [Fact]
    public void End_of_data_names_the_field()
    {
        var e = Mp.Throws("", (ref MessagePackReader r) => r.ReadInt32InRange(1, 256, "block"));
        Assert.Equal(0, e.Offset);
        Assert.Equal("expected block (an integer in 1..256), found end of data", e.Problem);
    }

    [Fact]
    public void Truncated_integer_is_reported_as_truncation()
    {
        // uint 16 with one of its two bytes: malformed input, not a range question.
        var e = Mp.Throws("01cd01", (ref MessagePackReader r) => { r.ReadByte(); r.ReadInt32InRange(1, 256, "block"); });
        Assert.Equal(1, e.Offset);
        Assert.Contains("truncated", e.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_range_is_a_caller_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MessagePackReader(Mp.Bytes("05")).ReadInt64InRange(2, 1, "block"));
        Assert.Contains("empty range 2..1 for block", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Range_read_counts_as_one_value_of_its_array()
    {
        // Depth tracking: after the array's only element, the array is closed and EnsureEnd sees nothing left.
        var reader = new MessagePackReader(Mp.Bytes("9105"));
        Assert.Equal(1, reader.ReadArrayHeader());
        Assert.Equal(5, reader.ReadInt32InRange(0, 9, "x"));
        Assert.Equal(0, reader.Depth);
        reader.EnsureEnd();
    }

    /// <summary>The value sits at byte 1 (after a fixint 0 that is read first), so a wrong offset shows.</summary>
    private static void AssertFailsAtOffsetOne(string valueHex, ReadAction read, string problem)
    {
        int consumed = -1;
        var e = Mp.Throws("00" + valueHex, (ref MessagePackReader r) =>
        {
            r.ReadByte();
            try
            {
                read(ref r);
            }
            finally
            {
                consumed = r.Consumed;
            }
        });
        Assert.Equal(1, e.Offset);
        Assert.Equal(problem, e.Problem);
        Assert.Equal($"MessagePack: at byte 1: {problem}", e.Message);
        Assert.Equal(1, consumed); // all-or-nothing: the failed read consumed nothing
    }
}
