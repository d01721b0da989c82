using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Seco.MessagePack.Tests.Support;

/// <summary>FsCheck generators biased towards the format boundaries (bit widths, NaN payloads, non-BMP text).</summary>
public static class Generators
{
    private static readonly Gen<uint> AnyUInt32 =
        Gen.Choose(0, ushort.MaxValue).SelectMany(hi => Gen.Choose(0, ushort.MaxValue), (hi, lo) => ((uint)hi << 16) | (uint)lo);

    /// <summary>Uniform 64 random bits.</summary>
    public static readonly Gen<ulong> AnyBits64 =
        AnyUInt32.SelectMany(hi => AnyUInt32, (hi, lo) => ((ulong)hi << 32) | lo);

    private static readonly ulong[] UnsignedEdges =
        [0, 1, 127, 128, 255, 256, 65535, 65536, uint.MaxValue, (ulong)uint.MaxValue + 1, long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue];

    private static readonly long[] SignedEdges =
        [-1, -32, -33, -128, -129, -32768, -32769, int.MinValue, (long)int.MinValue - 1, long.MinValue, long.MaxValue];

    /// <summary>Unsigned values spread over every bit width (so every uint format is hit), plus the edges.</summary>
    public static readonly Gen<ulong> UInt64 = Gen.Frequency(
        (4, Gen.Choose(0, 64).SelectMany(bits => AnyBits64, (bits, v) => bits == 0 ? 0 : v >> (64 - bits))),
        (1, Gen.Elements(UnsignedEdges)));

    /// <summary>Signed values of every bit width and sign, plus the edges.</summary>
    public static readonly Gen<long> Int64 = Gen.Frequency(
        (4, UInt64.Select(v => (long)v)),
        (4, UInt64.Select(v => -(long)(v >> 1) - 1)),
        (1, Gen.Elements(SignedEdges)));

    /// <summary>Any 64-bit pattern (NaNs with payloads, subnormals, ±inf) and the famous values.</summary>
    public static readonly Gen<double> Double = Gen.Frequency(
        (3, AnyBits64.Select(BitConverter.UInt64BitsToDouble)),
        (1, Gen.Elements(double.NaN, -double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0,
            double.Epsilon, double.MaxValue, double.MinValue, 1.0, 0.1, BitConverter.UInt64BitsToDouble(0x7ff0_0000_0000_0001))));

    public static readonly Gen<float> Single = Gen.Frequency(
        (3, AnyUInt32.Select(BitConverter.UInt32BitsToSingle)),
        (1, Gen.Elements(float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0.0f, float.Epsilon, float.MaxValue, 1.5f)));

    /// <summary>Code points from every UTF-8 length class, including non-BMP (surrogate pairs in UTF-16).</summary>
    private static readonly Gen<int> CodePoint = Gen.Frequency(
        (4, Gen.Choose(0x20, 0x7e)),
        (1, Gen.Choose(0x00, 0x1f)),
        (2, Gen.Choose(0x80, 0x7ff)),
        (2, Gen.OneOf(Gen.Choose(0x800, 0xd7ff), Gen.Choose(0xe000, 0xffff))),
        (2, Gen.Choose(0x10000, 0x10ffff)));

    public static readonly Gen<string> Text = Gen.Sized(size =>
        Gen.Choose(0, Math.Max(size, 1) * 2).SelectMany(n => Gen.ArrayOf(CodePoint, n), (_, cps) =>
        {
            var sb = new StringBuilder();
            foreach (int cp in cps)
            {
                sb.Append(new Rune(cp).ToString());
            }
            return sb.ToString();
        }));

    public static readonly Gen<byte[]> Bytes = Gen.Frequency(
        (6, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))),
        (1, Gen.Elements(0, 31, 32, 255, 256, 1000, 65535, 65536).Select(n =>
        {
            var data = new byte[n];
            new Random(n).NextBytes(data);
            return data;
        })));

    /// <summary>Any application or reserved type except -1, which would be (and must be) read back as a timestamp.</summary>
    public static readonly Gen<sbyte> ExtensionType =
        Gen.Choose(-128, 127).Where(t => t != -1).Select(t => (sbyte)t);

    public static readonly Gen<MpTimestamp> Timestamp = Gen.Frequency(
        (2, Gen.Choose(0, 999_999_999).SelectMany(nanos => Int64, (nanos, s) => new MpTimestamp(s, (uint)nanos))),
        (1, Gen.Choose(0, 999_999_999).SelectMany(nanos => AnyBits64, (nanos, s) => new MpTimestamp((long)(s >> 30), (uint)nanos))), // 34-bit range: 64-bit form
        (1, AnyUInt32.Select(s => new MpTimestamp(s, 0)))); // 32-bit form

    public static readonly Gen<MpValue> Scalar = Gen.OneOf(
        Gen.Constant<MpValue>(MpNil.Instance),
        Gen.Elements(true, false).Select(b => (MpValue)new MpBool(b)),
        UInt64.Select(v => (MpValue)new MpInt(v)),
        Int64.Select(v => (MpValue)new MpInt(v)),
        Double.Select(v => (MpValue)new MpFloat64(v)),
        Single.Select(v => (MpValue)new MpFloat32(v)),
        Text.Select(v => (MpValue)new MpStr(v)),
        Bytes.Select(v => (MpValue)new MpBin(v)),
        ExtensionType.SelectMany(t => Bytes, (t, d) => (MpValue)new MpExt(t, d)),
        Timestamp.Select(t => (MpValue)t));

    /// <summary>Values nested up to a few levels, with arrays/maps up to about 20 elements.</summary>
    public static readonly Gen<MpValue> Value = Gen.Sized(size => Tree(Math.Min(size, 20), 4));

    private static Gen<MpValue> Tree(int size, int depth)
    {
        if (depth == 0 || size <= 1)
        {
            return Scalar;
        }
        Gen<MpValue> child = Tree(size / 2, depth - 1);
        return Gen.Frequency(
            (3, Scalar),
            (1, Gen.Choose(0, size).SelectMany(n => Gen.ArrayOf(child, n), (_, items) => (MpValue)new MpArray(items))),
            (1, Gen.Choose(0, size / 2).SelectMany(n => Gen.ArrayOf(child.Zip(child), n),
                (_, pairs) => (MpValue)new MpMap(pairs.Select(p => (p.Item1, p.Item2)).ToArray()))));
    }
}
