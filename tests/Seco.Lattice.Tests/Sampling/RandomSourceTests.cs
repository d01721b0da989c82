using System.Buffers.Binary;
using System.Security.Cryptography;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Tests.Sampling;

public class RandomSourceTests
{
    [Fact]
    public void Seeded_SameSeed_SameStream_DifferentSeed_DifferentStream()
    {
        using var a = new SeededRandomSource(42);
        using var b = new SeededRandomSource(42);
        using var c = new SeededRandomSource(43);
        var x = new byte[10_000];
        var y = new byte[10_000];
        var z = new byte[10_000];
        a.Fill(x);
        b.Fill(y);
        c.Fill(z);
        Assert.Equal(x, y);
        Assert.NotEqual(x, z);
    }

    [Fact]
    public void Seeded_StreamIndependentOfChunking()
    {
        using var whole = new SeededRandomSource(7);
        var expected = new byte[3 * RandomSource.BlockSize + 123];
        whole.Fill(expected);

        using var pieces = new SeededRandomSource(7);
        var actual = new byte[expected.Length];
        int pos = 0;
        int step = 1;
        while (pos < actual.Length)
        {
            int take = Math.Min(step, actual.Length - pos);
            pieces.Fill(actual.AsSpan(pos, take));
            pos += take;
            step = step * 3 % 1001 + 1;
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Seeded_NextUInt64_IsLittleEndianNextEightBytes_AcrossBlockBoundary()
    {
        using var bytes = new SeededRandomSource(9);
        var expected = new byte[2 * RandomSource.BlockSize];
        bytes.Fill(expected);

        using var words = new SeededRandomSource(9);
        var skip = new byte[RandomSource.BlockSize - 3]; // next word straddles the block boundary
        words.Fill(skip);
        ulong w = words.NextUInt64();
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(expected.AsSpan(RandomSource.BlockSize - 3)), w);
        Assert.Equal(BinaryPrimitives.ReadUInt64LittleEndian(expected.AsSpan(RandomSource.BlockSize + 5)), words.NextUInt64());
    }

    [Fact]
    public void Seeded_MatchesDocumentedLayout()
    {
        var seed = new byte[32];
        for (int i = 0; i < seed.Length; i++)
        {
            seed[i] = (byte)(0xA0 + i);
        }

        using var source = new SeededRandomSource(seed);
        var stream = new byte[2 * RandomSource.BlockSize];
        source.Fill(stream);

        for (ulong j = 0; j < 2; j++)
        {
            byte[] input = [.. "SECO-TEST-RNG-v1"u8, .. seed, .. BitConverter.GetBytes(j)];
            byte[] block = Shake256.HashData(input, RandomSource.BlockSize);
            Assert.Equal(block, stream.AsSpan((int)j * RandomSource.BlockSize, RandomSource.BlockSize).ToArray());
        }
    }

    [Fact]
    public void Seeded_RejectsWrongSeedLength()
    {
        Assert.Throws<ArgumentException>(() => new SeededRandomSource(new byte[31]));
    }

    [Fact]
    public void Flags_And_Guard()
    {
        using var system = new SystemRandomSource();
        using var seeded = new SeededRandomSource(1);
        Assert.False(system.IsDeterministic);
        Assert.True(seeded.IsDeterministic);
        RandomSource.EnsureNonDeterministic(system, "rng");
        var ex = Assert.Throws<ArgumentException>(() => RandomSource.EnsureNonDeterministic(seeded, "rng"));
        Assert.Equal("rng", ex.ParamName);
    }

    [Fact]
    public void SeededConstructors_AreNotPublic()
    {
        Assert.Empty(typeof(SeededRandomSource).GetConstructors()); // public instance constructors only
    }

    [Fact]
    public void System_TwoInstancesDiffer_AndUseShakeWhenSupported()
    {
        using var a = new SystemRandomSource();
        using var b = new SystemRandomSource();
        Assert.Equal(Shake256.IsSupported, a.UsesShakeExpansion);
        var x = new byte[64];
        var y = new byte[64];
        a.Fill(x);
        b.Fill(y);
        Assert.NotEqual(x, y);
        Assert.NotEqual(new byte[64], x);
    }

    [Fact]
    public void System_ConsecutiveBlocksDiffer()
    {
        using var a = new SystemRandomSource();
        var buf = new byte[2 * RandomSource.BlockSize];
        a.Fill(buf);
        Assert.NotEqual(buf.AsSpan(0, 32).ToArray(), buf.AsSpan(RandomSource.BlockSize, 32).ToArray());
    }

    [Fact]
    public void System_RoughlyBalancedBits()
    {
        using var a = new SystemRandomSource();
        long ones = 0;
        const int Words = 100_000;
        for (int i = 0; i < Words; i++)
        {
            ones += System.Numerics.BitOperations.PopCount(a.NextUInt64());
        }

        double fraction = ones / (64.0 * Words);
        Assert.InRange(fraction, 0.495, 0.505); // σ ≈ 0.0002: a 25σ window
    }

    [Fact]
    public void Disposed_Throws()
    {
        var a = new SystemRandomSource();
        a.Dispose();
        Assert.Throws<ObjectDisposedException>(() => a.NextUInt64());
        Assert.Throws<ObjectDisposedException>(() => a.Fill(new byte[1]));
    }
}
