using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Bfv;

/// <summary>
/// Generates a ternary secret key (or adopts a given one) and the public, relinearization and Galois keys under it
/// (SEAL's <c>KeyGenerator</c>). All secret and error randomness comes from the OS CSPRNG
/// (<see cref="SystemRandomSource"/>); a deterministic source cannot be supplied. Not thread-safe.
/// </summary>
public sealed class KeyGenerator : IDisposable
{
    private readonly BfvContext _context;
    private readonly SystemRandomSource _random = new();
    private readonly bool _ownsSecretKey;

    /// <summary>Samples a fresh secret key.</summary>
    public KeyGenerator(BfvContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        RandomSource.EnsureNonDeterministic(_random, nameof(context));
        int n = context.N;
        var s = new ulong[context.KeyModuli.Count * n];
        new TernarySampler(_random).Sample(context.KeyModuli, n, s);
        RnsPoly.ForwardNtt(s, context.NttTables, context.KeyModuli.Count);
        SecretKey = new SecretKey(context, s);
        _ownsSecretKey = true;
    }

    /// <summary>Generates keys under an existing secret key (SEAL's <c>KeyGenerator(context, secret_key)</c>).</summary>
    public KeyGenerator(BfvContext context, SecretKey secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(secretKey);
        Guard.SameContext(context, secretKey.Context, "secret key");
        _context = context;
        SecretKey = secretKey;
    }

    /// <summary>The secret key.</summary>
    public SecretKey SecretKey { get; }

    /// <summary>A fresh public key (b, a) = (−(a·s + e), a), a from a fresh public seed.</summary>
    public PublicKey CreatePublicKey()
    {
        byte[] seed = PublicPolynomialSampler.CreateSeed();
        (ulong[] b, ulong[] a) = EncryptZeroNtt(seed);
        return new PublicKey(_context, b, seed, a);
    }

    /// <summary>Relinearization keys: the key-switching key from s² to s.</summary>
    public RelinKeys CreateRelinKeys()
    {
        var s2 = new ulong[SecretKey.Data.Length];
        RnsPoly.MultiplyPointwise(SecretKey.Data, SecretKey.Data, s2, _context.KeyModuli, _context.N);
        try
        {
            return new RelinKeys(CreateKeySwitchingKey(s2));
        }
        finally
        {
            Array.Clear(s2);
        }
    }

    /// <summary>
    /// Galois keys for rotating rows by each of <paramref name="steps"/> (SEAL's step convention) and, when
    /// <paramref name="includeRowSwap"/>, for swapping the two rows (rotate_columns).
    /// </summary>
    public GaloisKeys CreateGaloisKeys(IEnumerable<int> steps, bool includeRowSwap = true)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var elements = steps.Where(s => s != 0).Select(s => GaloisTool.ElementFromStep(s, _context.N)).ToList();
        if (includeRowSwap)
        {
            elements.Add(GaloisTool.RowSwapElement(_context.N));
        }

        return CreateGaloisKeysFromElements(elements);
    }

    /// <summary>Galois keys for explicit Galois elements (odd, below 2n).</summary>
    public GaloisKeys CreateGaloisKeysFromElements(IEnumerable<uint> elements)
    {
        ArgumentNullException.ThrowIfNull(elements);
        var keys = new Dictionary<uint, KeySwitchingKey>();
        var rotated = new ulong[SecretKey.Data.Length];
        foreach (uint g in elements.Distinct())
        {
            GaloisTool.Validate(g, _context.N);
            GaloisTool.ApplyNtt(SecretKey.Data, rotated, g, _context.KeyModuli.Count, _context.N);
            keys[g] = CreateKeySwitchingKey(rotated);
        }

        Array.Clear(rotated);
        return new GaloisKeys(_context, keys);
    }

    /// <summary>Wipes the secret key if this generator sampled it.</summary>
    public void Dispose()
    {
        if (_ownsSecretKey)
        {
            SecretKey.Dispose();
        }

        _random.Dispose();
    }

    /// <summary>
    /// Key-switching key from <paramref name="target"/> (NTT form over all key primes) to s: for each data prime j,
    /// b_j = −a_j·s + e_j + (P mod q_j)·s' in limb j (SEAL <c>generate_one_kswitch_key</c>).
    /// </summary>
    private KeySwitchingKey CreateKeySwitchingKey(ReadOnlySpan<ulong> target)
    {
        int dataCount = _context.MaxLevel;
        var b = new ulong[dataCount][];
        var a = new ulong[dataCount][];
        var seeds = new byte[dataCount][];
        for (int j = 0; j < dataCount; j++)
        {
            seeds[j] = PublicPolynomialSampler.CreateSeed();
            (b[j], a[j]) = EncryptZeroNtt(seeds[j]);
            Rlwe.AddGadgetTerm(_context, b[j], target, j);
        }

        return new KeySwitchingKey(_context, b, seeds, a);
    }

    /// <summary>(b, a) with b = −a·s + e in NTT form over all key primes and a expanded from <paramref name="seed"/>.</summary>
    private (ulong[] B, ulong[] A) EncryptZeroNtt(byte[] seed)
    {
        ulong[] a = KeySwitchingKey.ExpandUniform(_context, seed);
        var b = new ulong[_context.KeyModuli.Count * _context.N];
        Rlwe.SampleNtt(_context, a, SecretKey.Data, _random, b);
        return (b, a);
    }
}
