namespace Seco.Garbling.Ot;

/// <summary>Packed choice bits: bit j is bit j mod 8 of byte j / 8 (the column bit order of IKNP's matrices).</summary>
public static class OtBits
{
    /// <summary>Bytes needed for <paramref name="count"/> bits.</summary>
    public static int ByteCount(int count) => (count + 7) >> 3;

    /// <summary>Packs booleans into bits.</summary>
    public static byte[] Pack(ReadOnlySpan<bool> bits)
    {
        var packed = new byte[ByteCount(bits.Length)];
        for (int j = 0; j < bits.Length; j++)
            if (bits[j]) packed[j >> 3] |= (byte)(1 << (j & 7));
        return packed;
    }

    /// <summary>Bit <paramref name="index"/> of <paramref name="packed"/>.</summary>
    public static bool Get(ReadOnlySpan<byte> packed, int index) => ((packed[index >> 3] >> (index & 7)) & 1) != 0;
}
