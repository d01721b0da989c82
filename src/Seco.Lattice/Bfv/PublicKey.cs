using Seco.Lattice.Parameters;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A public key (b, a) = (−(a·s + e), a) in NTT form over all key primes (SEAL's layout). The uniform a is the
/// expansion of a public 32-byte seed (<see cref="Sampling.PublicPolynomialSampler"/>), so serialization ships b
/// and the seed only.
/// </summary>
public sealed class PublicKey
{
    /// <summary><paramref name="expandedA"/>, when given, must be the expansion of <paramref name="seed"/>.</summary>
    internal PublicKey(BfvContext context, ulong[] b, byte[] seed, ulong[]? expandedA = null)
    {
        Context = context;
        B = b;
        Seed = seed;
        A = expandedA ?? KeySwitchingKey.ExpandUniform(context, seed);
    }

    /// <summary>The parameters this key belongs to.</summary>
    public BfvContext Context { get; }

    internal ulong[] B { get; }

    internal ulong[] A { get; }

    internal byte[] Seed { get; }
}
