using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Seco.MessagePack;

/// <summary>
/// Writes MessagePack into an <see cref="IBufferWriter{T}"/>, always choosing the smallest encoding of each value.
/// </summary>
/// <remarks>
/// <para>
/// A <c>ref struct</c> so it can cache the span obtained from the buffer writer: a value costs a bounds check and a
/// few stores instead of a GetSpan/Advance interface-call pair. Consequences: pass it by <c>ref</c>, and call
/// <see cref="Flush"/> when done — bytes are only handed to the underlying writer (Advance) on Flush or when the
/// cached span runs out. No method allocates.
/// </para>
/// <para>
/// Integers: the encoding depends on the value, not on the C# type. A non-negative value, even one passed to
/// <see cref="WriteInt64"/>, uses positive fixint / uint 8/16/32/64, like the spec's reference implementations
/// (msgpack-c, msgpack-javascript); only negative values use negative fixint / int 8/16/32/64. So 200 is
/// <c>cc c8</c>, never <c>d1 00 c8</c>. Floats keep the width the caller chose (no float 64 to float 32 narrowing).
/// </para>
/// <para>
/// Large bin/ext payloads can be streamed: write the header with <see cref="WriteBinaryHeader"/> or
/// <see cref="WriteExtensionHeader"/>, then exactly that many bytes with <see cref="WritePayload"/> or
/// <see cref="GetPayloadSpan"/>/<see cref="AdvancePayload"/>. Until the payload is complete every other write
/// throws <see cref="InvalidOperationException"/>, because a short payload would silently corrupt the framing.
/// </para>
/// <para>Caller mistakes (invalid UTF-16, negative lengths, nanoseconds &gt; 999 999 999) throw
/// <see cref="ArgumentException"/>s; nothing invalid is ever written.</para>
/// </remarks>
public ref partial struct MessagePackWriter
{
    // Upper bound of one GetSpan request while copying a large payload, so streaming 50 MB into a pipe
    // does not demand one contiguous 50 MB segment.
    private const int MaxChunkHint = 1 << 20;

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;       // free space from _output.GetSpan that has not been written yet
    private int _buffered;          // bytes written into the current span but not yet Advance()d
    private long _committed;        // bytes already Advance()d to _output
    private long _payloadRemaining; // bytes still owed after WriteBinaryHeader / WriteExtensionHeader

    public MessagePackWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
        _span = default;
        _buffered = 0;
        _committed = 0;
        _payloadRemaining = 0;
    }

    /// <summary>Total bytes written so far, flushed or not.</summary>
    public readonly long BytesWritten => _committed + _buffered;

    /// <summary>Bytes of a streamed bin/ext payload still to be written (0 when no payload is open).</summary>
    public readonly long PendingPayloadLength => _payloadRemaining;

    /// <summary>Hands every buffered byte to the underlying writer (IBufferWriter.Advance). Call when done.</summary>
    public void Flush()
    {
        if (_buffered != 0)
        {
            _output.Advance(_buffered);
            _committed += _buffered;
            _buffered = 0;
        }
        // A span from GetSpan is invalid after Advance, so never keep it across a flush.
        _span = default;
    }

    public void WriteNil() => WriteCode(MessagePackCode.Nil);

    public void Write(bool value) => WriteCode(value ? MessagePackCode.True : MessagePackCode.False);

    public void WriteByte(byte value) => WriteUInt64(value);
    public void WriteUInt16(ushort value) => WriteUInt64(value);
    public void WriteUInt32(uint value) => WriteUInt64(value);
    public void WriteSByte(sbyte value) => WriteInt64(value);
    public void WriteInt16(short value) => WriteInt64(value);
    public void WriteInt32(int value) => WriteInt64(value);

    /// <summary>Writes the smallest of positive fixint, uint 8, uint 16, uint 32, uint 64.</summary>
    public void WriteUInt64(ulong value)
    {
        Span<byte> s = ReserveInteger();
        int length = EncodeUnsigned(s, value);
        Commit(length);
    }

    /// <summary>Non-negative values are written as by <see cref="WriteUInt64"/>; negative ones use the smallest of
    /// negative fixint, int 8, int 16, int 32, int 64.</summary>
    public void WriteInt64(long value)
    {
        Span<byte> s = ReserveInteger();
        int length = value >= 0 ? EncodeUnsigned(s, (ulong)value) : EncodeNegative(s, value);
        Commit(length);
    }

    /// <summary>Checks state and reserves the 9 bytes any integer may need, in one step, so the per-width code
    /// below is straight-line stores (the unused tail of the span simply stays free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> ReserveInteger()
    {
        ThrowIfPayloadPending();
        return Reserve(9);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EncodeUnsigned(Span<byte> s, ulong value)
    {
        if (value <= MessagePackCode.MaxPositiveFixInt)
        {
            s[0] = (byte)value;
            return 1;
        }
        if (value <= byte.MaxValue)
        {
            s[1] = (byte)value;
            s[0] = MessagePackCode.UInt8;
            return 2;
        }
        if (value <= ushort.MaxValue)
        {
            BinaryPrimitives.WriteUInt16BigEndian(s.Slice(1), (ushort)value);
            s[0] = MessagePackCode.UInt16;
            return 3;
        }
        if (value <= uint.MaxValue)
        {
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(1), (uint)value);
            s[0] = MessagePackCode.UInt32;
            return 5;
        }
        BinaryPrimitives.WriteUInt64BigEndian(s.Slice(1), value);
        s[0] = MessagePackCode.UInt64;
        return 9;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EncodeNegative(Span<byte> s, long value)
    {
        if (value >= -32)
        {
            s[0] = (byte)value; // 0xe0..0xff is the value's own two's-complement byte
            return 1;
        }
        if (value >= sbyte.MinValue)
        {
            s[1] = (byte)value;
            s[0] = MessagePackCode.Int8;
            return 2;
        }
        if (value >= short.MinValue)
        {
            BinaryPrimitives.WriteInt16BigEndian(s.Slice(1), (short)value);
            s[0] = MessagePackCode.Int16;
            return 3;
        }
        if (value >= int.MinValue)
        {
            BinaryPrimitives.WriteInt32BigEndian(s.Slice(1), (int)value);
            s[0] = MessagePackCode.Int32;
            return 5;
        }
        BinaryPrimitives.WriteInt64BigEndian(s.Slice(1), value);
        s[0] = MessagePackCode.Int64;
        return 9;
    }

    /// <summary>Writes float 32. The bits are copied as they are, so NaN payloads survive.</summary>
    public void WriteSingle(float value)
    {
        ThrowIfPayloadPending();
        Span<byte> s = Reserve(5);
        BinaryPrimitives.WriteSingleBigEndian(s.Slice(1), value);
        s[0] = MessagePackCode.Float32;
        Commit(5);
    }

    /// <summary>Writes float 64. The bits are copied as they are, so NaN payloads survive.</summary>
    public void WriteDouble(double value)
    {
        ThrowIfPayloadPending();
        Span<byte> s = Reserve(9);
        BinaryPrimitives.WriteDoubleBigEndian(s.Slice(1), value);
        s[0] = MessagePackCode.Float64;
        Commit(9);
    }

    public void WriteArrayHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteArrayHeader((uint)count);
    }

    /// <summary>Writes fixarray / array 16 / array 32. The caller then writes <paramref name="count"/> values.</summary>
    public void WriteArrayHeader(uint count) =>
        WriteContainerHeader(count, MessagePackCode.MinFixArray, MessagePackCode.Array16, MessagePackCode.Array32);

    public void WriteMapHeader(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        WriteMapHeader((uint)count);
    }

    /// <summary>Writes fixmap / map 16 / map 32. The caller then writes <paramref name="count"/> key/value pairs.</summary>
    public void WriteMapHeader(uint count) =>
        WriteContainerHeader(count, MessagePackCode.MinFixMap, MessagePackCode.Map16, MessagePackCode.Map32);

    /// <summary>Copies bytes that already are MessagePack (e.g. a value captured with
    /// <see cref="MessagePackReader.ReadRawValue"/>). Not validated: the caller vouches for them.</summary>
    public void WriteRaw(ReadOnlySpan<byte> messagePack)
    {
        ThrowIfPayloadPending();
        CopyChunked(messagePack);
    }

    private void WriteContainerHeader(uint count, byte fixCode, byte code16, byte code32)
    {
        ThrowIfPayloadPending();
        Span<byte> s;
        if (count <= 15)
        {
            s = Reserve(1);
            s[0] = (byte)(fixCode | count);
            Commit(1);
        }
        else if (count <= ushort.MaxValue)
        {
            s = Reserve(3);
            BinaryPrimitives.WriteUInt16BigEndian(s.Slice(1), (ushort)count);
            s[0] = code16;
            Commit(3);
        }
        else
        {
            s = Reserve(5);
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(1), count);
            s[0] = code32;
            Commit(5);
        }
    }

    private void WriteCode(byte code)
    {
        ThrowIfPayloadPending();
        Span<byte> s = Reserve(1);
        s[0] = code;
        Commit(1);
    }

    /// <summary>Returns the cached free span, refilled so it holds at least <paramref name="length"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int length)
    {
        if (_span.Length < length)
        {
            Refill(length);
        }
        return _span;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Commit(int length)
    {
        _span = _span.Slice(length);
        _buffered += length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refill(int length)
    {
        Flush();
        _span = _output.GetSpan(length);
        if (_span.Length < length)
        {
            throw new InvalidOperationException(
                $"The IBufferWriter returned {_span.Length} bytes from GetSpan({length}); it must return at least the size asked for.");
        }
    }

    /// <summary>Copies through the cached span, asking for at most <see cref="MaxChunkHint"/> bytes at a time.</summary>
    private void CopyChunked(ReadOnlySpan<byte> source)
    {
        while (true)
        {
            int n = Math.Min(source.Length, _span.Length);
            source.Slice(0, n).CopyTo(_span);
            Commit(n);
            source = source.Slice(n);
            if (source.IsEmpty)
            {
                return;
            }
            Refill(Math.Min(source.Length, MaxChunkHint));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void ThrowIfPayloadPending()
    {
        if (_payloadRemaining != 0)
        {
            ThrowPayloadPending(_payloadRemaining);
        }
    }

    [DoesNotReturn]
    private static void ThrowPayloadPending(long remaining) =>
        throw new InvalidOperationException(
            $"{remaining} more payload bytes are owed after the last bin/ext header; write them with WritePayload before any other value.");
}
