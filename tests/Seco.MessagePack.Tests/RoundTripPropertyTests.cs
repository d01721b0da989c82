using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests;

/// <summary>FsCheck properties, run from plain facts; a failure throws with the shrunk counterexample.</summary>
public class RoundTripPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static void Check<T>(Gen<T> gen, Func<T, bool> property, int maxTest = 300) =>
        Prop.ForAll(gen.ToArbitrary(), property).Check(Quick.WithMaxTest(maxTest));

    private static void CheckAction<T>(Gen<T> gen, Action<T> property, int maxTest = 300) =>
        Prop.ForAll(gen.ToArbitrary(), property).Check(Quick.WithMaxTest(maxTest));

    [Fact]
    public void Int64_round_trips_in_the_smallest_encoding() => Check(Generators.Int64, v =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteInt64(v));
        var reader = new MessagePackReader(bytes);
        return reader.ReadInt64() == v && reader.End && bytes.Length == ExpectedIntegerLength(v);
    }, 1000);

    [Fact]
    public void UInt64_round_trips_in_the_smallest_encoding() => Check(Generators.UInt64, v =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteUInt64(v));
        var reader = new MessagePackReader(bytes);
        return reader.ReadUInt64() == v && reader.End && bytes.Length == ExpectedIntegerLength(v);
    }, 1000);

    [Fact]
    public void Narrow_integer_reads_succeed_exactly_when_the_value_fits() => Check(Generators.Int64, v =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteInt64(v));
        bool fitsInt32 = v is >= int.MinValue and <= int.MaxValue;
        var reader = new MessagePackReader(bytes);
        bool int32Ok = reader.TryReadInt32(out int i32) == fitsInt32 && (!fitsInt32 || (i32 == v && reader.End));
        reader = new MessagePackReader(bytes);
        bool uint64Ok = reader.TryReadUInt64(out ulong u64) == (v >= 0) && (v < 0 || u64 == (ulong)v);
        bool int16Ok = fitsInt16(v) ? ReadInt16(bytes) == v : ThrowsOverflow(bytes);
        return int32Ok && uint64Ok && int16Ok;

        static bool fitsInt16(long x) => x is >= short.MinValue and <= short.MaxValue;
    }, 500);

    private static short ReadInt16(byte[] bytes) => new MessagePackReader(bytes).ReadInt16();

    private static bool ThrowsOverflow(byte[] bytes)
    {
        try
        {
            new MessagePackReader(bytes).ReadInt16();
            return false;
        }
        catch (MessagePackException e)
        {
            return e.Message.Contains("out of range", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Double_bits_round_trip_including_NaN_payloads() => Check(Generators.Double, v =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteDouble(v));
        return bytes.Length == 9 && BitConverter.DoubleToUInt64Bits(new MessagePackReader(bytes).ReadDouble()) == BitConverter.DoubleToUInt64Bits(v);
    }, 500);

    [Fact]
    public void Single_bits_round_trip_and_widen_exactly() => Check(Generators.Single, v =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteSingle(v));
        bool same = BitConverter.SingleToUInt32Bits(new MessagePackReader(bytes).ReadSingle()) == BitConverter.SingleToUInt32Bits(v);
        double widened = new MessagePackReader(bytes).ReadDouble();
        return bytes.Length == 5 && same && (float.IsNaN(v) ? double.IsNaN(widened) : widened == v);
    }, 500);

    [Fact]
    public void Strings_round_trip_as_UTF8_including_non_BMP() => Check(Generators.Text, s =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteString(s));
        byte[] utf8 = Encoding.UTF8.GetBytes(s);
        var reader = new MessagePackReader(bytes);
        var spanReader = new MessagePackReader(bytes);
        return reader.ReadString() == s && reader.End
            && spanReader.ReadStringUtf8().SequenceEqual(utf8)
            && bytes.AsSpan().SequenceEqual(Mp.Encode((ref MessagePackWriter w) => w.WriteStringUtf8(utf8)));
    }, 500);

    [Fact]
    public void Timestamps_round_trip_and_use_the_smallest_form() => Check(Generators.Timestamp, t =>
    {
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(t.Seconds, t.Nanoseconds));
        MessagePackTimestamp read = new MessagePackReader(bytes).ReadTimestamp();
        int expectedLength = t.Seconds is >= 0 and < 1L << 34
            ? (t.Nanoseconds == 0 && t.Seconds < 1L << 32 ? 6 : 10)
            : 15;
        return read.Seconds == t.Seconds && read.Nanoseconds == t.Nanoseconds && bytes.Length == expectedLength;
    }, 500);

    [Fact]
    public void DateTimeOffsets_round_trip_exactly() => Check(Generators.AnyBits64, bits =>
    {
        long ticks = (long)(bits % (ulong)DateTimeOffset.MaxValue.UtcTicks);
        var value = new DateTimeOffset(ticks, TimeSpan.Zero);
        byte[] bytes = Mp.Encode((ref MessagePackWriter w) => w.WriteTimestamp(value));
        return new MessagePackReader(bytes).ReadTimestamp().ToDateTimeOffset() == value;
    }, 500);

    [Fact]
    public void Nested_values_round_trip_and_Skip_covers_them_exactly() => CheckAction(Generators.Value, value =>
    {
        byte[] bytes = MpCodec.Encode(value);
        Assert.Equal(value.Describe(), MpCodec.Decode(bytes).Describe());
        var reader = new MessagePackReader(bytes);
        reader.Skip();
        Assert.True(reader.End);
        Assert.Equal(0, reader.Depth);
    }, 400);

    [Fact]
    public void Every_strict_prefix_of_a_value_is_rejected_as_truncated() => CheckAction(Generators.Value, value =>
    {
        byte[] bytes = MpCodec.Encode(value);
        // MessagePack is prefix-free: a strict prefix of one value's encoding is never a complete value.
        foreach (int cut in PrefixLengths(bytes.Length))
        {
            byte[] prefix = bytes[..cut];
            Assert.Throws<MessagePackException>(() => MpCodec.Decode(prefix));
            Assert.Throws<MessagePackException>(() => new MessagePackReader(prefix).Skip());
        }
    }, 150);

    [Fact]
    public void Random_mutations_never_escape_as_anything_but_MessagePackException() => CheckAction(
        Generators.Value.Zip(Generators.AnyBits64), input =>
        {
            (MpValue value, ulong seed) = input;
            byte[] bytes = MpCodec.Encode(value);
            var random = new Random((int)seed);
            for (int round = 0; round < 8; round++)
            {
                byte[] mutated = (byte[])bytes.Clone();
                int flips = 1 + random.Next(3);
                for (int i = 0; i < flips; i++)
                {
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                }
                try
                {
                    MpCodec.Decode(mutated);
                }
                catch (MessagePackException)
                {
                    // The expected outcome for most mutations; anything else (IndexOutOfRange, Overflow, OOM...) fails.
                }
                try
                {
                    var reader = new MessagePackReader(mutated);
                    reader.Skip();
                }
                catch (MessagePackException)
                {
                }
            }
        }, 300);

    private static IEnumerable<int> PrefixLengths(int length)
    {
        // All cuts for short encodings; for long ones the first/last 40 and a stride in between keeps this fast.
        for (int cut = 0; cut < length; cut++)
        {
            if (length <= 200 || cut < 40 || cut > length - 40 || cut % 97 == 0)
            {
                yield return cut;
            }
        }
    }

    private static int ExpectedIntegerLength(long v) => v >= 0
        ? ExpectedIntegerLength((ulong)v)
        : v >= -32 ? 1 : v >= sbyte.MinValue ? 2 : v >= short.MinValue ? 3 : v >= int.MinValue ? 5 : 9;

    private static int ExpectedIntegerLength(ulong v) =>
        v <= 127 ? 1 : v <= byte.MaxValue ? 2 : v <= ushort.MaxValue ? 3 : v <= uint.MaxValue ? 5 : 9;
}
