using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Seco.MessagePack;

// Throw helpers: kept out of line so the hot paths stay small, and worded so that a log line alone says where the
// input went wrong and how ("at byte N: expected X, found Y").
public ref partial struct MessagePackReader
{
    /// <summary>"Map (fixmap, 0x82)" — family, spec format name and the raw byte.</summary>
    internal static string Describe(byte code) =>
        code == MessagePackCode.NeverUsed
            ? "the reserved byte 0xc1 (never used)"
            : $"{MessagePackCode.ToType(code)} ({MessagePackCode.ToFormatName(code)}, 0x{code:x2})";

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowEndOfData(string expected, long offset) =>
        throw new MessagePackException(offset, $"expected {expected}, found end of data");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowWrongType(string expected, long offset, byte code) =>
        throw new MessagePackException(offset, $"expected {expected}, found {Describe(code)}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTruncated(long offset, byte code, int needed, int available) =>
        throw new MessagePackException(offset,
            $"expected {needed} bytes for the {MessagePackCode.ToFormatName(code)} header (0x{code:x2}), found only {available} (truncated input)");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowPayloadPastEnd(long offset, byte code, uint length, long available) =>
        throw new MessagePackException(offset,
            $"expected {length} payload bytes as declared by {MessagePackCode.ToFormatName(code)} (0x{code:x2}), found only {Math.Max(available, 0)} before the end of data");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowCountPastEnd(long offset, byte code, uint count, long minimumBytes, long available) =>
        throw new MessagePackException(offset,
            $"expected a count that fits the {available} bytes remaining, found {MessagePackCode.ToFormatName(code)} (0x{code:x2}) declaring {count} {(MessagePackCode.ToType(code) == MessagePackType.Map ? "entries" : "elements")}, which need at least {minimumBytes} bytes (1 per value)");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooDeep(long offset, byte code, int maxDepth) =>
        throw new MessagePackException(offset,
            $"expected nesting depth at most {maxDepth} (MessagePackReaderOptions.MaxDepth), found {MessagePackCode.ToFormatName(code)} (0x{code:x2}) opening depth {maxDepth + 1}");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowIntegerOutOfRange(string expected, long offset, byte code, string value) =>
        throw new MessagePackException(offset,
            $"expected {expected}, found {value} ({MessagePackCode.ToFormatName(code)}, 0x{code:x2}) which is out of range (overflow)");

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNotInRange(string field, long offset, string value, long min, long max) =>
        throw new MessagePackException(offset, string.Create(CultureInfo.InvariantCulture, $"{field} {value} is out of range {min}..{max}"));

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowInvalidUtf8(long valueOffset, byte code, long invalidOffset, byte invalidByte) =>
        throw new MessagePackException(invalidOffset,
            $"expected valid UTF-8, found invalid byte 0x{invalidByte:x2} inside the {MessagePackCode.ToFormatName(code)} string that starts at byte {valueOffset}");
}
