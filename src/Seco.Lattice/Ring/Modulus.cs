using System.Runtime.CompilerServices;

namespace Seco.Lattice.Ring;

/// <summary>
/// An immutable word-sized modulus q with 2 ≤ q &lt; 2^61 and its Barrett constant, plus the modular operations the
/// RNS/NTT layers are built on. Design follows SEAL's <c>Modulus</c> / <c>uintarithsmallmod.h</c>: the constant
/// floor(2^128 / q) (SEAL's <c>const_ratio</c>) lets every reduction run without a hardware division.
/// </summary>
/// <remarks>
/// The 61-bit bound is SEAL's: it leaves head-room for the lazy NTT (values kept in [0, 4q) need 4q &lt; 2^64) and for
/// branch-free add/sub that detect wrap-around through the sign bit.
/// </remarks>
public sealed class Modulus : IEquatable<Modulus>
{
    /// <summary>Largest supported bit count (exclusive bound 2^61).</summary>
    public const int MaxBitCount = 61;

    /// <summary>Creates a modulus; throws <see cref="ArgumentException"/> unless 2 ≤ <paramref name="value"/> &lt; 2^61.</summary>
    public Modulus(ulong value)
    {
        if (value < 2 || value >= 1UL << MaxBitCount)
        {
            throw new ArgumentException(
                $"Modulus value must satisfy 2 <= q < 2^{MaxBitCount}; got {value}.", nameof(value));
        }

        Value = value;
        BitCount = 64 - System.Numerics.BitOperations.LeadingZeroCount(value);

        // floor(2^128 / q) = floor((2^128 - 1) / q), plus one exactly when q divides 2^128 (q a power of two).
        UInt128 ratio = UInt128.MaxValue / value;
        if (UInt128.MaxValue % value == value - 1)
        {
            ratio++;
        }

        ConstRatioLow = (ulong)ratio;
        ConstRatioHigh = (ulong)(ratio >> 64);
    }

    /// <summary>The modulus q.</summary>
    public ulong Value { get; }

    /// <summary>Number of significant bits of q.</summary>
    public int BitCount { get; }

    /// <summary>Low 64-bit word of floor(2^128 / q).</summary>
    public ulong ConstRatioLow { get; }

    /// <summary>High 64-bit word of floor(2^128 / q); equals floor(2^64 / q).</summary>
    public ulong ConstRatioHigh { get; }

    /// <summary>
    /// x mod q by Barrett reduction with the single-word constant floor(2^64/q) (SEAL <c>barrett_reduce_64</c>).
    /// The estimated quotient is at most one too small, so one conditional subtraction suffices.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong x)
    {
        ulong qHat = NegacyclicNtt.MulHigh(x, ConstRatioHigh);
        ulong r = x - qHat * Value;
        return NegacyclicNtt.SubIfGreaterOrEqual(r, Value); // branch-free, r < 2q
    }

    /// <summary>x mod q for a full 128-bit x (Barrett; see <see cref="Reduce(ulong, ulong)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(UInt128 x) => Reduce((ulong)(x >> 64), (ulong)x);

    /// <summary>
    /// (hi·2^64 + lo) mod q by Barrett reduction (SEAL <c>barrett_reduce_128</c>). We need only word 2 (bits 128..191)
    /// of x·floor(2^128/q): that is floor(x/q) or floor(x/q) − 1, because floor(2^128/q) under-estimates 2^128/q by
    /// less than one and x &lt; 2^128. The remainder therefore lies in [0, 2q) and fits a word, so the arithmetic can
    /// wrap modulo 2^64.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Reduce(ulong hi, ulong lo)
    {
        ulong r0 = ConstRatioLow, r1 = ConstRatioHigh;

        // Word 1 of lo·r0 + 2^64·(lo·r1 + hi·r0); only its carry into word 2 matters.
        ulong carry = Math.BigMul(lo, r0, out _);
        ulong t1Hi = Math.BigMul(lo, r1, out ulong t1Lo);
        ulong w1 = t1Lo + carry;
        ulong w2 = t1Hi + (w1 < carry ? 1UL : 0UL);
        ulong t2Hi = Math.BigMul(hi, r0, out ulong t2Lo);
        ulong w1b = w1 + t2Lo;
        ulong c2 = t2Hi + (w1b < t2Lo ? 1UL : 0UL);
        ulong qHat = hi * r1 + w2 + c2;

        ulong r = lo - qHat * Value;
        return NegacyclicNtt.SubIfGreaterOrEqual(r, Value); // branch-free, r < 2q
    }

