using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests.Interop;

/// <summary>One corpus value, as C# writes it and as the npm encoding of the JS twin decodes.</summary>
/// <param name="Name">Same name as in tests/interop/msgpack-crosscheck.mjs.</param>
/// <param name="Value">What our writer encodes.</param>
/// <param name="NpmDecoded">What our reader must decode from the npm bytes, when that differs from <paramref name="Value"/>.</param>
/// <param name="BytesDiffer">Why our bytes legitimately differ from npm's, or null when they must be identical.</param>
public sealed record InteropEntry(string Name, MpValue Value, MpValue? NpmDecoded = null, string? BytesDiffer = null)
{
    public MpValue ExpectedFromNpm => NpmDecoded ?? Value;
}

/// <summary>
/// The typed twin of the corpus in tests/interop/msgpack-crosscheck.mjs (same names, same values, same order).
/// The test also checks that node's description of each JS value equals ours, so the two lists cannot drift apart.
/// </summary>
public static class InteropCorpus
{
    private const string BigIntReason =
        "@msgpack/msgpack with useBigInt64 writes every BigInt as uint 64/int 64 regardless of its value; we write the smallest form";

    private const string IntegralNumberReason =
        "JavaScript has one number type and @msgpack/msgpack writes integral numbers (even -0) as integers; our WriteDouble keeps float 64";

    public static IReadOnlyList<InteropEntry> Entries { get; } = Build();

    private static MpInt I(Int128 v) => new(v);

    private static MpBin Pattern(int length, int seed) => new(PatternBytes(length, seed));

    private static byte[] PatternBytes(int length, int seed) =>
        Enumerable.Range(0, length).Select(i => (byte)((i * 31 + seed) & 0xff)).ToArray();

    private static MpArray MixedInts(int length) =>
        new(Enumerable.Range(0, length).Select(i => (MpValue)I((i % 200) - 50)).ToArray());

    private static MpMap NumberedMap(int n) =>
        new(Enumerable.Range(0, n).Select(i => ((MpValue)new MpStr($"k{i}"), (MpValue)I(i))).ToArray());

    private static MpMap Map(params (string Key, MpValue Value)[] entries) =>
        new(entries.Select(e => ((MpValue)new MpStr(e.Key), e.Value)).ToArray());

    private static MpArray Arr(params MpValue[] items) => new(items);

