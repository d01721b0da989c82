using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace Seco.MessagePack;

// nil, bool, integers and floats.
public ref partial struct MessagePackReader
{
    public void ReadNil()
    {
        if (!TryReadNil())
        {
            ThrowWrongType("Nil", _position, _buffer[_position]);
        }
    }

    /// <summary>Consumes a nil and returns true, or returns false (consuming nothing) if the next value is not nil.</summary>
    public bool TryReadNil()
    {
        if (PeekCode("Nil") != MessagePackCode.Nil)
        {
            return false;
        }
        _position++;
        OnValueRead();
        return true;
    }

    public bool ReadBoolean()
    {
        if (!TryReadBoolean(out bool value))
        {
            ThrowWrongType("Boolean", _position, _buffer[_position]);
        }
        return value;
    }

    public bool TryReadBoolean(out bool value)
    {
        byte code = PeekCode("Boolean");
        if (code is not (MessagePackCode.True or MessagePackCode.False))
        {
            value = false;
            return false;
        }
        value = code == MessagePackCode.True;
        _position++;
        OnValueRead();
        return true;
    }

    // Every integer read accepts every integer format (fixint, uint 8..64, int 8..64) whose value fits the target,
    // so a non-minimal encoding from another implementation (e.g. uint 64 holding 5) is still read correctly.

    public byte ReadByte() => (byte)ReadUnsigned(byte.MaxValue, "Integer (Byte)");
    public ushort ReadUInt16() => (ushort)ReadUnsigned(ushort.MaxValue, "Integer (UInt16)");
    public uint ReadUInt32() => (uint)ReadUnsigned(uint.MaxValue, "Integer (UInt32)");
    public ulong ReadUInt64() => ReadUnsigned(ulong.MaxValue, "Integer (UInt64)");
    public sbyte ReadSByte() => (sbyte)ReadSigned(sbyte.MinValue, sbyte.MaxValue, "Integer (SByte)");
    public short ReadInt16() => (short)ReadSigned(short.MinValue, short.MaxValue, "Integer (Int16)");
    public int ReadInt32() => (int)ReadSigned(int.MinValue, int.MaxValue, "Integer (Int32)");

    public long ReadInt64()
    {
        // Fast path: when the longest integer (9 bytes) fits in what remains, decode with one length check and no
        // out-parameters. Everything else (other types, overflow, input ending within 9 bytes) takes the general
        // path, which produces the exact error.
        ReadOnlySpan<byte> b = _buffer;
        int p = _position;
        if ((uint)p < (uint)b.Length && b.Length - p >= 9)
        {
            ReadOnlySpan<byte> s = b.Slice(p, 9);
            long value;
            int length;
            byte code = s[0];
            switch (code)
            {
                case <= MessagePackCode.MaxPositiveFixInt or >= MessagePackCode.MinNegativeFixInt:
                    value = (sbyte)code; length = 1; break; // 0x00..0x7f are 0..127, 0xe0..0xff are -32..-1
                case MessagePackCode.UInt8: value = s[1]; length = 2; break;
                case MessagePackCode.UInt16: value = BinaryPrimitives.ReadUInt16BigEndian(s.Slice(1)); length = 3; break;
                case MessagePackCode.UInt32: value = BinaryPrimitives.ReadUInt32BigEndian(s.Slice(1)); length = 5; break;
                case MessagePackCode.Int8: value = (sbyte)s[1]; length = 2; break;
                case MessagePackCode.Int16: value = BinaryPrimitives.ReadInt16BigEndian(s.Slice(1)); length = 3; break;
                case MessagePackCode.Int32: value = BinaryPrimitives.ReadInt32BigEndian(s.Slice(1)); length = 5; break;
                case MessagePackCode.Int64: value = BinaryPrimitives.ReadInt64BigEndian(s.Slice(1)); length = 9; break;
                case MessagePackCode.UInt64:
                    value = BinaryPrimitives.ReadInt64BigEndian(s.Slice(1));
                    if (value < 0)
                    {
                        goto default; // above long.MaxValue: overflow, reported by the general path
                    }
                    length = 9;
                    break;
                default:
                    return ReadSigned(long.MinValue, long.MaxValue, "Integer (Int64)");
            }
            _position = p + length;
            OnValueRead();
            return value;
        }
        return ReadSigned(long.MinValue, long.MaxValue, "Integer (Int64)");
    }

    /// <summary>Reads an integer that fits in <see cref="long"/>; false (nothing consumed) for another type or overflow.</summary>
    public bool TryReadInt64(out long value) => TryReadSigned(long.MinValue, long.MaxValue, "Integer (Int64)", false, out value);

    /// <summary>Reads an integer that fits in <see cref="int"/>; false (nothing consumed) for another type or overflow.</summary>
    public bool TryReadInt32(out int value)
    {
        bool ok = TryReadSigned(int.MinValue, int.MaxValue, "Integer (Int32)", false, out long v);
        value = (int)v;
        return ok;
    }

    /// <summary>Reads an integer that fits in <see cref="ulong"/>; false (nothing consumed) for another type or a negative value.</summary>
    public bool TryReadUInt64(out ulong value) => TryReadUnsigned(ulong.MaxValue, "Integer (UInt64)", false, out value);

    /// <summary>Reads float 32 only: a float 64 is not narrowed silently.</summary>
    public float ReadSingle()
    {
        byte code = PeekCode("Float (float 32)");
        if (code != MessagePackCode.Float32)
        {
            ThrowWrongType("Float (float 32)", _position, code);
        }
        RequireHeader(5, code);
        float value = BinaryPrimitives.ReadSingleBigEndian(_buffer.Slice(_position + 1));
        _position += 5;
        OnValueRead();
        return value;
    }

    /// <summary>Reads float 64, or float 32 widened exactly. Integers are not accepted: the wire type is the contract.</summary>
    public double ReadDouble()
    {
        if (!TryReadDouble(out double value))
        {
            ThrowWrongType("Float", _position, _buffer[_position]);
        }
        return value;
    }

    public bool TryReadDouble(out double value)
    {
        byte code = PeekCode("Float");
        switch (code)
        {
            case MessagePackCode.Float64:
                RequireHeader(9, code);
                value = BinaryPrimitives.ReadDoubleBigEndian(_buffer.Slice(_position + 1));
                _position += 9;
                break;
            case MessagePackCode.Float32:
                RequireHeader(5, code);
                value = BinaryPrimitives.ReadSingleBigEndian(_buffer.Slice(_position + 1));
                _position += 5;
                break;
            default:
                value = 0;
                return false;
        }
        OnValueRead();
        return true;
    }

    private long ReadSigned(long min, long max, string expected)
    {
        TryReadSigned(min, max, expected, throwOnMismatch: true, out long value);
        return value;
    }

    private ulong ReadUnsigned(ulong max, string expected)
    {
        TryReadUnsigned(max, expected, throwOnMismatch: true, out ulong value);
        return value;
    }

    private bool TryReadSigned(long min, long max, string expected, bool throwOnMismatch, out long value)
    {
        value = 0;
        if (!TryDecodeInteger(expected, throwOnMismatch, out long signed, out ulong unsigned, out bool isUnsigned, out int length))
        {
            return false;
        }
        bool fits = isUnsigned ? unsigned <= (ulong)max : signed >= min && signed <= max;
        if (!fits)
        {
            if (throwOnMismatch)
            {
                ThrowIntegerOutOfRange(expected, _position, _buffer[_position], FormatInteger(signed, unsigned, isUnsigned));
            }
            return false;
        }
        value = isUnsigned ? (long)unsigned : signed;
        _position += length;
        OnValueRead();
        return true;
    }

    private bool TryReadUnsigned(ulong max, string expected, bool throwOnMismatch, out ulong value)
    {
        value = 0;
        if (!TryDecodeInteger(expected, throwOnMismatch, out long signed, out ulong unsigned, out bool isUnsigned, out int length))
        {
            return false;
        }
        bool fits = isUnsigned ? unsigned <= max : signed >= 0 && (ulong)signed <= max;
        if (!fits)
        {
            if (throwOnMismatch)
            {
                ThrowIntegerOutOfRange(expected, _position, _buffer[_position], FormatInteger(signed, unsigned, isUnsigned));
            }
            return false;
        }
        value = isUnsigned ? unsigned : (ulong)signed;
        _position += length;
        OnValueRead();
        return true;
    }

    /// <summary>
    /// Decodes the integer at the current position without consuming it. Unsigned formats (positive fixint, uint *)
    /// yield <paramref name="unsigned"/>, signed ones (negative fixint, int *) <paramref name="signed"/>.
    /// Returns false, or throws when <paramref name="throwOnMismatch"/>, if the next value is not an integer;
    /// truncation always throws.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly bool TryDecodeInteger(string expected, bool throwOnMismatch, out long signed, out ulong unsigned, out bool isUnsigned, out int length)
    {
        byte code = PeekCode(expected);
        signed = 0;
        unsigned = 0;
        isUnsigned = false;
        ReadOnlySpan<byte> b = _buffer.Slice(_position);
        switch (code)
        {
            case <= MessagePackCode.MaxPositiveFixInt:
                unsigned = code; isUnsigned = true; length = 1; return true;
            case >= MessagePackCode.MinNegativeFixInt:
                signed = (sbyte)code; length = 1; return true;
            case MessagePackCode.UInt8:
                RequireHeader(length = 2, code); unsigned = b[1]; isUnsigned = true; return true;
            case MessagePackCode.UInt16:
                RequireHeader(length = 3, code); unsigned = BinaryPrimitives.ReadUInt16BigEndian(b.Slice(1)); isUnsigned = true; return true;
            case MessagePackCode.UInt32:
                RequireHeader(length = 5, code); unsigned = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(1)); isUnsigned = true; return true;
            case MessagePackCode.UInt64:
                RequireHeader(length = 9, code); unsigned = BinaryPrimitives.ReadUInt64BigEndian(b.Slice(1)); isUnsigned = true; return true;
            case MessagePackCode.Int8:
                RequireHeader(length = 2, code); signed = (sbyte)b[1]; return true;
            case MessagePackCode.Int16:
                RequireHeader(length = 3, code); signed = BinaryPrimitives.ReadInt16BigEndian(b.Slice(1)); return true;
            case MessagePackCode.Int32:
                RequireHeader(length = 5, code); signed = BinaryPrimitives.ReadInt32BigEndian(b.Slice(1)); return true;
            case MessagePackCode.Int64:
                RequireHeader(length = 9, code); signed = BinaryPrimitives.ReadInt64BigEndian(b.Slice(1)); return true;
            default:
                length = 0;
                if (throwOnMismatch)
                {
                    ThrowWrongType(expected, _position, code);
                }
                return false;
        }
    }

    private static string FormatInteger(long signed, ulong unsigned, bool isUnsigned) =>
        isUnsigned ? unsigned.ToString(CultureInfo.InvariantCulture) : signed.ToString(CultureInfo.InvariantCulture);
}
