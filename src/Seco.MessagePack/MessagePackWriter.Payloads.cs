using System.Buffers.Binary;
using System.Text;

namespace Seco.MessagePack;

// Strings, binaries, extensions and timestamps: the formats that carry a length-prefixed payload.
public ref partial struct MessagePackWriter
{
    // Throws on unpaired surrogates instead of silently writing U+FFFD: a string that cannot round-trip is a bug.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Writes a UTF-8 str. Throws <see cref="ArgumentException"/> for an unpaired surrogate.</summary>
    public void WriteString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        WriteString(value.AsSpan());
    }

    /// <summary>Writes a UTF-8 str. Throws <see cref="ArgumentException"/> for an unpaired surrogate.</summary>
    public void WriteString(ReadOnlySpan<char> value)
    {
        ThrowIfPayloadPending();
        int byteCount;
        try
        {
            // The header must precede the bytes, so count first (vectorized) and then encode straight into the output.
            byteCount = StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException(
                $"String is not valid UTF-16: unpaired surrogate U+{(int)e.CharUnknown:X4} at index {e.Index}.", nameof(value), e);
        }
        WriteStringHeader(byteCount);
        Span<byte> s = Reserve(byteCount);
        int written = StrictUtf8.GetBytes(value, s);
        Commit(written);
    }

    /// <summary>
    /// Writes bytes that are already UTF-8 as a str, after checking they are well-formed UTF-8 (no overlong forms,
    /// surrogates, code points above U+10FFFF or truncated sequences); throws <see cref="ArgumentException"/> otherwise.
    /// </summary>
    public void WriteStringUtf8(ReadOnlySpan<byte> utf8)
    {
        ThrowIfPayloadPending();
        int invalid = Utf8Validation.IndexOfInvalid(utf8);
        if (invalid >= 0)
        {
            throw new ArgumentException($"Bytes are not valid UTF-8: invalid sequence at index {invalid} (0x{utf8[invalid]:x2}).", nameof(utf8));
        }
        WriteStringHeader(utf8.Length);
        CopyChunked(utf8);
    }

    /// <summary>Writes bin 8 / bin 16 / bin 32 and the payload.</summary>
    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        WriteBinaryHeader(value.Length);
        WritePayload(value);
    }

    /// <summary>
    /// Writes only the bin header; the caller must then write exactly <paramref name="length"/> payload bytes with
    /// <see cref="WritePayload"/> or <see cref="GetPayloadSpan"/>/<see cref="AdvancePayload"/> (for streaming a large
    /// ciphertext without building it in one buffer first).
    /// </summary>
    public void WriteBinaryHeader(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ThrowIfPayloadPending();
        WriteLengthHeader(length, MessagePackCode.Bin8, MessagePackCode.Bin16, MessagePackCode.Bin32);
        _payloadRemaining = length;
    }

    /// <summary>Writes an ext / fixext value: fixext 1/2/4/8/16 when the length matches, else ext 8/16/32.</summary>
    public void WriteExtension(sbyte typeCode, ReadOnlySpan<byte> data)
    {
        WriteExtensionHeader(typeCode, data.Length);
        WritePayload(data);
    }

    /// <summary>Writes only the ext header; the payload follows as with <see cref="WriteBinaryHeader"/>.</summary>
    public void WriteExtensionHeader(sbyte typeCode, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ThrowIfPayloadPending();
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        Span<byte> s;
        if (fixCode != 0)
        {
            s = Reserve(2);
            s[1] = (byte)typeCode;
            s[0] = fixCode;
            Commit(2);
        }
        else
        {
            // ext 8/16/32: the length ladder, then the type byte
            WriteLengthHeader(length, MessagePackCode.Ext8, MessagePackCode.Ext16, MessagePackCode.Ext32);
            s = Reserve(1);
            s[0] = (byte)typeCode;
            Commit(1);
        }
        _payloadRemaining = length;
    }

    /// <summary>Writes the next part of a payload announced by a bin/ext header; may be called many times.</summary>
    public void WritePayload(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length > _payloadRemaining)
        {
            throw new InvalidOperationException(
                $"Payload chunk of {chunk.Length} bytes exceeds the {_payloadRemaining} bytes still owed to the last bin/ext header.");
        }
        _payloadRemaining -= chunk.Length;
        CopyChunked(chunk);
    }

    /// <summary>
    /// Returns writable output memory for the open payload, so it can be produced in place (no extra copy): at least
    /// min(<paramref name="sizeHint"/>, bytes owed) bytes, at most the bytes owed. Follow with <see cref="AdvancePayload"/>.
    /// </summary>
    public Span<byte> GetPayloadSpan(int sizeHint = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        if (_payloadRemaining == 0)
        {
            throw new InvalidOperationException("No bin/ext payload is open; write a header with WriteBinaryHeader or WriteExtensionHeader first.");
        }
        int wanted = (int)Math.Min(Math.Max(sizeHint, 1), _payloadRemaining);
        Span<byte> s = Reserve(wanted);
        return s.Slice(0, (int)Math.Min(s.Length, _payloadRemaining));
    }

    /// <summary>Marks <paramref name="count"/> bytes of the span from <see cref="GetPayloadSpan"/> as written.</summary>
    public void AdvancePayload(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _payloadRemaining || count > _span.Length)
        {
            throw new InvalidOperationException(
                $"AdvancePayload({count}) exceeds the span from GetPayloadSpan or the {_payloadRemaining} payload bytes owed.");
        }
        Commit(count);
        _payloadRemaining -= count;
    }

    public void WriteTimestamp(DateTimeOffset value) => WriteTimestamp(MessagePackTimestamp.FromDateTimeOffset(value));

    public void WriteTimestamp(MessagePackTimestamp value) => WriteTimestamp(value.Seconds, value.Nanoseconds);

    /// <summary>
    /// Writes the timestamp extension (type -1) in the smallest of its three forms, following the spec's pseudo code:
    /// timestamp 32 when nanoseconds are 0 and 0 &lt;= seconds &lt; 2^32; timestamp 64 when 0 &lt;= seconds &lt; 2^34;
    /// timestamp 96 otherwise (including every negative second count).
    /// </summary>
    public void WriteTimestamp(long seconds, uint nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nanoseconds, MessagePackTimestamp.MaxNanoseconds);
        ThrowIfPayloadPending();
        Span<byte> s;
        if (((ulong)seconds >> 34) == 0)
        {
            ulong data64 = ((ulong)nanoseconds << 34) | (ulong)seconds;
            if ((data64 & 0xffffffff00000000UL) == 0)
            {
                s = Reserve(6); // fixext 4: d6 ff + seconds (uint32)
                BinaryPrimitives.WriteUInt32BigEndian(s.Slice(2), (uint)data64);
                s[1] = unchecked((byte)MessagePackCode.TimestampExtensionType);
                s[0] = MessagePackCode.FixExt4;
                Commit(6);
            }
            else
            {
                s = Reserve(10); // fixext 8: d7 ff + nanoseconds (30 bits) | seconds (34 bits)
                BinaryPrimitives.WriteUInt64BigEndian(s.Slice(2), data64);
                s[1] = unchecked((byte)MessagePackCode.TimestampExtensionType);
                s[0] = MessagePackCode.FixExt8;
                Commit(10);
            }
        }
        else
        {
            s = Reserve(15); // ext 8: c7 0c ff + nanoseconds (uint32) + seconds (int64)
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(3), nanoseconds);
            BinaryPrimitives.WriteInt64BigEndian(s.Slice(7), seconds);
            s[2] = unchecked((byte)MessagePackCode.TimestampExtensionType);
            s[1] = 12;
            s[0] = MessagePackCode.Ext8;
            Commit(15);
        }
    }

    private void WriteStringHeader(int byteCount)
    {
        Span<byte> s;
        if (byteCount <= 31)
        {
            s = Reserve(1);
            s[0] = (byte)(MessagePackCode.MinFixStr | byteCount);
            Commit(1);
        }
        else
        {
            WriteLengthHeader(byteCount, MessagePackCode.Str8, MessagePackCode.Str16, MessagePackCode.Str32);
        }
    }

    /// <summary>
    /// The length ladder shared by str, bin and ext headers: the 8-, 16- or 32-bit form, whichever is the
    /// smallest that holds <paramref name="length"/> (the spec's "always the shortest encoding").
    /// </summary>
    private void WriteLengthHeader(int length, byte code8, byte code16, byte code32)
    {
        Span<byte> s;
        if (length <= byte.MaxValue)
        {
            s = Reserve(2);
            s[1] = (byte)length;
            s[0] = code8;
            Commit(2);
        }
        else if (length <= ushort.MaxValue)
        {
            s = Reserve(3);
            BinaryPrimitives.WriteUInt16BigEndian(s.Slice(1), (ushort)length);
            s[0] = code16;
            Commit(3);
        }
        else
        {
            s = Reserve(5);
            BinaryPrimitives.WriteUInt32BigEndian(s.Slice(1), (uint)length);
            s[0] = code32;
            Commit(5);
        }
    }
}
