using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests;

/// <summary>The vectorized add/sub/negate kernels agree with scalar <see cref="Modulus"/> arithmetic, tails included.</summary>
public class RnsPolyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(4099)]
    public void Add_sub_negate_match_scalar_arithmetic_including_edges(int n)
    {
        Modulus[] moduli = [new(0xfffffffc001), new((1UL << 61) - 1), new(97)];
        var random = new Random(n);
        int len = moduli.Length * n;
        var a = new ulong[len];
        var b = new ulong[len];
        for (int l = 0; l < moduli.Length; l++)
        {
            ulong q = moduli[l].Value;
            for (int i = 0; i < n; i++)
            {
                // Mix edges (0, 1, q − 1) with uniform values.
                a[(l * n) + i] = (i % 5) switch { 0 => 0, 1 => q - 1, 2 => 1, _ => (ulong)random.NextInt64((long)q) };
                b[(l * n) + i] = (i % 7) switch { 0 => 0, 1 => q - 1, _ => (ulong)random.NextInt64((long)q) };
            }
        }

        var sum = new ulong[len];
        var diff = new ulong[len];
        var neg = new ulong[len];
        RnsPoly.Add(a, b, sum, moduli, n);
        RnsPoly.Sub(a, b, diff, moduli, n);
        RnsPoly.Negate(a, neg, moduli, n);
        for (int l = 0; l < moduli.Length; l++)
        {
            Modulus q = moduli[l];
            for (int i = l * n; i < (l + 1) * n; i++)
            {
                Assert.Equal((ulong)(((UInt128)a[i] + b[i]) % q.Value), sum[i]);
                Assert.Equal((ulong)(((UInt128)a[i] + q.Value - b[i]) % q.Value), diff[i]);
                Assert.Equal((q.Value - a[i]) % q.Value, neg[i]);
            }
        }
    }
}
