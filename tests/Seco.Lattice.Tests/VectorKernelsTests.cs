using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

/// <summary>
/// The vector kernels behind <see cref="RnsPoly"/> must give the scalar <see cref="Modulus"/> results word for word
/// (issue 19), on every modulus family the project uses (both sides of the 2^49 switch between the floating-point
/// and the integer quotients, 60-bit auxiliary primes, the largest 61-bit modulus, powers of two, which the Barrett
/// kernel leaves to the scalar code), at the edges of the residue range and for lengths that leave a scalar tail. On a machine without AVX-512 / AVX2 the kernels process nothing and the
/// comparisons hold trivially; the RnsPoly tests below still check the scalar code against UInt128 arithmetic.
/// </summary>
public class VectorKernelsTests
{
    private static readonly ulong[] AllModuli = Moduli();

    public static readonly TheoryData<int> Lengths = new([1, 7, 8, 9, 64, 1000, 4096 + 5]);

    private static ulong[] Moduli()
    {
        var moduli = NttIsaTests.ProjectModuli();
        moduli.AddRange([2, 3, 17, 257, 12289, 65537, (1UL << 49) - 1, 1UL << 49, (1UL << 49) + 1, 1UL << 55, (1UL << 61) - 1]);
        return moduli.Distinct().ToArray();
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Products_MatchScalar(int n)
    {
        foreach (ulong qv in AllModuli)
        {
            var q = new Modulus(qv);
            var rng = new Random((n * 7919) + (int)(qv % 100_003));
            ulong[] a = Residues(rng, n, qv), b = Residues(rng, n, qv), acc = Residues(rng, n, qv);
            ulong[] bShoup = b.Select(q.ShoupPrecompute).ToArray();
            ulong c = b[0], cShoup = bShoup[0];

            var dest = new ulong[n];
            int done = VectorKernels.MultiplyPointwise(a, b, dest, qv);
            AssertPrefix(done, n, i => q.Multiply(a[i], b[i]), dest, $"MultiplyPointwise, q = {qv}");

            dest = (ulong[])acc.Clone();
            done = VectorKernels.MultiplyAddPointwise(a, b, dest, qv);
            AssertPrefix(done, n, i => q.Add(acc[i], q.Multiply(a[i], b[i])), dest, $"MultiplyAddPointwise, q = {qv}");

            dest = new ulong[n];
            done = VectorKernels.MultiplyPointwiseShoup(a, b, bShoup, dest, qv);
            AssertPrefix(done, n, i => q.MultiplyShoup(a[i], b[i], bShoup[i]), dest, $"MultiplyPointwiseShoup, q = {qv}");

            dest = new ulong[n];
            done = VectorKernels.MultiplyScalar(a, c, cShoup, dest, qv);
            AssertPrefix(done, n, i => q.MultiplyShoup(a[i], c, cShoup), dest, $"MultiplyScalar, q = {qv}");
        }
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void AddSubNegate_MatchScalar(int n)
    {
        foreach (ulong qv in AllModuli)
        {
            var q = new Modulus(qv);
            var rng = new Random((n * 104_729) + (int)(qv % 100_003));
            ulong[] a = Residues(rng, n, qv), b = Residues(rng, n, qv);

            var dest = new ulong[n];
            int done = VectorKernels.Add(a, b, dest, qv);
            AssertPrefix(done, n, i => q.Add(a[i], b[i]), dest, $"Add, q = {qv}");

            dest = new ulong[n];
            done = VectorKernels.Sub(a, b, dest, qv);
            AssertPrefix(done, n, i => q.Sub(a[i], b[i]), dest, $"Sub, q = {qv}");

            dest = new ulong[n];
            done = VectorKernels.Negate(a, dest, qv);
            AssertPrefix(done, n, i => q.Negate(a[i]), dest, $"Negate, q = {qv}");
        }
    }

    [Fact]
    public void Kernels_CoverTheProjectsModuli_WhereTheMachineAllows()
    {
        // Guards against a kernel silently handing everything to the scalar loop (e.g. a wrong modulus bound).
        const int n = 64;
        ulong small = BfvPresets.Default8192().CoeffModulus[0].Value, large = Primes.NttPrimes(60, 8192, 1)[0];
        foreach (ulong qv in new[] { small, large })
        {
            var q = new Modulus(qv);
            ulong[] a = Residues(new Random(1), n, qv), w = Residues(new Random(2), n, qv);
            ulong[] ws = w.Select(q.ShoupPrecompute).ToArray();
            var dest = new ulong[n];
            bool avx512 = NegacyclicNtt.IsSupported(NttIsa.Avx512);
            Assert.Equal(avx512 ? n : 0, VectorKernels.MultiplyPointwiseShoup(a, w, ws, dest, qv));
            Assert.Equal(avx512 ? n : 0, VectorKernels.MultiplyScalar(a, w[0], ws[0], dest, qv));
            Assert.Equal(avx512 ? n : 0, VectorKernels.MultiplyPointwise(a, w, dest, qv));
            Assert.Equal(avx512 ? n : 0, VectorKernels.MultiplyAddPointwise(a, w, dest, qv));
        }
    }

    [Fact]
    public void RnsPolyProducts_MatchUInt128Arithmetic_OnMixedChains()
    {
        // A Q ∪ P chain as the HPS product uses it: 43/44-bit data primes (floating-point kernels) and 60-bit
        // auxiliary primes (Shoup kernels or scalar), with n = 4096 + 3 so every limb also has a scalar tail.
        const int n = 4099;
        Modulus[] moduli = [.. BfvPresets.Default8192().CoeffModulus, .. Primes.NttPrimes(60, 8192, 2).Select(p => new Modulus(p))];
        int len = moduli.Length * n;
        var rng = new Random(77);
        ulong[] a = new ulong[len], b = new ulong[len], acc = new ulong[len];
        ulong[] scalars = moduli.Select(q => (ulong)rng.NextInt64(0, (long)q.Value)).ToArray();
        for (int l = 0; l < moduli.Length; l++)
        {
            ulong qv = moduli[l].Value;
            Residues(rng, n, qv).CopyTo(a, l * n);
            Residues(rng, n, qv).CopyTo(b, l * n);
            Residues(rng, n, qv).CopyTo(acc, l * n);
        }

        ulong[] bShoup = new ulong[len];
        for (int i = 0; i < len; i++)
        {
            bShoup[i] = moduli[i / n].ShoupPrecompute(b[i]);
        }

        ulong Q(int i) => moduli[i / n].Value;
        ulong Mul(ulong x, ulong y, ulong q) => (ulong)((UInt128)x * y % q);

        var dest = new ulong[len];
        RnsPoly.MultiplyPointwise(a, b, dest, moduli, n);
        Assert.Equal(Enumerable.Range(0, len).Select(i => Mul(a[i], b[i], Q(i))), dest);

        dest = new ulong[len];
        RnsPoly.MultiplyPointwiseShoup(a, b, bShoup, dest, moduli, n);
        Assert.Equal(Enumerable.Range(0, len).Select(i => Mul(a[i], b[i], Q(i))), dest);

        dest = (ulong[])acc.Clone();
        RnsPoly.MultiplyAddPointwise(a, b, dest, moduli, n);
        Assert.Equal(Enumerable.Range(0, len).Select(i => (ulong)((acc[i] + (UInt128)Mul(a[i], b[i], Q(i))) % Q(i))), dest);

        dest = new ulong[len];
        RnsPoly.MultiplyScalar(a, scalars, dest, moduli, n);
        Assert.Equal(Enumerable.Range(0, len).Select(i => Mul(a[i], scalars[i / n], Q(i))), dest);

        // In place, as Evaluator.MultiplyPlain calls it.
        ulong[] inPlace = (ulong[])a.Clone();
        RnsPoly.MultiplyPointwise(inPlace, b, inPlace, moduli, n);
        Assert.Equal(Enumerable.Range(0, len).Select(i => Mul(a[i], b[i], Q(i))), inPlace);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void WideAccumulation_MatchesEvaluator(int n)
    {
        // The kernels mirror Evaluator.MultiplyAccumulateWide / ReduceWide (key switching, plaintext MatVec) word for
        // word: accumulators of any 128-bit value, including ones that wrap, and every modulus the kernels accept.
        foreach (ulong qv in AllModuli)
        {
            var q = new Modulus(qv);
            var rng = new Random((n * 31_337) + (int)(qv % 100_003));
            ulong[] d = Residues(rng, n, qv), b = Residues(rng, n, qv), a = Residues(rng, n, qv);
            ulong[] wide = Enumerable.Range(0, 4 * n).Select(i => i % 7 == 0 ? ulong.MaxValue - (ulong)rng.Next(3) : RandomWord(rng)).ToArray();

            ulong[] expected = (ulong[])wide.Clone(), actual = (ulong[])wide.Clone();
            Evaluator.MultiplyAccumulateWideScalar(d, b, a, expected, n);
            int done = VectorKernels.MultiplyAccumulateWide(d, b, a, actual, n);
            Assert.InRange(done, 0, n);
            for (int part = 0; part < 4; part++)
            {
                for (int i = 0; i < done; i++)
                {
                    Assert.True(expected[(part * n) + i] == actual[(part * n) + i], $"MultiplyAccumulateWide, q = {qv}, word {part}, index {i}");
                }
            }

            // Reduction of arbitrary accumulators, and of 64 accumulated products (the largest sums callers make).
            foreach (ulong[] acc in new[] { wide, SumOfProducts(rng, n, qv, 64) })
            {
                ulong[] e0 = new ulong[n], e1 = new ulong[n], s0 = new ulong[n], s1 = new ulong[n];
                Evaluator.ReduceWideScalar(acc, q, e0, e1, n);
                done = VectorKernels.ReduceWide(acc, q, s0, s1, n);
                AssertPrefix(done, n, i => e0[i], s0, $"ReduceWide s0, q = {qv}");
                AssertPrefix(done, n, i => e1[i], s1, $"ReduceWide s1, q = {qv}");
            }
        }
    }

    [Fact]
    public void WideKernels_CoverTheProjectsModuli_WhereTheMachineAllows()
    {
        const int n = 64;
        bool avx512 = NegacyclicNtt.IsSupported(NttIsa.Avx512);
        foreach (ulong qv in new[] { BfvPresets.Default8192().CoeffModulus[4].Value, Primes.NttPrimes(60, 8192, 1)[0] })
        {
            ulong[] x = Residues(new Random(3), n, qv), wide = new ulong[4 * n];
            Assert.Equal(avx512 ? n : 0, VectorKernels.MultiplyAccumulateWide(x, x, x, wide, n));
            Assert.Equal(avx512 ? n : 0, VectorKernels.ReduceWide(wide, new Modulus(qv), new ulong[n], new ulong[n], n));
        }
    }

    private static ulong RandomWord(Random rng) => ((ulong)(uint)rng.Next() << 33) ^ ((ulong)(uint)rng.Next() << 11) ^ (ulong)(uint)rng.Next();

    /// <summary>Wide accumulators [hi0 | lo0 | hi1 | lo1] holding sums of <paramref name="terms"/> products of residues.</summary>
    private static ulong[] SumOfProducts(Random rng, int n, ulong q, int terms)
    {
        var wide = new ulong[4 * n];
        for (int t = 0; t < terms; t++)
        {
            ulong[] d = Residues(rng, n, q), x = Residues(rng, n, q), y = Residues(rng, n, q);
            Evaluator.MultiplyAccumulateWideScalar(d, x, y, wide, n);
        }

        return wide;
    }

    /// <summary>Random residues in [0, q), with the edges 0, 1, q − 1 (and q − 2) planted throughout.</summary>
    private static ulong[] Residues(Random rng, int n, ulong q)
    {
        ulong[] edges = [0, Math.Min(1, q - 1), q - 1, q > 2 ? q - 2 : 0];
        return Enumerable.Range(0, n).Select(i => i % 5 == 4 ? edges[rng.Next(edges.Length)] : (ulong)rng.NextInt64(0, (long)q)).ToArray();
    }

    private static void AssertPrefix(int done, int n, Func<int, ulong> expected, ulong[] actual, string what)
    {
        Assert.InRange(done, 0, n);
        for (int i = 0; i < done; i++)
        {
            if (actual[i] != expected(i))
            {
                Assert.Fail($"{what}: index {i} is {actual[i]}, expected {expected(i)}");
            }
        }
    }
}