    private static IReadOnlyList<InteropEntry> Build()
    {
        var e = new List<InteropEntry>
        {
            new("nil", MpNil.Instance),
            new("true", new MpBool(true)),
            new("false", new MpBool(false)),

            new("uint-0", I(0)),
            new("uint-127", I(127)),
            new("uint-128", I(128)),
            new("uint-255", I(255)),
            new("uint-256", I(256)),
            new("uint-65535", I(65535)),
            new("uint-65536", I(65536)),
            new("uint-4294967295", I(4294967295)),
            new("uint-4294967296", I(4294967296)),
            new("uint-9007199254740993", I(9007199254740993)),
            new("int64-max", I(long.MaxValue)),
            new("uint64-max", I(ulong.MaxValue)),
            new("int--1", I(-1)),
            new("int--32", I(-32)),
            new("int--33", I(-33)),
            new("int--128", I(-128)),
            new("int--129", I(-129)),
            new("int--32768", I(-32768)),
            new("int--32769", I(-32769)),
            new("int--2147483648", I(int.MinValue)),
            new("int--2147483649", I((long)int.MinValue - 1)),
            new("int64-min", I(long.MinValue)),
            new("bigint-small-5", I(5), BytesDiffer: BigIntReason),
            new("bigint-small--5", I(-5), BytesDiffer: BigIntReason),

            new("f64-1.5", new MpFloat64(1.5)),
            new("f64-pi", new MpFloat64(Math.PI)),
            new("f64-tiny", new MpFloat64(-1e-300)),
            new("f64-subnormal", new MpFloat64(double.Epsilon)),
            new("f64-max", new MpFloat64(double.MaxValue)),
            new("f64-2^53", new MpFloat64(9007199254740992.0)),
            new("f64-inf", new MpFloat64(double.PositiveInfinity)),
            new("f64--inf", new MpFloat64(double.NegativeInfinity)),
            // JS writes the canonical quiet NaN 0x7ff8...; C#'s double.NaN is 0xfff8..., and we keep NaN bits as given.
            new("f64-nan", new MpFloat64(BitConverter.UInt64BitsToDouble(0x7ff8_0000_0000_0000))),
            new("f64-integral-1", new MpFloat64(1.0), NpmDecoded: I(1), BytesDiffer: IntegralNumberReason),
            new("f64-neg-zero", new MpFloat64(-0.0), NpmDecoded: I(0), BytesDiffer: IntegralNumberReason),
            new("f32-1.5", new MpFloat32(1.5f)),
            new("f32-0.1", new MpFloat32(0.1f)),
            new("f32--inf", new MpFloat32(float.NegativeInfinity)),
            new("f32-max", new MpFloat32(float.MaxValue)),

            new("str-empty", new MpStr("")),
            new("str-a", new MpStr("a")),
            new("str-latin", new MpStr("h\u00e9llo w\u00f6rld")),
            new("str-cjk", new MpStr("\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8")),
            new("str-emoji", new MpStr("\U0001F600\U0001F44D\U0001F3FD non-BMP")),
            new("str-2byte-32", new MpStr(string.Concat(Enumerable.Repeat("\u00e9", 16)))),
            new("str-31", new MpStr(new string('x', 31))),
            new("str-32", new MpStr(new string('x', 32))),
            new("str-255", new MpStr(new string('x', 255))),
            new("str-256", new MpStr(new string('x', 256))),
            new("str-65535", new MpStr(new string('x', 65535))),
            new("str-65536", new MpStr(new string('x', 65536))),

            new("bin-0", Pattern(0, 1)),
            new("bin-1", Pattern(1, 1)),
            new("bin-255", Pattern(255, 2)),
            new("bin-256", Pattern(256, 3)),
            new("bin-65535", Pattern(65535, 4)),
            new("bin-65536", Pattern(65536, 5)),

            new("array-0", Arr()),
            new("array-15", MixedInts(15)),
            new("array-16", MixedInts(16)),
            new("array-65535", MixedInts(65535)),
            new("array-65536", MixedInts(65536)),
            new("array-nested", Arr(Arr(), Arr(Arr()), Arr(I(1), Arr(I(2), Arr(I(3), Map(("a", MpNil.Instance))))), new MpStr("x"), I(-1))),
            new("array-mixed", Arr(MpNil.Instance, new MpBool(true), new MpBool(false), new MpFloat64(1.5), new MpStr("s"), Pattern(3, 9), I(-200), I(70000), I(-70000))),

            new("map-0", Map()),
            new("map-1", Map(("a", I(1)))),
            new("map-15", NumberedMap(15)),
            new("map-16", NumberedMap(16)),
            new("map-65536", NumberedMap(65536)),
            new("map-nested", Map(
                ("outer", Map(("inner", Arr(I(1), Map(("deep", new MpStr("yes"))))))),
                ("list", Arr(Map(), Arr())),
                ("\u00fcml\u00e4ut", new MpStr("\U0001F600")))),
        };
        foreach (int size in new[] { 0, 1, 2, 3, 4, 8, 16, 17, 255, 256, 65535, 65536 })
        {
            e.Add(new($"ext-{size}", new MpExt(1, PatternBytes(size, 7))));
        }
        e.Add(new("ext-type-min", new MpExt(sbyte.MinValue, PatternBytes(4, 8))));
        e.Add(new("ext-type-max", new MpExt(sbyte.MaxValue, PatternBytes(5, 8))));
        e.AddRange(
        [
            new("ts-zero", new MpTimestamp(0, 0)),
            new("ts-u32max", new MpTimestamp(4294967295, 0)),
            new("ts-2^32", new MpTimestamp(4294967296, 0)),
            new("ts-1s-1ns", new MpTimestamp(1, 1)),
            new("ts-34bit-max", new MpTimestamp(17179869183, 999999999)),
            new("ts-2^34", new MpTimestamp(17179869184, 0)),
            new("ts-neg", new MpTimestamp(-1, 0)),
            new("ts-neg-nanos", new MpTimestamp(-1, 999999999)),
            new("ts-year1", new MpTimestamp(-62135596800, 0)),
            new("ts-year9999", new MpTimestamp(253402300799, 999999999)),
            new("ts-date", new MpTimestamp(1700000000, 123000000)),
        ]);
        return e;
    }
}
