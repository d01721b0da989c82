using Seco.Lattice.Bfv;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>Bit-for-bit ciphertext comparison: pooling must not change a single residue, not merely the plaintext.</summary>
internal static class CiphertextBits
{
    public static void AssertIdentical(Ciphertext expected, Ciphertext actual)
    {
        Assert.Equal(expected.Size, actual.Size);
        Assert.Equal(expected.Level, actual.Level);
        Assert.Equal(expected.IsNttForm, actual.IsNttForm);
        Assert.Equal(expected.Data.Length, actual.Data.Length);
        int first = expected.Data.AsSpan().CommonPrefixLength(actual.Data);
        Assert.True(first == expected.Data.Length, $"The ciphertexts first differ at word {first}.");
    }

    /// <summary>A ciphertext of the given shape full of junk, standing in for a reused destination.</summary>
    public static Ciphertext Garbage(BfvKeys k, int size, int level, int seed)
    {
        var ct = new Ciphertext(k.Context, size, level);
        var random = new Random(seed);
        for (int i = 0; i < ct.Data.Length; i++)
        {
            ct.Data[i] = (ulong)random.NextInt64();
        }

        return ct;
    }
}
