using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Tests.Sampling;

public class SmallSamplerTests
{
    private static readonly Modulus[] Moduli = [new(0xfffffffc001), new(0xffffee001), new(97)];

    private static void AssertSameSignedValueInEveryLimb(ulong[] coeffs, int n, Action<long> check)
    {
        for (int i = 0; i < n; i++)
        {
            long v = SamplingStatistics.Centered(coeffs[i], Moduli[0].Value);
            check(v);
            for (int l = 0; l < Moduli.Length; l++)
            {
                ulong q = Moduli[l].Value;
                ulong expected = v < 0 ? q - (ulong)(-v) : (ulong)v;
                Assert.Equal(expected, coeffs[l * n + i]);
            }
        }
    }

    [Fact]
    public void Ternary_ValuesAndLimbConsistency()
    {
        const int N = 4096;
        var coeffs = new ulong[Moduli.Length * N];
        using var rng = new SeededRandomSource(21);
        new TernarySampler(rng).Sample(Moduli, N, coeffs);
        AssertSameSignedValueInEveryLimb(coeffs, N, v => Assert.InRange(v, -1, 1));
    }

    [Fact]
    public void Ternary_EachValueHasProbabilityOneThird()
    {
        const int N = 300_000;
        var coeffs = new ulong[N];
        using var rng = new SystemRandomSource();
        new TernarySampler(rng).Sample([new Modulus(3)], N, coeffs);
        // Residues mod 3: 0 ↔ 0, 1 ↔ 1, 2 ↔ −1.
        Assert.True(SamplingStatistics.ChiSquareUniform(coeffs, 3) < 40); // df = 2: P(χ² > 40) ≈ 2·10^-9
    }

    [Fact]
    public void Ternary_ModulusTwo_IsAllowed()
    {
        var coeffs = new ulong[16];
        using var rng = new SeededRandomSource(1);
        new TernarySampler(rng).Sample([new Modulus(2)], 16, coeffs);
        Assert.All(coeffs, v => Assert.True(v < 2));
    }

    [Fact]
    public void Cbd_DefaultParameters()
    {
        using var rng = new SeededRandomSource(1);
        var cbd = new CenteredBinomialSampler(rng);
        Assert.Equal(21, cbd.K);
        Assert.Equal(21, cbd.Bound);
        Assert.Equal(3.2404, cbd.StandardDeviation, 4);
    }

    [Fact]
    public void Cbd_MeanVarianceBoundAndLimbConsistency()
    {
        const int N = 200_000;
        var coeffs = new ulong[Moduli.Length * N];
        using var rng = new SystemRandomSource();
        var cbd = new CenteredBinomialSampler(rng);
        cbd.Sample(Moduli, N, coeffs);

        double sum = 0, sumSq = 0;
        AssertSameSignedValueInEveryLimb(coeffs, N, v =>
        {
            Assert.InRange(v, -cbd.Bound, cbd.Bound);
            sum += v;
            sumSq += (double)v * v;
        });

        double mean = sum / N;
        double variance = sumSq / N - mean * mean;
        Assert.InRange(mean, -0.05, 0.05);          // σ/√N ≈ 0.0072: ~7σ window
        Assert.InRange(variance, 10.5 - 0.3, 10.5 + 0.3); // sd of the estimate ≈ 10.5·√(2/N) ≈ 0.033
    }

    [Fact]
    public void Cbd_SmallK_ExactSupport()
    {
        const int N = 50_000;
        var coeffs = new ulong[N];
        using var rng = new SeededRandomSource(2);
        new CenteredBinomialSampler(rng, 1).Sample([new Modulus(97)], N, coeffs);
        var counts = new int[3];
        foreach (ulong r in coeffs)
        {
            counts[SamplingStatistics.Centered(r, 97) + 1]++;
        }

        // CBD(1): P(−1) = P(1) = 1/4, P(0) = 1/2.
        Assert.InRange(counts[0], N / 4 - 1000, N / 4 + 1000);
        Assert.InRange(counts[1], N / 2 - 1000, N / 2 + 1000);
        Assert.InRange(counts[2], N / 4 - 1000, N / 4 + 1000);
    }

    [Fact]
    public void Cbd_Validation()
    {
        using var rng = new SeededRandomSource(1);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredBinomialSampler(rng, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredBinomialSampler(rng, 33));
        // Every modulus must exceed the bound so that −k..k map to distinct residues.
        Assert.Throws<ArgumentException>(
            () => new CenteredBinomialSampler(rng).Sample([new Modulus(17)], 4, new ulong[4]));
    }

    [Fact]
    public void Samplers_AreDeterministicUnderSeededSource()
    {
        const int N = 256;
        var a = new ulong[Moduli.Length * N];
        var b = new ulong[Moduli.Length * N];
        using (var r1 = new SeededRandomSource(77))
        {
            new TernarySampler(r1).Sample(Moduli, N, a);
        }

        using (var r2 = new SeededRandomSource(77))
        {
            new TernarySampler(r2).Sample(Moduli, N, b);
        }

        Assert.Equal(a, b);
    }
}
