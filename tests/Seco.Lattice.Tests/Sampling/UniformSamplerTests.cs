using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Tests.Sampling;

public class UniformSamplerTests
{
    [Theory]
    [InlineData(2UL, 1UL)]
    [InlineData(3UL, 3UL)]
    [InlineData(16UL, 15UL)]
    [InlineData(17UL, 31UL)]
    [InlineData(0xfffffffc001UL, 0xfffffffffffUL)]
    public void MaskFor_IsSmallestEnclosingMask(ulong q, ulong mask)
    {
        Assert.Equal(mask, UniformSampler.MaskFor(q));
    }

    [Fact]
    public void ValuesBelowModulus_PerLimb()
    {
        Modulus[] moduli = [new(17), new(0xfffffffc001), new((1UL << 60) + 1)];
        const int N = 4096;
        var coeffs = new ulong[moduli.Length * N];
        using var rng = new SeededRandomSource(3);
        new UniformSampler(rng).Sample(moduli, N, coeffs);
        for (int l = 0; l < moduli.Length; l++)
        {
            for (int i = 0; i < N; i++)
            {
                Assert.True(coeffs[l * N + i] < moduli[l].Value);
            }
        }

        // The large limb should use the high bits: with 4096 samples the maximum is essentially q.
        Assert.True(coeffs.AsSpan(2 * N, N).ToArray().Max() > moduli[2].Value / 2);
    }

    [Fact]
    public void ChiSquare_SmallModulus()
    {
        const int Samples = 100_000;
        using var rng = new SeededRandomSource(11);
        var coeffs = new ulong[Samples];
        new UniformSampler(rng).Sample([new Modulus(17)], Samples, coeffs);
        Assert.True(SamplingStatistics.ChiSquareUniform(coeffs, 17) < 50); // df = 16: P(χ² > 50) ≈ 2·10^-5
    }

    [Fact]
    public void SystemSource_ChiSquare_SmallModulus()
    {
        const int Samples = 100_000;
        using var rng = new SystemRandomSource();
        var coeffs = new ulong[Samples];
        new UniformSampler(rng).Sample([new Modulus(17)], Samples, coeffs);
        Assert.True(SamplingStatistics.ChiSquareUniform(coeffs, 17) < 70); // df = 16: P(χ² > 70) < 10^-8
    }

    [Fact]
    public void Next_BelowModulus()
    {
        using var rng = new SeededRandomSource(5);
        var sampler = new UniformSampler(rng);
        var q = new Modulus(5);
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(sampler.Next(q) < 5);
        }
    }

    [Fact]
    public void RejectsBadLayout()
    {
        using var rng = new SeededRandomSource(5);
        var sampler = new UniformSampler(rng);
        Assert.Throws<ArgumentException>(() => sampler.Sample([new Modulus(17)], 8, new ulong[7]));
        Assert.Throws<ArgumentException>(() => sampler.Sample([], 8, new ulong[8]));
        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.Sample([new Modulus(17)], 0, new ulong[0]));
    }
}
