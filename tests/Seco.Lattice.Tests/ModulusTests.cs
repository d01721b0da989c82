using System.Numerics;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

public class ModulusTests
{
    // Small primes, the SECO plaintext prime, BFVDefault primes (36/37/43/44 bits), a 60-bit NTT prime,
    // 2^61 − 1 (the largest allowed prime), and non-primes incl. a power of two and 2^60 + 1 for Barrett.
    public static readonly TheoryData<ulong> Moduli = new()
    {
        2, 3, 17, 65537, 12289,
        2061584302081,
        0xffffee001, 0x1ffffe0001,
        0x7fffffd8001, 0xfffffffc001, 0xffffff6c001,
        0xffffffffffc0001,
        (1UL << 61) - 1,
        1UL << 40, (1UL << 60) + 1, (1UL << 61) - 2, 1000000,
    };

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(1UL << 61)]
    [InlineData(ulong.MaxValue)]
    public void Constructor_RejectsOutOfRange(ulong value)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Modulus(value));
        Assert.Contains("2^61", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Constants_MatchBigInteger(ulong q)
    {
        var m = new Modulus(q);
        BigInteger ratio = (BigInteger.One << 128) / q;
        Assert.Equal((ulong)(ratio & ulong.MaxValue), m.ConstRatioLow);
        Assert.Equal((ulong)(ratio >> 64), m.ConstRatioHigh);
        Assert.Equal(64 - BitOperations.LeadingZeroCount(q), m.BitCount);
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Arithmetic_MatchesBigInteger(ulong q)
    {
        var m = new Modulus(q);
        var rng = new Random(unchecked((int)q) ^ 12345);
        BigInteger bq = q;

        foreach (var (a, b) in Operands(q, rng))
        {
            Assert.Equal((ulong)((a + b) % bq), m.Add(a, b));
            Assert.Equal((ulong)((((BigInteger)a - b) % bq + bq) % bq), m.Sub(a, b));
            Assert.Equal((ulong)((bq - a) % bq), m.Negate(a));
            Assert.Equal((ulong)((BigInteger)a * b % bq), m.Multiply(a, b));

            ulong wShoup = m.ShoupPrecompute(b);
            Assert.Equal((ulong)(((BigInteger)b << 64) / bq), wShoup);
            ulong lazy = m.MultiplyShoupLazy(a, b, wShoup);
            Assert.True(lazy < 2 * q);
            Assert.Equal((ulong)((BigInteger)a * b % bq), lazy % q);
            Assert.Equal((ulong)((BigInteger)a * b % bq), m.MultiplyShoup(a, b, wShoup));
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Reduce_MatchesBigInteger_FullRange(ulong q)
    {
        var m = new Modulus(q);
        var rng = new Random(unchecked((int)(q >> 3)) ^ 777);
        BigInteger bq = q;
        ulong[] edges = [0, 1, q - 1, q, q + 1, 2 * q - 1, 2 * q, ulong.MaxValue, ulong.MaxValue - 1];

        foreach (ulong x in edges.Concat(Enumerable.Range(0, 2000).Select(_ => (ulong)rng.NextInt64() * 2 + 1)))
        {
            Assert.Equal((ulong)(x % bq), m.Reduce(x));
        }

        UInt128[] wideEdges = [0, UInt128.MaxValue, (UInt128)(q - 1) * (q - 1), (UInt128)q * q, ((UInt128)1 << 64) * q - 1];
        IEnumerable<UInt128> wide = wideEdges.Concat(
            Enumerable.Range(0, 2000).Select(_ => new UInt128((ulong)rng.NextInt64() << 1, (ulong)rng.NextInt64() << 1 | 1)));
        foreach (UInt128 x in wide)
        {
            Assert.Equal((ulong)(BigInteger.Parse(x.ToString()) % bq), m.Reduce(x));
            Assert.Equal((ulong)(BigInteger.Parse(x.ToString()) % bq), m.Reduce((ulong)(x >> 64), (ulong)x));
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Multiply_WorksForUnreducedOperands(ulong q)
    {
        var m = new Modulus(q);
        var rng = new Random(99);
        for (int i = 0; i < 500; i++)
        {
            ulong a = (ulong)rng.NextInt64() << 1 | 1, b = (ulong)rng.NextInt64();
            Assert.Equal((ulong)((BigInteger)a * b % q), m.Multiply(a, b));

            ulong w = b % q;
            ulong ws = m.ShoupPrecompute(w);
            Assert.Equal((ulong)((BigInteger)a * w % q), m.MultiplyShoup(a, w, ws));
        }
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Pow_MatchesBigInteger(ulong q)
    {
        var m = new Modulus(q);
        var rng = new Random(4242);
        for (int i = 0; i < 200; i++)
        {
            ulong b = (ulong)rng.NextInt64(), e = (ulong)rng.NextInt64(0, i < 10 ? 3 : long.MaxValue);
            Assert.Equal((ulong)BigInteger.ModPow(b, e, q), m.Pow(b, e));
        }

        Assert.Equal(1UL, m.Pow(0, 0));
        Assert.Equal(0UL, m.Pow(0, 5));
    }

    [Theory]
    [MemberData(nameof(Moduli))]
    public void Inverse_IsInverseOrThrows(ulong q)
    {
        var m = new Modulus(q);
        var rng = new Random(31337);
        ulong[] candidates = [0, 1, q - 1, 2, .. Enumerable.Range(0, 300).Select(_ => (ulong)rng.NextInt64(0, (long)q))];
        foreach (ulong a in candidates)
        {
            if (BigInteger.GreatestCommonDivisor(a, q).IsOne)
            {
                ulong inv = m.Inverse(a);
                Assert.True(inv < q);
                Assert.Equal(1UL % q, m.Multiply(a, inv));
            }
            else
            {
                Assert.Throws<ArgumentException>(() => m.Inverse(a));
                Assert.False(m.TryInverse(a, out _));
            }
        }
    }

    [Fact]
    public void ShoupPrecompute_RejectsUnreduced()
    {
        var m = new Modulus(17);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.ShoupPrecompute(17));
    }

    private static IEnumerable<(ulong A, ulong B)> Operands(ulong q, Random rng)
    {
        ulong[] edges = [0, 1, q - 1, q / 2, (q + 1) / 2];
        foreach (ulong a in edges)
        {
            foreach (ulong b in edges)
            {
                yield return (a % q, b % q);
            }
        }

        for (int i = 0; i < 3000; i++)
        {
            yield return ((ulong)rng.NextInt64(0, (long)q), (ulong)rng.NextInt64(0, (long)q));
        }
    }
}
