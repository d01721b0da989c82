using System.Globalization;
using System.Text;

namespace Seco.MessagePack.Tests.Support;

/// <summary>
/// A tiny tree of MessagePack values for round-trip and interop tests. Equality is by <see cref="Describe"/>,
/// an exact textual form (floats by bit pattern, so NaN payloads and -0.0 count).
/// </summary>
public abstract record MpValue
{
    public abstract void Describe(StringBuilder sb);

    public string Describe()
    {
        var sb = new StringBuilder();
        Describe(sb);
        return sb.ToString();
    }

    public sealed override string ToString() => Describe();
}

public sealed record MpNil : MpValue
{
    public static MpNil Instance { get; } = new();
    public override void Describe(StringBuilder sb) => sb.Append("nil");
}

public sealed record MpBool(bool Value) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append(Value ? "true" : "false");
}

/// <summary>Any integer from long.MinValue to ulong.MaxValue.</summary>
public sealed record MpInt(Int128 Value) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("int:").Append(Value.ToString(CultureInfo.InvariantCulture));
}

public sealed record MpFloat32(float Value) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("f32:").Append(BitConverter.SingleToUInt32Bits(Value).ToString("x8", CultureInfo.InvariantCulture));
}

public sealed record MpFloat64(double Value) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("f64:").Append(BitConverter.DoubleToUInt64Bits(Value).ToString("x16", CultureInfo.InvariantCulture));
}

public sealed record MpStr(string Value) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("str:").Append(Mp.Hex(Encoding.UTF8.GetBytes(Value)));
}

public sealed record MpBin(byte[] Value) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("bin:").Append(Mp.Hex(Value));
}

public sealed record MpArray(MpValue[] Items) : MpValue
{
    public override void Describe(StringBuilder sb)
    {
        sb.Append('[');
        for (int i = 0; i < Items.Length; i++)
        {
            if (i > 0) sb.Append(',');
            Items[i].Describe(sb);
        }
        sb.Append(']');
    }
}

public sealed record MpMap((MpValue Key, MpValue Value)[] Entries) : MpValue
{
    public override void Describe(StringBuilder sb)
    {
        sb.Append('{');
        for (int i = 0; i < Entries.Length; i++)
        {
            if (i > 0) sb.Append(',');
            Entries[i].Key.Describe(sb);
            sb.Append("=>");
            Entries[i].Value.Describe(sb);
        }
        sb.Append('}');
    }
}

public sealed record MpExt(sbyte Type, byte[] Data) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("ext(").Append(Type).Append("):").Append(Mp.Hex(Data));
}

public sealed record MpTimestamp(long Seconds, uint Nanoseconds) : MpValue
{
    public override void Describe(StringBuilder sb) => sb.Append("ts:").Append(Seconds).Append('.').Append(Nanoseconds.ToString("D9", CultureInfo.InvariantCulture));
}