    /// <summary>(a + b) mod q for a, b in [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Add(ulong a, ulong b)
    {
        // a + b < 2q < 2^62, so s − q is negative exactly when no correction is needed: add q back via the sign bit.
        ulong s = a + b - Value;
        return s + (Value & (ulong)((long)s >> 63));
    }

    /// <summary>(a − b) mod q for a, b in [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Sub(ulong a, ulong b)
    {
        ulong d = a - b;
        return d + (Value & (ulong)((long)d >> 63));
    }

    /// <summary>(−a) mod q for a in [0, q).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Negate(ulong a) => a == 0 ? 0 : Value - a;

    /// <summary>(a · b) mod q for any 64-bit a, b: Barrett reduction of the 128-bit product.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Multiply(ulong a, ulong b)
    {
        ulong hi = Math.BigMul(a, b, out ulong lo);
        return Reduce(hi, lo);
    }

    /// <summary>
    /// Shoup's precomputed quotient floor(w · 2^64 / q) for a fixed multiplicand w in [0, q)
    /// (Shoup, NTL; Harvey 2014, "Faster arithmetic for number-theoretic transforms", §2).
    /// </summary>
    public ulong ShoupPrecompute(ulong w)
    {
        if (w >= Value)
        {
            throw new ArgumentOutOfRangeException(nameof(w), "Shoup operand must be reduced (w < q).");
        }

        return (ulong)(((UInt128)w << 64) / Value);
    }

    /// <summary>(x · w) mod q in [0, q) for any 64-bit x, using wShoup = <see cref="ShoupPrecompute"/>(w).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyShoup(ulong x, ulong w, ulong wShoup)
    {
        ulong r = MultiplyShoupLazy(x, w, wShoup);
        return NegacyclicNtt.SubIfGreaterOrEqual(r, Value); // branch-free, r < 2q
    }

    /// <summary>
    /// x · w mod q, lazily reduced to [0, 2q): q̂ = hi(x · wShoup) is floor(x·w/q) or one less (Harvey 2014, Alg. 2),
    /// so x·w − q̂·q is in [0, 2q) and can be computed with wrapping 64-bit products.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong MultiplyShoupLazy(ulong x, ulong w, ulong wShoup)
    {
        ulong qHat = NegacyclicNtt.MulHigh(x, wShoup);
        return x * w - qHat * Value;
    }

    /// <summary>b^e mod q by left-to-right square-and-multiply.</summary>
    public ulong Pow(ulong b, ulong e)
    {
        ulong result = 1 % Value;
        b = Reduce(b);
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = Multiply(result, b);
            }

            e >>= 1;
            if (e != 0)
            {
                b = Multiply(b, b);
            }
        }

        return result;
    }

    /// <summary>a^{-1} mod q by the extended Euclidean algorithm; throws if gcd(a, q) ≠ 1.</summary>
    public ulong Inverse(ulong a)
    {
        if (!TryInverse(a, out ulong inv))
        {
            throw new ArgumentException($"{a} is not invertible modulo {Value}.", nameof(a));
        }

        return inv;
    }

    /// <summary>Like <see cref="Inverse"/> but reports failure instead of throwing.</summary>
    public bool TryInverse(ulong a, out ulong inverse)
    {
        // Coefficients stay bounded by q < 2^61 in magnitude, so signed 64-bit arithmetic cannot overflow.
        long r0 = (long)Value, r1 = (long)Reduce(a);
        long s0 = 0, s1 = 1;
        while (r1 != 0)
        {
            long quotient = r0 / r1;
            (r0, r1) = (r1, r0 - quotient * r1);
            (s0, s1) = (s1, s0 - quotient * s1);
        }

        if (r0 != 1)
        {
            inverse = 0;
            return false;
        }

        inverse = s0 < 0 ? (ulong)(s0 + (long)Value) : (ulong)s0;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Modulus? other) => other is not null && other.Value == Value;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Modulus m && Equals(m);

    /// <inheritdoc />
    public override int GetHashCode() => Value.GetHashCode();

    /// <inheritdoc />
    public override string ToString() => $"Modulus({Value}, {BitCount} bits)";
}
