using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Seco.Garbling.Crypto;

/// <summary>
/// A 128-bit block: a wire label, an AES block, an OT message or one row of the OT-extension matrix.
/// </summary>
/// <remarks>
/// Byte order is the AES byte order: byte 0 is the first byte of the block as AES sees it, and
/// <see cref="Lo"/> holds bytes 0..7 little-endian. The point-and-permute bit (the label's "colour") is bit 0 of
/// byte 0 (<see cref="Lsb"/>), as in emp-tool and the half-gates paper (Zahur, Rosulek, Evans 2015, §2).
/// </remarks>
[StructLayout(LayoutKind.Sequential, Size = 16)]
public readonly struct Block : IEquatable<Block>
{
    /// <summary>Size of a block in bytes.</summary>
    public const int Size = 16;

    private readonly Vector128<byte> _v;

    /// <summary>Wraps a SIMD register.</summary>
    public Block(Vector128<byte> v) => _v = v;

    /// <summary>Builds a block from its low (bytes 0..7) and high (bytes 8..15) little-endian halves.</summary>
    public Block(ulong lo, ulong hi) => _v = Vector128.Create(lo, hi).AsByte();

    /// <summary>The all-zero block.</summary>
    public static Block Zero => default;

    /// <summary>The SIMD register view.</summary>
    public Vector128<byte> Vector
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _v;
    }

    /// <summary>Bytes 0..7 as a little-endian integer.</summary>
    public ulong Lo => _v.AsUInt64().GetElement(0);

    /// <summary>Bytes 8..15 as a little-endian integer.</summary>
    public ulong Hi => _v.AsUInt64().GetElement(1);

    /// <summary>The point-and-permute bit: bit 0 of byte 0.</summary>
    public bool Lsb
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (_v.AsUInt64().ToScalar() & 1) != 0;
    }

    /// <summary>The block with its point-and-permute bit forced to 1 (free-XOR's global offset Δ must have it set).</summary>
    public Block WithLsbSet() => new(_v | Vector128.CreateScalar((byte)1));

    /// <summary>Reads 16 bytes.</summary>
    public static Block Read(ReadOnlySpan<byte> source)
    {
        if (source.Length < Size) throw new ArgumentException($"a block needs {Size} bytes, got {source.Length}", nameof(source));
        return new(Vector128.Create(source[..Size]));
    }

    /// <summary>Writes 16 bytes.</summary>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size) throw new ArgumentException($"a block needs {Size} bytes, got {destination.Length}", nameof(destination));
        _v.CopyTo(destination);
    }

    /// <summary>XOR of two blocks (free-XOR's label arithmetic).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block operator ^(Block a, Block b) => new(a._v ^ b._v);

    /// <summary>AND of two blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block operator &(Block a, Block b) => new(a._v & b._v);

    /// <summary><paramref name="b"/> if <paramref name="bit"/> is set, else zero, without a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block Select(bool bit, Block b)
    {
        ulong m = 0UL - (ulong)(bit ? 1 : 0);
        return new(b._v & Vector128.Create(m).AsByte());
    }

    /// <summary>Equality.</summary>
    public static bool operator ==(Block a, Block b) => a._v == b._v;

    /// <summary>Inequality.</summary>
    public static bool operator !=(Block a, Block b) => a._v != b._v;

    /// <inheritdoc />
    public bool Equals(Block other) => _v == other._v;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Block b && Equals(b);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Lo, Hi);

    /// <summary>Hexadecimal, bytes in AES order.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Write(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Parses 32 hex digits (bytes in AES order).</summary>
    public static Block FromHex(string hex)
    {
        byte[] bytes = Convert.FromHexString(hex);
        if (bytes.Length != Size) throw new FormatException($"a block is {Size * 2} hex digits, got {hex.Length}");
        return Read(bytes);
    }

    /// <summary>Views blocks as bytes (for serialization without copying block by block).</summary>
    public static Span<byte> AsBytes(Span<Block> blocks) => MemoryMarshal.AsBytes(blocks);

    /// <summary>Views bytes as blocks; the length must be a multiple of 16.</summary>
    public static ReadOnlySpan<Block> FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % Size != 0) throw new ArgumentException($"{bytes.Length} bytes is not a whole number of {Size}-byte blocks", nameof(bytes));
        return MemoryMarshal.Cast<byte, Block>(bytes);
    }

    internal static ulong ReadUInt64(ReadOnlySpan<byte> s) => BinaryPrimitives.ReadUInt64LittleEndian(s);
}
