namespace Seco.Nn.Field;

/// <summary>
/// Z_p with p = 2061584302081 = 2^41 − 2^37 + 1, the field in which SECO's shares, masks and
/// fixed-point values live (paper §VIII-A; D6: the same prime as the BFV plaintext modulus t, so
/// HE plaintext slots and secret shares are the same numbers). Negative values are represented
/// as p − |x|, i.e. the signed representative lies in [−(p−1)/2, (p−1)/2].
/// </summary>
public static class PrimeField
{
    /// <summary>The share and plaintext modulus p (41-bit prime, p ≡ 1 mod 2·8192).</summary>
    public const ulong P = 2061584302081UL;

    /// <summary>(p − 1) / 2: the largest magnitude a signed value may have.</summary>
    public const long HalfP = (long)((P - 1) / 2);

    /// <summary>Reduces any signed integer to its canonical residue in [0, p).</summary>
    public static ulong FromSigned(long value)
    {
        long r = value % (long)P;
        return (ulong)(r < 0 ? r + (long)P : r);
    }

    /// <summary>Reduces a 128-bit signed integer to its canonical residue in [0, p).</summary>
    public static ulong FromSigned(Int128 value)
    {
        Int128 r = value % (Int128)P;
        return (ulong)(r < 0 ? r + P : r);
    }

    /// <summary>
    /// The centred lift of a residue: the unique integer in [−(p−1)/2, (p−1)/2] congruent to it.
    /// This is how the ReLU circuit reads a reconstructed share sum (compare with p/2, D7).
    /// </summary>
    public static long ToSigned(ulong residue)
    {
        if (residue >= P)
            throw new ArgumentOutOfRangeException(nameof(residue), residue, $"not a residue mod p = {P}");
        return residue > (ulong)HalfP ? (long)residue - (long)P : (long)residue;
    }

    /// <summary>The centred lift of an arbitrary integer (reduce mod p, then lift).</summary>
    public static long Wrap(long value) => ToSigned(FromSigned(value));

    /// <summary>The centred lift of an arbitrary 128-bit integer.</summary>
    public static long Wrap(Int128 value) => ToSigned(FromSigned(value));

    public static ulong Add(ulong a, ulong b)
    {
        ulong s = a + b; // a, b < 2^41: no overflow
        return s >= P ? s - P : s;
    }

    public static ulong Subtract(ulong a, ulong b) => a >= b ? a - b : a + P - b;

    public static ulong Negate(ulong a) => a == 0 ? 0 : P - a;

    public static ulong Multiply(ulong a, ulong b) => (ulong)(((UInt128)a * b) % P);
}
