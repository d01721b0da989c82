using System.Globalization;
using System.Text.Json.Nodes;
using Seco.MessagePack.Tests.Support;

namespace Seco.MessagePack.Tests.Interop;

/// <summary>
/// The canonical JSON description used by tests/interop/msgpack-crosscheck.mjs, computed from our typed values.
/// Mirrors the JS rules: a float whose value is a safe integer (|v| &lt;= 2^53 - 1, not -0) is ["int", ...] because
/// JavaScript cannot tell 1.0 from 1; other floats are ["float", float64 bits in hex]; NaN is ["float", "nan"].
/// </summary>
public static class JsCanonical
{
    private const double MaxSafeInteger = 9007199254740991.0;

    public static JsonNode Describe(MpValue value) => value switch
    {
        MpNil => new JsonArray("nil"),
        MpBool b => new JsonArray("bool", b.Value),
        MpInt i => new JsonArray("int", i.Value.ToString(CultureInfo.InvariantCulture)),
        MpFloat32 f => Number(f.Value),
        MpFloat64 d => Number(d.Value),
        MpStr s => new JsonArray("str", s.Value),
        MpBin bin => new JsonArray("bin", Mp.Hex(bin.Value)),
        MpArray a => new JsonArray("array", new JsonArray(a.Items.Select(item => (JsonNode?)Describe(item)).ToArray())),
        MpMap m => new JsonArray("map", new JsonArray(m.Entries
            .Select(entry => (JsonNode?)new JsonArray(Describe(entry.Key), Describe(entry.Value))).ToArray())),
        MpExt ext => new JsonArray("ext", (int)ext.Type, Mp.Hex(ext.Data)),
        MpTimestamp t => new JsonArray("timestamp", t.Seconds.ToString(CultureInfo.InvariantCulture), t.Nanoseconds),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "unknown test value"),
    };

    private static JsonArray Number(double v)
    {
        if (double.IsNaN(v))
        {
            return new JsonArray("float", "nan");
        }
        if (Math.Floor(v) == v && Math.Abs(v) <= MaxSafeInteger && !(v == 0 && double.IsNegative(v)))
        {
            return new JsonArray("int", ((long)v).ToString(CultureInfo.InvariantCulture));
        }
        return new JsonArray("float", BitConverter.DoubleToUInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture));
    }
}
