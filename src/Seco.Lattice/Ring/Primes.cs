namespace Seco.Lattice.Ring;

/// <summary>
/// Primality testing and NTT-friendly prime generation, mirroring SEAL's <c>numth.cpp</c> (<c>is_prime</c>,
/// <c>get_primes</c>, <c>try_minimal_primitive_root</c>) so that parameters match SEAL's bit for bit.
/// </summary>
public static class Primes
{
    // The first 12 primes as Miller–Rabin bases make the test deterministic for every n < 3.3·10^24 ⊃ 64-bit
    // (Sorenson & Webster 2015; the bound for bases up to 37 is 318665857834031151167461).
    private static readonly ulong[] WitnessBases = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

    /// <summary>Deterministic Miller–Rabin primality test, exact for all 64-bit integers.</summary>
    public static bool IsPrime(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        foreach (ulong p in WitnessBases)
        {
            if (n % p == 0)
            {
                return n == p;
            }
        }

        if (n < 37 * 37)
        {
            return true; // no prime factor ≤ 37 and n < 37², hence prime
        }

        // n − 1 = d · 2^s with d odd.
        ulong d = n - 1;
        int s = System.Numerics.BitOperations.TrailingZeroCount(d);
        d >>= s;

        foreach (ulong a in WitnessBases)
        {
            ulong x = PowMod(a, d, n);
            if (x == 1 || x == n - 1)
            {
                continue;
            }

            bool composite = true;
            for (int i = 1; i < s; i++)
            {
                x = MulMod(x, x, n);
                if (x == n - 1)
                {
                    composite = false;
                    break;
                }
            }

            if (composite)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The largest <paramref name="count"/> primes q with 2^(bitSize−1) &lt; q &lt; 2^bitSize and q ≡ 1 (mod 2n), in
    /// decreasing order. Same walk as SEAL's <c>get_primes</c>: start at 2^bitSize − 2n + 1 and step down by 2n.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Invalid n, bit size or count.</exception>
    /// <exception cref="InvalidOperationException">Not enough such primes exist in the bit range.</exception>
    public static ulong[] NttPrimes(int bitSize, int n, int count)
    {
        if (n < 1 || !System.Numerics.BitOperations.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), "n must be a positive power of two.");
        }

        if (count < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), "count must be positive.");
        }

        ulong factor = 2UL * (ulong)n;
        int log2Factor = System.Numerics.BitOperations.Log2(factor);
        if (bitSize < 2 || bitSize > Modulus.MaxBitCount || bitSize <= log2Factor)
        {
            throw new ArgumentOutOfRangeException(
                nameof(bitSize), $"bitSize must be in ({log2Factor}, {Modulus.MaxBitCount}] for n = {n}.");
        }

        var result = new ulong[count];
        int found = 0;
        ulong value = (1UL << bitSize) - factor + 1;
        ulong lowerBound = 1UL << (bitSize - 1);
        while (found < count && value > lowerBound)
        {
            if (IsPrime(value))
            {
                result[found++] = value;
            }

            value -= factor;
        }

        if (found < count)
        {
            throw new InvalidOperationException(
                $"Only {found} of {count} {bitSize}-bit primes congruent to 1 mod {factor} exist.");
        }

        return result;
    }

    /// <summary>
    /// The minimal primitive <paramref name="degree"/>-th root of unity modulo prime q (degree a power of two ≥ 2
    /// dividing q − 1). SEAL's <c>try_minimal_primitive_root</c> picks the numerically smallest one; so do we, which
    /// makes NTT tables (and therefore every NTT-domain value) identical to SEAL's.
    /// </summary>
    /// <remarks>
    /// A candidate x = g^((q−1)/degree) has order dividing degree; for a power-of-two degree its order is exactly
    /// degree iff x^(degree/2) = −1. Once one primitive root ψ is found, all others are the odd powers ψ^(2k+1),
    /// so a single pass over degree/2 of them finds the minimum, independent of which ψ was found first.
    /// </remarks>
    public static ulong PrimitiveRoot(ulong degree, Modulus q)
    {
        ArgumentNullException.ThrowIfNull(q);
        if (degree < 2 || !ulong.IsPow2(degree))
        {
            throw new ArgumentOutOfRangeException(nameof(degree), "degree must be a power of two >= 2.");
        }

        ulong qv = q.Value;
        if ((qv - 1) % degree != 0 || !IsPrime(qv))
        {
            throw new ArgumentException($"q = {qv} must be a prime congruent to 1 mod {degree}.", nameof(q));
        }

        ulong cofactor = (qv - 1) / degree;
        ulong root = 0;
        for (ulong g = 2; g < qv; g++)
        {
            ulong x = q.Pow(g, cofactor);
            if (q.Pow(x, degree / 2) == qv - 1)
            {
                root = x;
                break;
            }
        }

        // Exists because q is prime and degree | q − 1, so the loop always succeeds.
        ulong rootSquared = q.Multiply(root, root);
        ulong current = root, minimal = root;
        for (ulong i = 0; i < degree / 2; i++)
        {
            if (current < minimal)
            {
                minimal = current;
            }

            current = q.Multiply(current, rootSquared);
        }

        return minimal;
    }

    /// <summary>Overload of <see cref="PrimitiveRoot(ulong, Modulus)"/> taking the raw modulus value.</summary>
    public static ulong PrimitiveRoot(ulong degree, ulong q) => PrimitiveRoot(degree, new Modulus(q));

    private static ulong MulMod(ulong a, ulong b, ulong n) => (ulong)((UInt128)a * b % n);

    private static ulong PowMod(ulong b, ulong e, ulong n)
    {
        ulong result = 1;
        b %= n;
        while (e != 0)
        {
            if ((e & 1) != 0)
            {
                result = MulMod(result, b, n);
            }

            b = MulMod(b, b, n);
            e >>= 1;
        }

        return result;
    }
}
