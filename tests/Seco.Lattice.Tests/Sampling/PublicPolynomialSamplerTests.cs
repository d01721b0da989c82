using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Tests.Sampling;

public class PublicPolynomialSamplerTests
{
    private static byte[] Seed(byte start)
    {
        var seed = new byte[32];
        for (int i = 0; i < seed.Length; i++)
        {
            seed[i] = (byte)(start + i);
        }

        return seed;
    }

    [Fact]
    public void KnownAnswer_FirstFourCoefficients()
    {
        // Seed 00 01 .. 1f, q = 0xfffffffc001, n = 4096, limb 0. Cross-checked against Python hashlib.shake_128.
        const int N = 4096;
        var coeffs = new ulong[N];
        PublicPolynomialSampler.Sample(Seed(0), [new Modulus(0xfffffffc001)], N, coeffs);
        Assert.Equal([0x6604d0cd537UL, 0xc9d7e6fae66UL, 0x262797fd80UL, 0xd6213478745UL], coeffs[..4]);
    }

    [Fact]
    public void MatchesDocumentedLayout_ReferenceImplementation()
    {
        Modulus[] moduli = [new(17), new(0xfffffffc001), new((1UL << 60) + 1)]; // small q forces many blocks
        const int N = 2048;
        byte[] seed = Seed(0x40);
        var actual = new ulong[moduli.Length * N];
        PublicPolynomialSampler.Sample(seed, moduli, N, actual);

        for (int l = 0; l < moduli.Length; l++)
        {
            ulong q = moduli[l].Value;
            ulong mask = (1UL << (64 - System.Numerics.BitOperations.LeadingZeroCount(q - 1))) - 1;
            int i = 0;
            for (uint j = 0; i < N; j++)
            {
                var input = new byte[63];
                "SECO-CRP-v1"u8.CopyTo(input);
                seed.CopyTo(input, 11);
                BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(43), (uint)l);
                BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(47), q);
                BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(55), N);
                BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(59), j);
                byte[] block = Shake128.HashData(input, 1344);
                for (int off = 0; off < block.Length && i < N; off += 8)
                {
                    ulong w = BinaryPrimitives.ReadUInt64LittleEndian(block.AsSpan(off)) & mask;
                    if (w < q)
                    {
                        Assert.Equal(w, actual[l * N + i++]);
                    }
                }
            }
        }
    }

    [Fact]
    public void SameSeedSame_DifferentSeedDifferent_ValuesBelowQ()
    {
        Modulus[] moduli = [new(0xfffffffc001), new(0xffffee001)];
        const int N = 1024;
        var a = new ulong[2 * N];
        var b = new ulong[2 * N];
        var c = new ulong[2 * N];
        PublicPolynomialSampler.Sample(Seed(1), moduli, N, a);
        PublicPolynomialSampler.Sample(Seed(1), moduli, N, b);
        PublicPolynomialSampler.Sample(Seed(2), moduli, N, c);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        for (int l = 0; l < 2; l++)
        {
            Assert.All(a.AsSpan(l * N, N).ToArray(), v => Assert.True(v < moduli[l].Value));
        }
    }

    [Fact]
    public void LimbsAreDomainSeparated()
    {
        var q = new Modulus(0xfffffffc001);
        const int N = 64;
        var two = new ulong[2 * N];
        PublicPolynomialSampler.Sample(Seed(3), [q, q], N, two);
        Assert.NotEqual(two[..N], two[N..]);

        // Limb 0 alone equals limb 0 of the two-limb expansion (limbs expand independently).
        var one = new ulong[N];
        PublicPolynomialSampler.Sample(Seed(3), [q], N, one);
        Assert.Equal(one, two[..N]);

        // The degree is bound into the input: n = 32 is not a prefix of n = 64.
        var half = new ulong[N / 2];
        PublicPolynomialSampler.Sample(Seed(3), [q], N / 2, half);
        Assert.NotEqual(half, one[..(N / 2)]);
    }

    [Fact]
    public void ChiSquare_SmallModulus()
    {
        const int N = 100_000;
        var coeffs = new ulong[N];
        PublicPolynomialSampler.Sample(Seed(9), [new Modulus(17)], N, coeffs);
        Assert.True(SamplingStatistics.ChiSquareUniform(coeffs, 17) < 50);
    }

    [Fact]
    public void RejectsWrongSeedLength()
    {
        Assert.Throws<ArgumentException>(
            () => PublicPolynomialSampler.Sample(new byte[16], [new Modulus(17)], 4, new ulong[4]));
    }

    [Fact]
    public void CreateSeed_Is32FreshBytes()
    {
        byte[] a = PublicPolynomialSampler.CreateSeed();
        byte[] b = PublicPolynomialSampler.CreateSeed();
        Assert.Equal(32, a.Length);
        Assert.NotEqual(a, b);
    }
}
