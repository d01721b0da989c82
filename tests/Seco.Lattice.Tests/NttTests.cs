using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

public class NttTests
{
    private const ulong SecoPlainModulus = 2061584302081; // ≡ 1 mod 16384

    // SEAL BFVDefault primes (n = 4096: 36/37 bits, n = 8192: 43/44 bits) and a 60-bit NTT prime (≡ 1 mod 2^18).
    public static readonly TheoryData<int, ulong> RoundTripCases = Cases(
        [2, 4, 8, 1024, 4096, 8192],
        [SecoPlainModulus, 0xffffee001, 0x1ffffe0001, 0x7fffffd8001, 0xfffffffc001, 0xffffffffffc0001, 12289, 65537]);

    public static readonly TheoryData<int, ulong> ConvolutionCases = Cases(
        [2, 8, 64, 256], [SecoPlainModulus, 0xfffffffc001, 0xffffffffffc0001, 12289, 257]);

    [Theory]
    [MemberData(nameof(RoundTripCases))]
    public void InverseOfForward_IsIdentity(int n, ulong q)
    {
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(n ^ (int)(q & 0xffff));
        for (int trial = 0; trial < 3; trial++)
        {
            ulong[] a = RandomPoly(rng, n, q);
            ulong[] b = (ulong[])a.Clone();
            NegacyclicNtt.Forward(b, tables);
            Assert.All(b, v => Assert.True(v < q));
            NegacyclicNtt.Inverse(b, tables);
            Assert.Equal(a, b);
        }
    }

    [Theory]
    [MemberData(nameof(ConvolutionCases))]
    public void PointwiseProduct_IsNegacyclicConvolution(int n, ulong q)
    {
        var m = new Modulus(q);
        var tables = new NttTables(n, m);
        var rng = new Random(n * 31 + (int)(q % 1000));
        for (int trial = 0; trial < 3; trial++)
        {
            ulong[] a = RandomPoly(rng, n, q), b = RandomPoly(rng, n, q);
            ulong[] expected = NaiveNegacyclicProduct(a, b, q);

            ulong[] fa = (ulong[])a.Clone(), fb = (ulong[])b.Clone();
            NegacyclicNtt.Forward(fa, tables);
            NegacyclicNtt.Forward(fb, tables);
            for (int i = 0; i < n; i++)
            {
                fa[i] = (ulong)((UInt128)fa[i] * fb[i] % q);
            }

            NegacyclicNtt.Inverse(fa, tables);
            Assert.Equal(expected, fa);
        }
    }

    [Theory]
    [InlineData(8, 17UL)]
    [InlineData(8, SecoPlainModulus)]
    [InlineData(64, 0xfffffffc001UL)]
    [InlineData(1024, 0xffffee001UL)]
    public void Forward_OutputIsEvaluationAtOddPowersOfPsi_BitReversed(int n, ulong q)
    {
        var m = new Modulus(q);
        var tables = new NttTables(n, m);
        ulong psi = tables.Psi;
        Assert.Equal(q - 1, m.Pow(psi, (ulong)n));
        Assert.Equal(Primes.PrimitiveRoot(2UL * (ulong)n, m), psi);

        // The polynomial X: index i must hold ψ^(2·bitrev(i)+1).
        var x = new ulong[n];
        x[1] = 1;
        NegacyclicNtt.Forward(x, tables);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(m.Pow(psi, 2UL * NttTables.BitReverse((uint)i, tables.LogN) + 1), x[i]);
        }

