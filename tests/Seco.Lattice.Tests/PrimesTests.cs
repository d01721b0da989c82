using System.Numerics;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

public class PrimesTests
{
    private const ulong SecoPlainModulus = 2061584302081;

    [Fact]
    public void IsPrime_AgreesWithTrialDivision_Small()
    {
        for (ulong n = 0; n < 20000; n++)
        {
            Assert.Equal(IsPrimeNaive(n), Primes.IsPrime(n));
        }
    }

    [Theory]
    [InlineData(18446744073709551557UL, true)]  // largest 64-bit prime
    [InlineData(2305843009213693951UL, true)]   // 2^61 − 1
    [InlineData(3825123056546413051UL, false)]  // strong pseudoprime to bases 2..23
    [InlineData(318665857834031151UL, false)]
    [InlineData(4294967297UL, false)]           // F5 = 641 · 6700417
    [InlineData(1UL << 61, false)]
    [InlineData(18446744073709551615UL, false)]
    [InlineData(SecoPlainModulus, true)]
    public void IsPrime_KnownValues(ulong n, bool expected) => Assert.Equal(expected, Primes.IsPrime(n));

    [Fact]
    public void IsPrime_SemiprimesOfLargePrimes()
    {
        ulong p = 4294967291, r = 4294967279; // two 32-bit primes
        Assert.False(Primes.IsPrime(p * r));
        Assert.True(Primes.IsPrime(p));
        Assert.True(Primes.IsPrime(r));
    }

    [Fact]
    public void SecoPlainModulus_IsNttFriendlyFor8192() =>
        Assert.True(Primes.IsPrime(SecoPlainModulus) && SecoPlainModulus % 16384 == 1);

    [Theory]
    [InlineData(4096, new ulong[] { 0xffffee001, 0xffffc4001, 0x1ffffe0001 }, new[] { 36, 36, 37 })]
    [InlineData(8192, new ulong[] { 0x7fffffd8001, 0x7fffffc8001, 0xfffffffc001, 0xffffff6c001, 0xfffffebc001 },
        new[] { 43, 43, 44, 44, 44 })]
    public void SealBfvDefault_ArePrimeAndNttFriendly(int n, ulong[] moduli, int[] bits)
    {
        for (int i = 0; i < moduli.Length; i++)
        {
            Assert.True(Primes.IsPrime(moduli[i]));
            Assert.Equal(1UL, moduli[i] % (2UL * (ulong)n));
            Assert.Equal(bits[i], new Modulus(moduli[i]).BitCount);
        }
    }

    [Theory]
    [InlineData(43, 8192, new ulong[] { 0x7fffffd8001, 0x7fffffc8001 })]
    [InlineData(44, 8192, new ulong[] { 0xfffffffc001, 0xffffff6c001, 0xfffffebc001 })]
    [InlineData(36, 4096, new ulong[] { 0xffffee001, 0xffffc4001 })]
    [InlineData(37, 4096, new ulong[] { 0x1ffffe0001 })]
    public void NttPrimes_ReproducesSealBfvDefault(int bits, int n, ulong[] expected) =>
        Assert.Equal(expected, Primes.NttPrimes(bits, n, expected.Length));

    [Fact]
    public void NttPrimes_AreDecreasingLargestAndCongruent()
    {
        ulong[] primes = Primes.NttPrimes(20, 16, 6);
        ulong factor = 32;
        // Independent check: the largest six 20-bit primes ≡ 1 mod 32 by brute force.
        var expected = new List<ulong>();
        for (ulong v = (1UL << 20) - 1; v > 1UL << 19 && expected.Count < 6; v--)
        {
            if (v % factor == 1 && IsPrimeNaive(v))
            {
                expected.Add(v);
            }
        }

        Assert.Equal(expected, primes);
    }

    [Fact]
    public void NttPrimes_ThrowsWhenExhaustedOrInvalid()
    {
        Assert.Throws<InvalidOperationException>(() => Primes.NttPrimes(14, 4096, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Primes.NttPrimes(62, 4096, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Primes.NttPrimes(40, 3000, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Primes.NttPrimes(40, 4096, 0));
    }

    [Theory]
    [InlineData(8UL, 17UL)]
    [InlineData(16UL, 97UL)]
    [InlineData(2048UL, 12289UL)]
    [InlineData(16384UL, SecoPlainModulus)]
    [InlineData(8192UL, 0xffffee001UL)]
    [InlineData(16384UL, 0xfffffffc001UL)]
    [InlineData(65536UL, 0xffffffffffc0001UL)]
    public void PrimitiveRoot_IsMinimalPrimitiveRoot(ulong degree, ulong q)
    {
        var m = new Modulus(q);
        ulong psi = Primes.PrimitiveRoot(degree, m);
        Assert.Equal(q - 1, m.Pow(psi, degree / 2));

        // Minimality, checked independently of the implementation's search order: no smaller x has x^(degree/2) = −1
        // (for power-of-two degree that is exactly "x is a primitive degree-th root").
        for (ulong x = 1; x < psi && x < 200_000; x++)
        {
            Assert.NotEqual(q - 1, (ulong)BigInteger.ModPow(x, degree / 2, q));
        }
    }

    [Fact]
    public void PrimitiveRoot_SmallCase_KnownValue()
    {
        // mod 17, primitive 8th roots are the x with x^4 = −1: {2, 8, 9, 15}; the minimum is 2.
        Assert.Equal(2UL, Primes.PrimitiveRoot(8, 17UL));
        Assert.Throws<ArgumentException>(() => Primes.PrimitiveRoot(32, 17UL));
        Assert.Throws<ArgumentException>(() => Primes.PrimitiveRoot(4, 21UL));
    }

    private static bool IsPrimeNaive(ulong n)
    {
        if (n < 2)
        {
            return false;
        }

        for (ulong d = 2; d * d <= n; d++)
        {
            if (n % d == 0)
            {
                return false;
            }
        }

        return true;
    }
}
