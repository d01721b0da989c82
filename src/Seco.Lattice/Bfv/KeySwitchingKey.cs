using Seco.Lattice.Parameters;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Bfv;

/// <summary>
/// A hybrid RNS key-switching key from s' to s, with one special prime P (SEAL's <c>KSwitchKeys</c>; Bajard et al.
/// / Gentry–Halevi–Smart's "modulus raising" with an RNS gadget). For each data prime index j &lt; L it holds
/// (b_j, a_j) over all key primes in NTT form with b_j = −a_j·s + e_j + [P·s' in limb j only], i.e. an encryption of
/// P·s'·(CRT basis element of q_j). A key made by one party (<see cref="KeyGenerator"/>, or collectively by RTG)
/// expands each a_j from a public seed, so it serializes at half size; a collective relinearization key (RKG) has
/// a_j = Σ_i (s_i·a_j + e_{1,i,j}), which is no seed's expansion, so it is unseeded and serializes its a_j explicitly.
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

    /// <summary>An unseeded key: <paramref name="a"/> (NTT form over all key primes) is carried explicitly.</summary>
    private KeySwitchingKey(BfvContext context, ulong[][] b, ulong[][] a)
    {
        Context = context;
        B = b;
        A = a;
        Seeds = null;
    }

    /// <summary>A key whose a_j are not seed expansions (the collective relinearization key); see <see cref="IsSeeded"/>.</summary>
    internal static KeySwitchingKey Unseeded(BfvContext context, ulong[][] b, ulong[][] a)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"A key-switching key needs as many a as b polynomials ({a.Length} ≠ {b.Length}).", nameof(a));
        }

        return new KeySwitchingKey(context, b, a);
    }

    /// <summary>The parameters this key belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>Decomposition count: the number of data primes L.</summary>
    public int Count => B.Length;

    internal ulong[][] B { get; }

    internal ulong[][] A { get; }

    /// <summary>The public seeds of the a_j, or null for an unseeded key (<see cref="IsSeeded"/> false).</summary>
    internal byte[][]? Seeds { get; }

    /// <summary>True when every a_j is the expansion of a stored 32-byte seed (serialized as the seed).</summary>
    internal bool IsSeeded => Seeds is not null;

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
