using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Seco.MessagePack;

// Arrays, maps, automatic depth tracking and Skip.
//
// Depth tracking: for every open container the reader keeps how many values it still holds (elements of an array,
// 2 x entries of a map). Each completed value decrements the innermost count; when it reaches zero the container is
// complete, is popped, and counts as one value of its parent. So depth always follows the real structure of the
// input, whatever order the caller reads in, and no EndArray/EndMap calls are needed.
public ref partial struct MessagePackReader
{
    private const int InlineDepth = 16;

    /// <summary>Number of arrays/maps currently open (0 at top level).</summary>
    public readonly int Depth => _depth;

    /// <summary>
    /// Reads fixarray / array 16 / array 32 and returns the element count. The count is checked against the bytes
    /// remaining (every element takes at least one byte) and the nesting depth against MaxDepth.
    /// </summary>
    public int ReadArrayHeader()
    {
        TryReadContainerHeader(MessagePackType.Array, throwOnMismatch: true, out int count);
        return count;
    }

    public bool TryReadArrayHeader(out int count) => TryReadContainerHeader(MessagePackType.Array, throwOnMismatch: false, out count);

    /// <summary>
    /// Reads fixmap / map 16 / map 32 and returns the number of key/value pairs; the caller then reads key, value,
    /// key, value... Checked like <see cref="ReadArrayHeader"/> (each pair takes at least two bytes).
    /// </summary>
    public int ReadMapHeader()
    {
        TryReadContainerHeader(MessagePackType.Map, throwOnMismatch: true, out int count);
        return count;
    }

    public bool TryReadMapHeader(out int count) => TryReadContainerHeader(MessagePackType.Map, throwOnMismatch: false, out count);

    /// <summary>
    /// Skips one whole value, including everything nested in it, iteratively (no recursion, so hostile nesting cannot
    /// overflow the stack). Enforces MaxDepth, the reserved byte, and every length and count against the remaining
    /// bytes; it does not validate the UTF-8 of skipped strings or the payload of skipped extensions, because skipped
    /// data is never interpreted (whoever reads it later validates it).
    /// </summary>
    public void Skip()
    {
        int startDepth = _depth;
        do
        {
            SkipToken();
        }
        while (_depth > startDepth);
    }

    private void SkipToken()
    {
        byte code = PeekCode("a value");
        switch (MessagePackCode.ToType(code))
        {
            case MessagePackType.Array:
                ReadArrayHeader();
                return;
            case MessagePackType.Map:
                ReadMapHeader();
                return;
            case MessagePackType.Unknown:
                ThrowWrongType("a value", _position, code);
                return;
        }
        _position += ScalarLength(code);
        OnValueRead();
    }

    /// <summary>Total encoded length (header and payload) of the non-container value at the current position, checked.</summary>
    private readonly int ScalarLength(byte code)
    {
        ReadOnlySpan<byte> b = _buffer.Slice(_position);
        int header;
        uint payload;
        switch (code)
        {
            case <= MessagePackCode.MaxPositiveFixInt or >= MessagePackCode.MinNegativeFixInt
                or MessagePackCode.Nil or MessagePackCode.False or MessagePackCode.True:
                return 1;
            case >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr:
                header = 1;
                payload = (uint)(code & 0x1f);
                break;
            case MessagePackCode.UInt8 or MessagePackCode.Int8:
                header = 2; payload = 0; break;
            case MessagePackCode.UInt16 or MessagePackCode.Int16:
                header = 3; payload = 0; break;
            case MessagePackCode.UInt32 or MessagePackCode.Int32 or MessagePackCode.Float32:
                header = 5; payload = 0; break;
            case MessagePackCode.UInt64 or MessagePackCode.Int64 or MessagePackCode.Float64:
                header = 9; payload = 0; break;
            case >= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16:
                header = 2; payload = 1u << (code - MessagePackCode.FixExt1); break;
            case MessagePackCode.Bin8 or MessagePackCode.Str8:
                RequireHeader(header = 2, code); payload = b[1]; break;
            case MessagePackCode.Bin16 or MessagePackCode.Str16:
                RequireHeader(header = 3, code); payload = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1)); break;
            case MessagePackCode.Bin32 or MessagePackCode.Str32:
                RequireHeader(header = 5, code); payload = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1)); break;
            case MessagePackCode.Ext8:
                RequireHeader(header = 3, code); payload = b[1]; break;
            case MessagePackCode.Ext16:
                RequireHeader(header = 4, code); payload = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1)); break;
            case MessagePackCode.Ext32:
                RequireHeader(header = 6, code); payload = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1)); break;
            default:
                ThrowWrongType("a value", _position, code);
                return 0;
        }
        RequireHeader(header, code);
        return header + RequirePayload(payload, header, code);
    }

    private bool TryReadContainerHeader(MessagePackType type, bool throwOnMismatch, out int count)
    {
        bool isMap = type == MessagePackType.Map;
        string expected = isMap ? "Map" : "Array";
        byte code = PeekCode(expected);
        ReadOnlySpan<byte> b = _buffer.Slice(_position);
        int headerLength;
        uint declared;
        if (MessagePackCode.ToType(code) != type)
        {
            if (throwOnMismatch)
            {
                ThrowWrongType(expected, _position, code);
            }
            count = 0;
            return false;
        }
        if (code is MessagePackCode.Array16 or MessagePackCode.Map16)
        {
            RequireHeader(headerLength = 3, code);
            declared = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1));
        }
        else if (code is MessagePackCode.Array32 or MessagePackCode.Map32)
        {
            RequireHeader(headerLength = 5, code);
            declared = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1));
        }
        else
        {
            headerLength = 1;
            declared = (uint)(code & 0x0f); // fixarray 0x90..0x9f, fixmap 0x80..0x8f
        }

        // Every value takes at least one byte, so a count the rest of the input cannot hold is a lie; rejecting it
        // here keeps callers from sizing an allocation (new T[count]) from attacker-controlled numbers.
        long values = isMap ? 2L * declared : declared;
        long available = (long)_buffer.Length - _position - headerLength;
        if (values > available)
        {
            ThrowCountPastEnd(_position, code, declared, values, available);
        }
        if (_depth >= _maxDepth)
        {
            ThrowTooDeep(_position, code, _maxDepth);
        }

        _position += headerLength;
        if (values == 0)
        {
            OnValueRead(); // an empty container is complete at once
        }
        else
        {
            PushContainer(values);
        }
        count = (int)declared;
        return true;
    }

    /// <summary>Records that one value (scalar, payload value or complete container) has been read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void OnValueRead()
    {
        if (_depth != 0)
        {
            CountValueInContainer();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountValueInContainer()
    {
        if (_depth <= InlineDepth)
        {
            ref long remaining = ref _inlineStack[_depth - 1];
            if (--remaining != 0)
            {
                return;
            }
        }
        else if (--_deepStack![_depth - InlineDepth - 1] != 0)
        {
            return;
        }
        PopCompletedContainers();
    }

    /// <summary>The innermost container just received its last value: close it and every ancestor it completes.</summary>
    private void PopCompletedContainers()
    {
        while (true)
        {
            _depth--;
            if (_depth == 0)
            {
                return;
            }
            long remaining = _depth <= InlineDepth
                ? --_inlineStack[_depth - 1]
                : --_deepStack![_depth - InlineDepth - 1];
            if (remaining != 0)
            {
                return;
            }
        }
    }

    private void PushContainer(long values)
    {
        _depth++;
        if (_depth <= InlineDepth)
        {
            _inlineStack[_depth - 1] = values;
            return;
        }
        int index = _depth - InlineDepth - 1;
        if (_deepStack is null || index >= _deepStack.Length)
        {
            // Grow geometrically; never beyond what MaxDepth allows, so input cannot make this large.
            int size = Math.Min(Math.Max(16, (index + 1) * 2), _maxDepth - InlineDepth);
            Array.Resize(ref _deepStack, size);
        }
        _deepStack[index] = values;
    }

    [InlineArray(InlineDepth)]
    private struct InlineDepthStack
    {
        private long _element0;
    }
}
