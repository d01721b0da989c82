namespace Seco.Lattice.Serialization;

/// <summary>
/// LSB-first bit packing of residues at a fixed bit width (≤ 61): value i occupies bits [i·w, (i+1)·w) of the limb,
/// bit j of the stream being bit (j mod 8) of byte ⌊j/8⌋. A UInt128 accumulator is used because up to 7 pending bits
/// plus a 61-bit value do not fit in 64.
/// </summary>
internal static class BitPacking
{
    /// <summary>Bytes taken by <paramref name="count"/> values of <paramref name="bits"/> bits (last byte zero-padded).</summary>
    public static long PackedSize(int count, int bits) => (((long)count * bits) + 7) / 8;

    /// <summary>Packs <paramref name="values"/> into exactly <see cref="PackedSize"/> bytes of <paramref name="destination"/>.</summary>
    public static void Pack(ReadOnlySpan<ulong> values, int bits, Span<byte> destination)
    {
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        UInt128 acc = 0;
        int accBits = 0, o = 0;
        for (int i = 0; i < values.Length; i++)
        {
            ulong v = values[i];
            if ((v & ~mask) != 0)
            {
                // Masking silently would write a different (valid-looking) residue: refuse instead.
                throw new InvalidOperationException($"Value {v} at index {i} does not fit in {bits} bits; the object is corrupt.");
            }

            acc |= (UInt128)v << accBits;
            accBits += bits;
            while (accBits >= 8)
            {
                destination[o++] = (byte)acc;
                acc >>= 8;
                accBits -= 8;
            }
        }

        if (accBits > 0)
        {
            destination[o] = (byte)acc;
        }
    }

    /// <summary>
    /// Unpacks <paramref name="destination"/>.Length values from <paramref name="source"/> (exactly
    /// <see cref="PackedSize"/> bytes) and checks each against <paramref name="modulus"/> and the padding bits
    /// against zero, so every accepted stream has exactly one encoding.
    /// </summary>
    /// <param name="source">The packed limb.</param>
    /// <param name="bits">Bit width.</param>
    /// <param name="modulus">Exclusive upper bound of the values.</param>
    /// <param name="destination">Receives the values.</param>
    /// <param name="baseOffset">Absolute input offset of <paramref name="source"/>[0], for error messages.</param>
    /// <param name="label">What the limb is (e.g. "ciphertext polynomial 1, limb 2"), for error messages.</param>
    public static void Unpack(ReadOnlySpan<byte> source, int bits, ulong modulus, Span<ulong> destination, long baseOffset, string label)
    {
        ulong mask = bits == 64 ? ulong.MaxValue : (1UL << bits) - 1;
        UInt128 acc = 0;
        int accBits = 0, p = 0;
        for (int i = 0; i < destination.Length; i++)
        {
            while (accBits < bits)
            {
                acc |= (UInt128)source[p++] << accBits;
                accBits += 8;
            }

            ulong v = (ulong)acc & mask;
            acc >>= bits;
            accBits -= bits;
            if (v >= modulus)
            {
                throw new BfvFormatException(
                    $"Residue out of range: {label}, coefficient {i} is {v}, not below the modulus {modulus}",
                    baseOffset + ((long)i * bits / 8));
            }

            destination[i] = v;
        }

        if (acc != 0)
        {
            throw new BfvFormatException($"Nonzero padding bits after the last coefficient of {label}", baseOffset + p - 1);
        }
    }
}
