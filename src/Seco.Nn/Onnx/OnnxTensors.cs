using System.Buffers.Binary;
using Seco.Nn.Onnx.Proto;

namespace Seco.Nn.Onnx;

/// <summary>Decodes ONNX <c>TensorProto</c> initializers (raw little-endian data or typed fields).</summary>
internal static class OnnxTensors
{
    public static long ElementCount(TensorProto t)
    {
        long n = 1;
        foreach (long d in t.Dims)
        {
            if (d < 0) throw new FormatException($"tensor '{t.Name}' has a negative dimension {d}");
            n = checked(n * d);
        }
        return n;
    }

    /// <summary>The tensor's values as doubles (FLOAT, DOUBLE, INT32, INT64 tensors).</summary>
    public static double[] ToDoubles(TensorProto t)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new FormatException($"tensor '{t.Name}' keeps its data in an external file, which is not supported");
        long count = ElementCount(t);
        if (count > 256L * 1024 * 1024)
            throw new FormatException($"tensor '{t.Name}' has {count} elements, more than this importer accepts");
        var type = (TensorProto.Types.DataType)t.DataType;
        var values = new double[count];
        ReadOnlySpan<byte> raw = t.HasRawData ? t.RawData.Span : default;
        switch (type)
        {
            case TensorProto.Types.DataType.Float:
                if (t.HasRawData)
                {
                    CheckRaw(t, raw, count, 4);
                    for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(4 * i)..]);
                }
                else
                {
                    CheckCount(t, t.FloatData.Count, count);
                    for (int i = 0; i < count; i++) values[i] = t.FloatData[i];
                }
                break;
            case TensorProto.Types.DataType.Double:
                if (t.HasRawData)
                {
                    CheckRaw(t, raw, count, 8);
                    for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadDoubleLittleEndian(raw[(8 * i)..]);
                }
                else
                {
                    CheckCount(t, t.DoubleData.Count, count);
                    for (int i = 0; i < count; i++) values[i] = t.DoubleData[i];
                }
                break;
            case TensorProto.Types.DataType.Int64:
                if (t.HasRawData)
                {
                    CheckRaw(t, raw, count, 8);
                    for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(raw[(8 * i)..]);
                }
                else
                {
                    CheckCount(t, t.Int64Data.Count, count);
                    for (int i = 0; i < count; i++) values[i] = t.Int64Data[i];
                }
                break;
            case TensorProto.Types.DataType.Int32:
                if (t.HasRawData)
                {
                    CheckRaw(t, raw, count, 4);
                    for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(raw[(4 * i)..]);
                }
                else
                {
                    CheckCount(t, t.Int32Data.Count, count);
                    for (int i = 0; i < count; i++) values[i] = t.Int32Data[i];
                }
                break;
            default:
                throw new FormatException($"tensor '{t.Name}' has data type {type}, only FLOAT, DOUBLE, INT32 and INT64 are supported");
        }
        foreach (double v in values)
            if (!double.IsFinite(v)) throw new FormatException($"tensor '{t.Name}' contains a non-finite value ({v})");
        return values;
    }

    public static long[] ToInt64s(TensorProto t) => ToDoubles(t).Select(v => (long)v).ToArray();

    private static void CheckRaw(TensorProto t, ReadOnlySpan<byte> raw, long count, int width)
    {
        if (raw.Length != count * width)
            throw new FormatException($"tensor '{t.Name}' has {raw.Length} bytes of raw data for {count} elements of {width} bytes");
    }

    private static void CheckCount(TensorProto t, int have, long count)
    {
        if (have != count)
            throw new FormatException($"tensor '{t.Name}' has {have} values for dimensions [{string.Join(",", t.Dims)}] ({count} elements)");
    }
}
