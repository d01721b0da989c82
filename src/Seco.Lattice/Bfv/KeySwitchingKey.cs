using Seco.Lattice.Parameters;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A hybrid RNS key-switching key from s' to s, with one special prime P (SEAL's <c>KSwitchKeys</c>; Bajard et al.
/// / Gentry–Halevi–Smart's "modulus raising" with an RNS gadget). For each data prime index j &lt; L it holds
/// (b_j, a_j) over all key primes in NTT form with b_j = −a_j·s + e_j + [P·s' in limb j only], i.e. an encryption of
/// P·s'·(CRT basis element of q_j). Each a_j is expanded from a public seed, so a key serializes at half size.
/// </summary>
public sealed class KeySwitchingKey
{
    /// <summary>
    /// <paramref name="expandedA"/>, when given, must be the expansion of <paramref name="seeds"/> (the key generator
    /// has it already; re-expanding would double the SHAKE work of key generation).
    /// </summary>
    internal KeySwitchingKey(BfvContext context, ulong[][] b, byte[][] seeds, ulong[][]? expandedA = null)
    {
        Context = context;
        B = b;
        Seeds = seeds;
        A = expandedA ?? seeds.Select(s => ExpandUniform(context, s)).ToArray();
    }

    /// <summary>The parameters this key belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>Decomposition count: the number of data primes L.</summary>
    public int Count => B.Length;

    internal ulong[][] B { get; }

    internal ulong[][] A { get; }

    internal byte[][] Seeds { get; }

    /// <summary>The uniform NTT-form polynomial over all key primes that <paramref name="seed"/> stands for.</summary>
    internal static ulong[] ExpandUniform(BfvContext context, ReadOnlySpan<byte> seed)
    {
        var a = new ulong[context.KeyModuli.Count * context.N];
        PublicPolynomialSampler.Sample(seed, context.KeyModuli, context.N, a);
        return a;
    }
}

/// <summary>Relinearization keys: the key-switching key from s² to s (SEAL's <c>RelinKeys</c>).</summary>
public sealed class RelinKeys
{
    internal RelinKeys(KeySwitchingKey key) => Key = key;

    /// <summary>The parameters these keys belong to.</summary>
    public BfvContext Context => Key.Context;

    internal KeySwitchingKey Key { get; }
}

/// <summary>
/// Galois keys: for each Galois element g, the key-switching key from s(X^g) to s (SEAL's <c>GaloisKeys</c>).
/// Row rotation by k uses g = 3^k mod 2n, the row swap (column rotation) g = 2n − 1 — SEAL's convention.
/// </summary>
public sealed class GaloisKeys
{
    internal GaloisKeys(BfvContext context, IReadOnlyDictionary<uint, KeySwitchingKey> keys)
    {
        Context = context;
        Keys = keys;
    }

    /// <summary>The parameters these keys belong to.</summary>
    public BfvContext Context { get; }

    /// <summary>The Galois elements that have keys, ascending.</summary>
    public IEnumerable<uint> Elements => Keys.Keys.Order();

    /// <summary>True when a key for <paramref name="galoisElement"/> is present.</summary>
    public bool Has(uint galoisElement) => Keys.ContainsKey(galoisElement);

    internal IReadOnlyDictionary<uint, KeySwitchingKey> Keys { get; }
}
