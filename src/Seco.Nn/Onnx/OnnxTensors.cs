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
            if (d != 0 && n > long.MaxValue / d)
                throw new FormatException($"tensor '{t.Name}' has dimensions [{string.Join(",", t.Dims)}] whose product exceeds 64 bits");
            n *= d;
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
        double[] values = type switch
        {
            TensorProto.Types.DataType.Float => Read(t, count, 4, r => BinaryPrimitives.ReadSingleLittleEndian(r), t.FloatData, v => v),
            TensorProto.Types.DataType.Double => Read(t, count, 8, BinaryPrimitives.ReadDoubleLittleEndian, t.DoubleData, v => v),
            TensorProto.Types.DataType.Int64 => Read(t, count, 8, r => BinaryPrimitives.ReadInt64LittleEndian(r), t.Int64Data, v => v),
            TensorProto.Types.DataType.Int32 => Read(t, count, 4, r => BinaryPrimitives.ReadInt32LittleEndian(r), t.Int32Data, v => v),
            _ => throw new FormatException($"tensor '{t.Name}' has data type {type}, only FLOAT, DOUBLE, INT32 and INT64 are supported"),
        };
        foreach (double v in values)
            if (!double.IsFinite(v)) throw new FormatException($"tensor '{t.Name}' contains a non-finite value ({v})");
        return values;
    }

    private delegate double RawReader(ReadOnlySpan<byte> bytes);

    /// <summary>Values come either as little-endian raw_data or in the typed repeated field, never both.</summary>
    private static double[] Read<T>(TensorProto t, long count, int width, RawReader raw, IReadOnlyList<T> typed, Func<T, double> convert)
    {
        var values = new double[count];
        if (t.HasRawData)
        {
            ReadOnlySpan<byte> bytes = t.RawData.Span;
            CheckRaw(t, bytes, count, width);
            for (int i = 0; i < values.Length; i++) values[i] = raw(bytes.Slice(width * i, width));
        }
        else
        {
            CheckCount(t, typed.Count, count);
            for (int i = 0; i < values.Length; i++) values[i] = convert(typed[i]);
        }
        return values;
    }

    /// <summary>
    /// An integer tensor's values (INT64, INT32), read exactly: shape arithmetic uses INT64_MAX as "to the end", which
    /// a detour through double would not survive.
    /// </summary>
    public static long[] ToInt64s(TensorProto t)
    {
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new FormatException($"tensor '{t.Name}' keeps its data in an external file, which is not supported");
        long count = ElementCount(t);
        if (count > MaxIntegerElements)
            throw new FormatException($"integer tensor '{t.Name}' has {count} elements, more than the {MaxIntegerElements} shape arithmetic needs");
        var type = (TensorProto.Types.DataType)t.DataType;
        var values = new long[count];
        switch (type)
        {
            case TensorProto.Types.DataType.Int64 when t.HasRawData:
                CheckRaw(t, t.RawData.Span, count, 8);
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt64LittleEndian(t.RawData.Span.Slice(8 * i, 8));
                break;
            case TensorProto.Types.DataType.Int64:
                CheckCount(t, t.Int64Data.Count, count);
                for (int i = 0; i < values.Length; i++) values[i] = t.Int64Data[i];
                break;
            case TensorProto.Types.DataType.Int32 when t.HasRawData:
                CheckRaw(t, t.RawData.Span, count, 4);
                for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadInt32LittleEndian(t.RawData.Span.Slice(4 * i, 4));
                break;
            case TensorProto.Types.DataType.Int32:
                CheckCount(t, t.Int32Data.Count, count);
                for (int i = 0; i < values.Length; i++) values[i] = t.Int32Data[i];
                break;
            default:
                throw new FormatException($"tensor '{t.Name}' has data type {type} where an integer tensor (INT64 or INT32) is needed");
        }
        return values;
    }

    /// <summary>The most elements an integer (shape) tensor may have.</summary>
    public const int MaxIntegerElements = 4096;

    /// <summary>An INT64 tensor holding <paramref name="values"/> with the given dimensions.</summary>
    public static TensorProto Int64Tensor(string name, long[] dims, long[] values)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(dims);
        t.Int64Data.AddRange(values);
        return t;
    }

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
