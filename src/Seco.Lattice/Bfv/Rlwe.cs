using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Bfv;

/// <summary>
/// The two RLWE building blocks every key (single-key or collective share) is made of, in NTT form over all key
/// primes: a sample −a·s + e, and the gadget term P·s' added in one limb (SEAL <c>generate_one_kswitch_key</c>).
/// </summary>
internal static class Rlwe
{
    /// <summary>b = −a·s + e with e ← CBD from <paramref name="random"/> (which the caller has checked is the OS CSPRNG).</summary>
    public static void SampleNtt(BfvContext context, ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> s, IRandomSource random, Span<ulong> b)
    {
        int n = context.N, k = context.KeyModuli.Count;
        new CenteredBinomialSampler(random).Sample(context.KeyModuli, n, b);
        RnsPoly.ForwardNtt(b, context.NttTables, k);
        using var product = new PooledBuffer(k * n);
        RnsPoly.MultiplyPointwise(a, s, product.Span, context.KeyModuli, n);
        RnsPoly.Sub(b, product.Span, b, context.KeyModuli, n);
    }

    /// <summary>b += (P mod q_j)·target in limb j only: the hybrid key-switching gadget for decomposition index j.</summary>
    public static void AddGadgetTerm(BfvContext context, Span<ulong> b, ReadOnlySpan<ulong> target, int j)
    {
        int n = context.N;
        Modulus q = context.KeyModuli[j];
        ulong factor = context.SpecialModQi[j], factorShoup = q.ShoupPrecompute(factor);
        Span<ulong> limb = b.Slice(j * n, n);
        ReadOnlySpan<ulong> source = target.Slice(j * n, n);
        for (int i = 0; i < n; i++)
        {
            limb[i] = q.Add(limb[i], q.MultiplyShoup(source[i], factor, factorShoup));
        }
    }
}