        // A random polynomial, evaluated directly (Horner) at the same points.
        var rng = new Random(5);
        ulong[] a = RandomPoly(rng, n, q);
        ulong[] fa = (ulong[])a.Clone();
        NegacyclicNtt.Forward(fa, tables);
        for (int i = 0; i < n; i++)
        {
            ulong point = m.Pow(psi, 2UL * NttTables.BitReverse((uint)i, tables.LogN) + 1);
            ulong acc = 0;
            for (int k = n - 1; k >= 0; k--)
            {
                acc = (ulong)(((UInt128)acc * point + a[k]) % q);
            }

            Assert.Equal(acc, fa[i]);
        }
    }

    [Theory]
    [MemberData(nameof(ConvolutionCases))]
    public void ExtremeInputs_AreHandled(int n, ulong q)
    {
        var tables = new NttTables(n, new Modulus(q));
        ulong[] a = Enumerable.Repeat(q - 1, n).ToArray();
        ulong[] fa = (ulong[])a.Clone();
        NegacyclicNtt.Forward(fa, tables);
        Assert.All(fa, v => Assert.True(v < q));

        // (q−1)·(q−1) squared in the NTT domain must match the naive product, and the round trip must be exact.
        ulong[] sq = fa.Select(v => (ulong)((UInt128)v * v % q)).ToArray();
        NegacyclicNtt.Inverse(sq, tables);
        Assert.Equal(NaiveNegacyclicProduct(a, a, q), sq);

        NegacyclicNtt.Inverse(fa, tables);
        Assert.Equal(a, fa);

        // Inverse on all-(q−1) NTT input also stays in range and round-trips.
        ulong[] b = Enumerable.Repeat(q - 1, n).ToArray();
        NegacyclicNtt.Inverse(b, tables);
        Assert.All(b, v => Assert.True(v < q));
        NegacyclicNtt.Forward(b, tables);
        Assert.Equal(Enumerable.Repeat(q - 1, n), b);
    }

    [Fact]
    public void Forward_AcceptsLazyInputsBelow4q()
    {
        ulong q = 0xfffffffc001;
        int n = 256;
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(17);
        ulong[] a = RandomPoly(rng, n, q);
        ulong[] lazy = a.Select((v, i) => v + (ulong)(i % 4) * q).ToArray();
        NegacyclicNtt.Forward(a, tables);
        NegacyclicNtt.Forward(lazy, tables);
        Assert.Equal(a, lazy);
    }

    [Fact]
    public void Inverse_AcceptsLazyInputsBelow2q()
    {
        ulong q = SecoPlainModulus;
        int n = 512;
        var tables = new NttTables(n, new Modulus(q));
        var rng = new Random(23);
        ulong[] a = RandomPoly(rng, n, q);
        ulong[] lazy = a.Select((v, i) => v + (ulong)(i % 2) * q).ToArray();
        NegacyclicNtt.Inverse(a, tables);
        NegacyclicNtt.Inverse(lazy, tables);
        Assert.Equal(a, lazy);
    }

    [Fact]
    public void Tables_Validation()
    {
        var m = new Modulus(0xfffffffc001); // ≡ 1 mod 2^14 only
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(1, m));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(12, m));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NttTables(65536, m));
        Assert.Throws<ArgumentException>(() => new NttTables(16384, m));   // q ≢ 1 mod 32768
        Assert.Throws<ArgumentException>(() => new NttTables(8, new Modulus(1UL << 40)));
        Assert.Throws<ArgumentException>(() => new NttTables(8, m, psi: 1)); // not primitive

        var t = new NttTables(8, m);
        Assert.Throws<ArgumentException>(() => NegacyclicNtt.Forward(new ulong[4], t));
        Assert.Throws<ArgumentException>(() => NegacyclicNtt.Inverse(new ulong[16], t));
        Assert.Equal(1UL, new Modulus(0xfffffffc001).Multiply(t.InvN, 8));
    }

    [Fact]
    public void Tables_ExplicitPsi_GivesSameConvolution()
    {
        var m = new Modulus(12289);
        int n = 64;
        ulong psiMin = Primes.PrimitiveRoot(128, m);
        ulong other = m.Pow(psiMin, 3); // another primitive 128th root
        var t1 = new NttTables(n, m);
        var t2 = new NttTables(n, m, other);
        var rng = new Random(3);
        ulong[] a = RandomPoly(rng, n, 12289), b = RandomPoly(rng, n, 12289);
        Assert.Equal(Convolve(a, b, t1, m), Convolve(a, b, t2, m));
    }

    [Fact]
    public void BitReverse_Works()
    {
        Assert.Equal(0u, NttTables.BitReverse(0, 0));
        Assert.Equal(4u, NttTables.BitReverse(1, 3));
        Assert.Equal(6u, NttTables.BitReverse(3, 3));
        Assert.Equal(0x4000u, NttTables.BitReverse(1, 15));
        for (uint i = 0; i < 1024; i++)
        {
            Assert.Equal(i, NttTables.BitReverse(NttTables.BitReverse(i, 10), 10));
        }
    }

    private static ulong[] Convolve(ulong[] a, ulong[] b, NttTables t, Modulus m)
    {
        ulong[] fa = (ulong[])a.Clone(), fb = (ulong[])b.Clone();
        NegacyclicNtt.Forward(fa, t);
        NegacyclicNtt.Forward(fb, t);
        for (int i = 0; i < fa.Length; i++)
        {
            fa[i] = m.Multiply(fa[i], fb[i]);
        }

        NegacyclicNtt.Inverse(fa, t);
        return fa;
    }

    // Schoolbook product mod (X^n + 1, q), independent of Modulus: X^n = −1 flips the sign of wrapped terms.
    private static ulong[] NaiveNegacyclicProduct(ulong[] a, ulong[] b, ulong q)
    {
        int n = a.Length;
        var acc = new UInt128[n];
        var neg = new UInt128[n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                UInt128 p = (UInt128)a[i] * b[j] % q;
                int k = i + j;
                if (k < n)
                {
                    acc[k] += p;
                }
                else
                {
                    neg[k - n] += p;
                }
            }
        }

        var result = new ulong[n];
        for (int k = 0; k < n; k++)
        {
            UInt128 pos = acc[k] % q, ng = neg[k] % q;
            result[k] = (ulong)((pos + q - ng) % q);
        }

        return result;
    }

    private static ulong[] RandomPoly(Random rng, int n, ulong q) =>
        Enumerable.Range(0, n).Select(_ => (ulong)rng.NextInt64(0, (long)q)).ToArray();

    private static TheoryData<int, ulong> Cases(int[] ns, ulong[] qs)
    {
        var data = new TheoryData<int, ulong>();
        foreach (int n in ns)
        {
            foreach (ulong q in qs)
            {
                if ((q - 1) % (2UL * (ulong)n) == 0)
                {
                    data.Add(n, q);
                }
            }
        }

        return data;
    }
}
