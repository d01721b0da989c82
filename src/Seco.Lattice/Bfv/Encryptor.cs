using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;
using Seco.Lattice.Sampling;

namespace Seco.Lattice.Bfv;

/// <summary>
/// BFV encryption (Fan–Vercauteren 2012, §3; SEAL <c>Encryptor</c>) with a public key, a secret key, or both.
/// A ciphertext of m is an encryption of zero plus Δ·m, with Δ·m rounded exactly as SEAL rounds it
/// (round(Q·m/t), ties up). u, e_0, e_1 come from the OS CSPRNG; symmetric ciphertexts draw c_1 from a fresh public
/// seed so they can travel as (c_0, seed) — half the bytes (<see cref="SeededCiphertext"/>). Not thread-safe.
/// </summary>
public sealed class Encryptor : IDisposable
{
    private readonly BfvContext _context;
    private readonly PublicKey? _publicKey;
    private readonly SecretKey? _secretKey;
    private readonly SystemRandomSource _random = new();

    /// <summary>Public-key encryptor.</summary>
    public Encryptor(BfvContext context, PublicKey publicKey)
        : this(context, publicKey, null)
    {
    }

    /// <summary>Secret-key (symmetric) encryptor.</summary>
    public Encryptor(BfvContext context, SecretKey secretKey)
        : this(context, null, secretKey)
    {
    }

    /// <summary>Encryptor that can do both; either key may be null.</summary>
    public Encryptor(BfvContext context, PublicKey? publicKey, SecretKey? secretKey)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (publicKey is null && secretKey is null)
        {
            throw new ArgumentException("An encryptor needs a public key, a secret key, or both.");
        }

        if (publicKey is not null)
        {
            Guard.SameContext(context, publicKey.Context, "public key");
        }

        if (secretKey is not null)
        {
            Guard.SameContext(context, secretKey.Context, "secret key");
        }

