using System.Buffers;
using System.Runtime.CompilerServices;

namespace Seco.MessagePack;

/// <summary>
/// Reads MessagePack from memory that may be hostile: every length and count is checked against the bytes that
/// remain before anything is sliced or allocated, and every failure is a <see cref="MessagePackException"/> naming the
/// byte offset and what was expected versus found.
/// </summary>
/// <remarks>
/// <para>
/// One parsing core over a contiguous <see cref="ReadOnlySpan{T}"/>. A <see cref="ReadOnlyMemory{T}"/> (or a
/// single-segment <see cref="ReadOnlySequence{T}"/>) is read in place and additionally lets
/// <see cref="ReadBinaryMemory"/> return slices that outlive the reader. A multi-segment sequence is copied once into
/// one array of exactly <c>sequence.Length</c> bytes: that length is memory the caller already holds, not a number
/// from the wire, and a single contiguous core is faster and far easier to audit than segment-straddling reads of
/// every header. Transports should hand one frame per buffer to stay zero-copy.
/// </para>
/// <para>
/// Nesting depth is tracked automatically: the reader knows how many values each open array/map still holds, so
/// <see cref="ReadArrayHeader"/>/<see cref="ReadMapHeader"/> (and <see cref="Skip"/>, which uses them) reject a header
/// that would open more than <see cref="MessagePackReaderOptions.MaxDepth"/> containers, with no EndArray calls.
/// <see cref="Depth"/> reports the number of open containers. The first 16 levels live inside the struct; deeper
/// levels use an array allocated on first need.
/// </para>
/// <para>
/// Reads are all-or-nothing: when a method throws or a TryRead returns false, <see cref="Consumed"/> is unchanged
/// (except for <see cref="Skip"/>/<see cref="ReadRawValue"/>, which stop inside the value). TryRead methods return false
/// only when the next value is of another type or out of range; malformed input (truncation, reserved byte, end of
/// data) still throws, because it is an attack or a bug, not an alternative.
/// </para>
/// </remarks>
public ref partial struct MessagePackReader
{
    private readonly ReadOnlySpan<byte> _buffer;
    private readonly ReadOnlyMemory<byte> _memory; // same bytes as _buffer when _hasMemory; enables ReadBinaryMemory
    private readonly bool _hasMemory;
    private readonly int _maxDepth;
    private int _position;
    private int _depth;                    // open containers; see MessagePackReader.Structure.cs
    private InlineDepthStack _inlineStack; // values still owed by open containers 1..InlineDepth
    private long[]? _deepStack;            // levels beyond InlineDepth (allocated only by deeply nested input)

    public MessagePackReader(ReadOnlySpan<byte> buffer, MessagePackReaderOptions? options = null)
    {
        this = default;
        _buffer = buffer;
        _maxDepth = (options ?? MessagePackReaderOptions.Default).MaxDepth;
    }

    public MessagePackReader(ReadOnlyMemory<byte> buffer, MessagePackReaderOptions? options = null)
        : this(buffer.Span, options)
    {
        _memory = buffer;
        _hasMemory = true;
    }

    /// <summary>Reads an array in place (resolves the span/memory overload ambiguity; keeps memory slices available).</summary>
    public MessagePackReader(byte[] buffer, MessagePackReaderOptions? options = null)
        : this(new ReadOnlyMemory<byte>(buffer ?? throw new ArgumentNullException(nameof(buffer))), options)
    {
    }

    /// <summary>Single-segment sequences are read in place; multi-segment ones are copied once (see remarks).</summary>
    public MessagePackReader(ReadOnlySequence<byte> sequence, MessagePackReaderOptions? options = null)
        : this(Contiguous(sequence), options)
    {
    }

    /// <summary>Byte offset of the next unread byte from the start of the input (= bytes consumed so far).</summary>
    public readonly int Consumed => _position;

    /// <summary>Bytes not yet read.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>True when every byte has been read.</summary>
    public readonly bool End => _position >= _buffer.Length;

    /// <summary>The unread bytes.</summary>
    public readonly ReadOnlySpan<byte> UnreadSpan => _buffer.Slice(_position);

    /// <summary>The configured nesting limit (<see cref="MessagePackReaderOptions.MaxDepth"/>).</summary>
    public readonly int MaxDepth => _maxDepth;

    /// <summary>Type family of the next value, without consuming it. Throws at end of data and on the reserved byte 0xc1.</summary>
    public readonly MessagePackType PeekType()
    {
        byte code = PeekCode("a value");
        MessagePackType type = MessagePackCode.ToType(code);
        if (type == MessagePackType.Unknown)
        {
            ThrowWrongType("a value", _position, code);
        }
        return type;
    }

    /// <summary>The raw type code of the next value (e.g. to tell float 32 from float 64), without consuming it.</summary>
    public readonly byte PeekCode() => PeekCode("a value");

    /// <summary>The type and length of the next ext/fixext value, without consuming it (e.g. to dispatch on -1).</summary>
    public readonly MessagePackExtensionHeader PeekExtensionHeader()
    {
        PeekExtensionHeader("Extension", out sbyte typeCode, out _, out int length);
        return new MessagePackExtensionHeader(typeCode, length);
    }

    /// <summary>
    /// An independent copy for arbitrary lookahead. Use this rather than copying the struct: a plain copy would share
    /// the heap part of the depth-tracking stack (levels beyond 16) with the original.
    /// </summary>
    public readonly MessagePackReader CreatePeekReader()
    {
        MessagePackReader copy = this;
        copy._deepStack = (long[]?)_deepStack?.Clone();
        return copy;
    }

    /// <summary>Throws unless every byte has been read: trailing bytes after a message are an error, not padding.</summary>
    public readonly void EnsureEnd()
    {
        if (!End)
        {
            throw new MessagePackException(_position, $"expected end of data, found {Remaining} more bytes starting with 0x{_buffer[_position]:x2}");
        }
    }

    /// <summary>
    /// Returns the next <paramref name="count"/> bytes without interpreting them (e.g. an ext payload after
    /// <see cref="ReadExtensionHeader"/>). Does not count as a value for depth tracking.
    /// </summary>
    public ReadOnlySpan<byte> ReadRawBytes(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > Remaining)
        {
            throw new MessagePackException(_position, $"expected {count} raw bytes, found only {Remaining} before the end of data");
        }
        ReadOnlySpan<byte> result = _buffer.Slice(_position, count);
        _position += count;
        return result;
    }

    /// <summary>Skips one whole value (see <see cref="Skip"/>) and returns its encoded bytes, e.g. to forward it unchanged.</summary>
    public ReadOnlySpan<byte> ReadRawValue()
    {
        int start = _position;
        Skip();
        return _buffer.Slice(start, _position - start);
    }

    private static ReadOnlyMemory<byte> Contiguous(ReadOnlySequence<byte> sequence)
    {
        if (sequence.IsSingleSegment)
        {
            return sequence.First;
        }
        if (sequence.Length > Array.MaxLength)
        {
            throw new MessagePackException(0, $"expected at most {Array.MaxLength} bytes of input, found {sequence.Length}");
        }
        return sequence.ToArray();
    }

    /// <summary>The next type code; throws "expected {expected}, found end of data" when there is none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly byte PeekCode(string expected)
    {
        if ((uint)_position >= (uint)_buffer.Length)
        {
            ThrowEndOfData(expected, _position);
        }
        return _buffer[_position];
    }

    /// <summary>Ensures <paramref name="headerLength"/> bytes from the current position (the type code and the fixed
    /// fields that follow it) are present; throws "truncated" otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void RequireHeader(int headerLength, byte code)
    {
        if (_buffer.Length - _position < headerLength)
        {
            ThrowTruncated(_position, code, headerLength, _buffer.Length - _position);
        }
    }

    /// <summary>Checks a length read from the wire against the bytes after its header before anything uses it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly int RequirePayload(uint length, int headerLength, byte code)
    {
        long available = (long)_buffer.Length - _position - headerLength;
        if (length > available)
        {
            ThrowPayloadPastEnd(_position, code, length, available);
        }
        return (int)length;
    }
}
