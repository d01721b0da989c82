using System.Buffers.Binary;
using System.Text;

namespace Seco.MessagePack;

// str, bin, ext and the timestamp extension: formats whose header announces a payload length. Each length is
// checked against the remaining input before the payload is sliced, so a forged length can never cause a large
// allocation or an out-of-range read.
public ref partial struct MessagePackReader
{
    /// <summary>Reads a str, validates it as strict UTF-8 and decodes it (the only reader method that allocates).</summary>
    public string ReadString() => Encoding.UTF8.GetString(ReadStringUtf8());

    /// <summary>Reads a str and returns its validated UTF-8 bytes as a slice of the input (no allocation).</summary>
    public ReadOnlySpan<byte> ReadStringUtf8()
    {
        TryReadStringUtf8Core(throwOnMismatch: true, out ReadOnlySpan<byte> utf8);
        return utf8;
    }

    /// <summary>Like <see cref="ReadStringUtf8"/>, but returns false (consuming nothing) if the next value is not a str.</summary>
    public bool TryReadStringUtf8(out ReadOnlySpan<byte> utf8) => TryReadStringUtf8Core(throwOnMismatch: false, out utf8);

    /// <summary>Reads a bin (not a str: the spec keeps them distinct) and returns the payload as a slice of the input.</summary>
    public ReadOnlySpan<byte> ReadBinary()
    {
        TryReadBinaryCore(throwOnMismatch: true, out int offset, out int length);
        return _buffer.Slice(offset, length);
    }

    public bool TryReadBinary(out ReadOnlySpan<byte> value)
    {
        bool ok = TryReadBinaryCore(throwOnMismatch: false, out int offset, out int length);
        value = ok ? _buffer.Slice(offset, length) : default;
        return ok;
    }

    /// <summary>
    /// Like <see cref="ReadBinary"/>, but returns a <see cref="ReadOnlyMemory{T}"/> slice that can outlive the reader
    /// (e.g. a 0.5 MB ciphertext kept without a copy). Only for readers built over memory, an array or a sequence.
    /// </summary>
    public ReadOnlyMemory<byte> ReadBinaryMemory()
    {
        if (!_hasMemory)
        {
            throw new InvalidOperationException("ReadBinaryMemory needs a reader constructed over ReadOnlyMemory<byte>, byte[] or ReadOnlySequence<byte>.");
        }
        TryReadBinaryCore(throwOnMismatch: true, out int offset, out int length);
        return _memory.Slice(offset, length);
    }

    /// <summary>Reads an ext/fixext header; the caller then reads <c>Length</c> payload bytes with <see cref="ReadRawBytes"/>.</summary>
    public MessagePackExtensionHeader ReadExtensionHeader()
    {
        PeekExtensionHeader("Extension", out sbyte typeCode, out int headerLength, out int length);
        _position += headerLength;
        OnValueRead();
        return new MessagePackExtensionHeader(typeCode, length);
    }

    /// <summary>Reads an ext/fixext value of any type (including -1) with its payload as a slice of the input.</summary>
    public MessagePackExtension ReadExtension()
    {
        PeekExtensionHeader("Extension", out sbyte typeCode, out int headerLength, out int length);
        ReadOnlySpan<byte> data = _buffer.Slice(_position + headerLength, length);
        _position += headerLength + length;
        OnValueRead();
        return new MessagePackExtension(typeCode, data);
    }

    /// <summary>
    /// Reads the timestamp extension (type -1) in any of its three forms. Rejects other extension types, payload
    /// sizes other than 4/8/12, and nanoseconds above 999 999 999 (which the 64- and 96-bit forms could carry).
    /// </summary>
    public MessagePackTimestamp ReadTimestamp()
    {
        const string expected = "Timestamp (ext type -1)";
        int start = _position;
        PeekExtensionHeader(expected, out sbyte typeCode, out int headerLength, out int length);
        if (typeCode != MessagePackCode.TimestampExtensionType)
        {
            throw new MessagePackException(start, $"expected {expected}, found ext type {typeCode} ({Describe(_buffer[start])})");
        }
        ReadOnlySpan<byte> data = _buffer.Slice(start + headerLength, length);
        long seconds;
        uint nanoseconds;
        switch (length)
        {
            case 4: // timestamp 32: seconds as uint32
                seconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                nanoseconds = 0;
                break;
            case 8: // timestamp 64: nanoseconds in the upper 30 bits, seconds in the lower 34
                ulong data64 = BinaryPrimitives.ReadUInt64BigEndian(data);
                nanoseconds = (uint)(data64 >> 34);
                seconds = (long)(data64 & 0x3_ffff_ffffUL);
                break;
            case 12: // timestamp 96: nanoseconds as uint32, then seconds as int64
                nanoseconds = BinaryPrimitives.ReadUInt32BigEndian(data);
                seconds = BinaryPrimitives.ReadInt64BigEndian(data.Slice(4));
                break;
            default:
                throw new MessagePackException(start, $"expected a timestamp payload of 4, 8 or 12 bytes, found {length} bytes ({Describe(_buffer[start])})");
        }
        if (nanoseconds > MessagePackTimestamp.MaxNanoseconds)
        {
            throw new MessagePackException(start, $"expected timestamp nanoseconds <= {MessagePackTimestamp.MaxNanoseconds}, found {nanoseconds}");
        }
        _position = start + headerLength + length;
        OnValueRead();
        return new MessagePackTimestamp(seconds, nanoseconds);
    }

    private bool TryReadStringUtf8Core(bool throwOnMismatch, out ReadOnlySpan<byte> utf8)
    {
        const string expected = "String";
        byte code = PeekCode(expected);
        int headerLength;
        uint length;
        ReadOnlySpan<byte> b = _buffer.Slice(_position);
        switch (code)
        {
            case >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr:
                headerLength = 1;
                length = (uint)(code & 0x1f);
                break;
            case MessagePackCode.Str8:
                RequireHeader(headerLength = 2, code);
                length = b[1];
                break;
            case MessagePackCode.Str16:
                RequireHeader(headerLength = 3, code);
                length = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1));
                break;
            case MessagePackCode.Str32:
                RequireHeader(headerLength = 5, code);
                length = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1));
                break;
            default:
                if (throwOnMismatch)
                {
                    ThrowWrongType(expected, _position, code);
                }
                utf8 = default;
                return false;
        }
        int n = RequirePayload(length, headerLength, code);
        ReadOnlySpan<byte> payload = b.Slice(headerLength, n);
        int invalid = Utf8Validation.IndexOfInvalid(payload);
        if (invalid >= 0)
        {
            ThrowInvalidUtf8(_position, code, (long)_position + headerLength + invalid, payload[invalid]);
        }
        _position += headerLength + n;
        OnValueRead();
        utf8 = payload;
        return true;
    }

    private bool TryReadBinaryCore(bool throwOnMismatch, out int offset, out int length)
    {
        const string expected = "Binary";
        byte code = PeekCode(expected);
        int headerLength;
        uint declared;
        ReadOnlySpan<byte> b = _buffer.Slice(_position);
        switch (code)
        {
            case MessagePackCode.Bin8:
                RequireHeader(headerLength = 2, code);
                declared = b[1];
                break;
            case MessagePackCode.Bin16:
                RequireHeader(headerLength = 3, code);
                declared = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1));
                break;
            case MessagePackCode.Bin32:
                RequireHeader(headerLength = 5, code);
                declared = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1));
                break;
            default:
                if (throwOnMismatch)
                {
                    ThrowWrongType(expected, _position, code);
                }
                offset = length = 0;
                return false;
        }
        length = RequirePayload(declared, headerLength, code);
        offset = _position + headerLength;
        _position = offset + length;
        OnValueRead();
        return true;
    }

    /// <summary>Parses an ext/fixext header at the current position and checks its payload fits; consumes nothing.</summary>
    private readonly void PeekExtensionHeader(string expected, out sbyte typeCode, out int headerLength, out int length)
    {
        byte code = PeekCode(expected);
        ReadOnlySpan<byte> b = _buffer.Slice(_position);
        uint declared;
        switch (code)
        {
            case >= MessagePackCode.FixExt1 and <= MessagePackCode.FixExt16:
                headerLength = 2;
                declared = 1u << (code - MessagePackCode.FixExt1); // 1, 2, 4, 8, 16
                break;
            case MessagePackCode.Ext8:
                headerLength = 3;
                RequireHeader(headerLength, code);
                declared = b[1];
                break;
            case MessagePackCode.Ext16:
                headerLength = 4;
                RequireHeader(headerLength, code);
                declared = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1));
                break;
            case MessagePackCode.Ext32:
                headerLength = 6;
                RequireHeader(headerLength, code);
                declared = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1));
                break;
            default:
                ThrowWrongType(expected, _position, code);
                typeCode = 0;
                headerLength = length = 0;
                return;
        }
        RequireHeader(headerLength, code);
        typeCode = (sbyte)b[headerLength - 1];
        length = RequirePayload(declared, headerLength, code);
    }
}