        RandomSource.EnsureNonDeterministic(_random, nameof(context));
        _context = context;
        _publicKey = publicKey;
        _secretKey = secretKey;
    }

    /// <summary>Public-key encryption of <paramref name="plain"/> (coefficient form) at the top level.</summary>
    public Ciphertext Encrypt(Plaintext plain)
    {
        var destination = new Ciphertext(_context);
        Encrypt(plain, destination);
        return destination;
    }

    /// <summary>Public-key encryption into <paramref name="destination"/> (resized to size 2, top level).</summary>
    public void Encrypt(Plaintext plain, Ciphertext destination)
    {
        CheckPlain(plain);
        EncryptZero(destination);
        LevelContext level = _context.Level(destination.Level);
        PlainScaling.AddScaled(level, plain.Data, destination.Poly(0), subtract: false);
    }

    /// <summary>
    /// A public-key encryption of zero at the top data level. As SEAL does, it is formed one level up — over all key
    /// primes, special prime included — as (pk_0·u + e_0, pk_1·u + e_1) and then divided by the special prime P with
    /// rounding: the noise e·u + e_0 + e_1·s shrinks by the factor P and only the rounding error (≈ ‖s‖/2) remains,
    /// which buys about four bits of noise budget over encrypting at the data level directly.
    /// </summary>
    public void EncryptZero(Ciphertext destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        PublicKey pk = _publicKey ?? throw new InvalidOperationException("This encryptor has no public key.");
        Reset(destination);
        int n = _context.N, k = _context.KeyModuli.Count;
        int len = k * n;

        using var u = new PooledBuffer(len);
        new TernarySampler(_random).Sample(_context.KeyModuli, n, u.Span);
        RnsPoly.ForwardNtt(u.Span, _context.NttTables, k);
        var errors = new CenteredBinomialSampler(_random);
        using var e = new PooledBuffer(len);
        using var c = new PooledBuffer(len);
        for (int p = 0; p < 2; p++)
        {
            RnsPoly.MultiplyPointwise(p == 0 ? pk.B : pk.A, u.Span, c.Span, _context.KeyModuli, n);
            RnsPoly.InverseNtt(c.Span, _context.NttTables, k);
            errors.Sample(_context.KeyModuli, n, e.Span);
            RnsPoly.Add(c.Span, e.Span, c.Span, _context.KeyModuli, n);
            RnsRounding.DivideAndRoundByLast(c.Span, destination.Poly(p), _context.KeyModuli, _context.SpecialInvModQi, n);
        }
    }

    /// <summary>Secret-key encryption of <paramref name="plain"/> at the top level (full c_1).</summary>
    public Ciphertext EncryptSymmetric(Plaintext plain)
    {
        // Same computation as the seeded form, but c_1 = INTT(a) is taken from the a already expanded rather than
        // re-expanded from the seed.
        var a = new ulong[_context.MaxLevel * _context.N];
        SeededCiphertext seeded = EncryptSymmetricSeeded(plain, a);
        return seeded.Expand(a);
    }

    /// <summary>
    /// Secret-key encryption whose c_1 = INTT(a) is represented by the 32-byte public seed of a: serialize this form
    /// to ship half the bytes, or <see cref="SeededCiphertext.Expand"/> it for evaluation.
    /// </summary>
    public SeededCiphertext EncryptSymmetricSeeded(Plaintext plain)
    {
        using var a = new PooledBuffer(_context.MaxLevel * _context.N);
        return EncryptSymmetricSeeded(plain, a.Span);
    }

    /// <summary>The seeded encryption, leaving the expanded NTT-form a in <paramref name="a"/>.</summary>
    private SeededCiphertext EncryptSymmetricSeeded(Plaintext plain, Span<ulong> a)
    {
        CheckPlain(plain);
        SecretKey sk = _secretKey ?? throw new InvalidOperationException("This encryptor has no secret key.");
        int n = _context.N, l = _context.MaxLevel;
        LevelContext level = _context.Level(l);
        int len = l * n;
        byte[] seed = PublicPolynomialSampler.CreateSeed();
        PublicPolynomialSampler.Sample(seed, level.Moduli, n, a);
        var c0 = new ulong[len];
        RnsPoly.MultiplyPointwise(a, sk.Data.AsSpan(0, len), c0, level.Moduli, n);
        RnsPoly.Negate(c0, c0, level.Moduli, n);
        RnsPoly.InverseNtt(c0, level.Ntt, l);
        var e = new ulong[len];
        new CenteredBinomialSampler(_random).Sample(level.Moduli, n, e);
        RnsPoly.Add(c0, e, c0, level.Moduli, n);
        Array.Clear(e);
        PlainScaling.AddScaled(level, plain.Data, c0, subtract: false);
        return new SeededCiphertext(_context, l, c0, seed);
    }

    /// <summary>Wipes buffered randomness.</summary>
    public void Dispose() => _random.Dispose();

    private void CheckPlain(Plaintext plain)
    {
        ArgumentNullException.ThrowIfNull(plain);
        Guard.SameContext(_context, plain.Context, "plaintext");
        if (plain.IsNttForm)
        {
            throw new ArgumentException("Encryption needs a coefficient-form plaintext, not an NTT-form one.", nameof(plain));
        }

        Guard.PlainCoefficients(plain.Data, _context.PlainModulus.Value);
    }

    private void Reset(Ciphertext destination)
    {
        Guard.SameContext(_context, destination.Context, "destination ciphertext");
        int len = 2 * _context.MaxLevel * _context.N;
        destination.Size = 2;
        destination.Level = _context.MaxLevel;
        destination.IsNttForm = false;
        if (destination.Data.Length != len)
        {
            destination.Data = new ulong[len];
        }
    }
}

/// <summary>
/// A fresh symmetric ciphertext (c_0, seed) where c_1 = INTT(a) and a is the NTT-form uniform polynomial expanded from
/// the public seed by <see cref="PublicPolynomialSampler"/> over the ciphertext's primes. Immutable.
/// </summary>
public sealed class SeededCiphertext
{
    internal SeededCiphertext(BfvContext context, int level, ulong[] c0, byte[] seed)
    {
        Context = context;
        Level = level;
        C0 = c0;
        Seed = seed;
    }

    /// <summary>The parameters this ciphertext belongs to.</summary>
    public BfvContext Context { get; }

    /// <summary>Number of primes.</summary>
    public int Level { get; }

    internal ulong[] C0 { get; }

    internal byte[] Seed { get; }

    /// <summary>The full ciphertext (c_0, c_1).</summary>
    public Ciphertext Expand() => Expand(null);

    /// <summary>The full ciphertext, with <paramref name="expandedA"/> the seed's expansion if already known.</summary>
    internal Ciphertext Expand(ulong[]? expandedA)
    {
        LevelContext level = Context.Level(Level);
        int len = level.PolyLength;
        var data = new ulong[2 * len];
        C0.CopyTo(data, 0);
        Span<ulong> c1 = data.AsSpan(len, len);
        if (expandedA is null)
        {
            PublicPolynomialSampler.Sample(Seed, level.Moduli, Context.N, c1);
        }
        else
        {
            expandedA.CopyTo(c1);
        }

        RnsPoly.InverseNtt(c1, level.Ntt, Level);
        return new Ciphertext(Context, 2, Level, false, data);
    }
}
