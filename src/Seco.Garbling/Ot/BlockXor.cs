using System.Runtime.Intrinsics;

namespace Seco.Garbling.Ot;

/// <summary>Wide XOR loops over byte spans (the IKNP column arithmetic), 32 bytes per step.</summary>
internal static class BlockXor
{
    /// <summary>destination ^= source & mask (mask all-zero or all-one: a constant-time conditional XOR).</summary>
    public static void XorMasked(Span<byte> destination, ReadOnlySpan<byte> source, byte mask)
    {
        Check(destination.Length, source.Length);
        var m = Vector256.Create(mask);
        int i = 0;
        for (; i + 32 <= destination.Length; i += 32)
            (Vector256.Create((ReadOnlySpan<byte>)destination[i..]) ^ (Vector256.Create(source[i..]) & m)).CopyTo(destination[i..]);
        for (; i < destination.Length; i++) destination[i] ^= (byte)(source[i] & mask);
    }

    /// <summary>destination = a ⊕ b ⊕ c.</summary>
    public static void Xor3(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> destination)
    {
        Check(destination.Length, a.Length);
        Check(destination.Length, b.Length);
        Check(destination.Length, c.Length);
        int i = 0;
        for (; i + 32 <= destination.Length; i += 32)
            (Vector256.Create(a[i..]) ^ Vector256.Create(b[i..]) ^ Vector256.Create(c[i..])).CopyTo(destination[i..]);
        for (; i < destination.Length; i++) destination[i] = (byte)(a[i] ^ b[i] ^ c[i]);
    }

    private static void Check(int destination, int source)
    {
        if (destination != source) throw new ArgumentException($"XOR of spans of different lengths ({destination} and {source} bytes)");
    }
}
