using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Parameters;

/// <summary>
/// A validated BFV parameter set plus its precomputation (SEAL's <c>SEALContext</c>, Lattigo's <c>bfv.Parameters</c>).
/// Obtainable only through <see cref="Create"/>, so holding an instance proves the parameters passed every check.
/// </summary>
public sealed class BfvContext
{
    /// <summary>Smallest supported n: the smallest degree in the HE standard's Table 1.</summary>
    public const int MinPolyModulusDegree = 1024;

    /// <summary>Largest supported n: the largest degree in the HE standard's Table 1 (and SEAL's maximum).</summary>
    public const int MaxPolyModulusDegree = 32768;

    /// <summary>Largest allowed bit count of a coefficient prime (SEAL's <c>SEAL_USER_MOD_BIT_COUNT_MAX</c>).</summary>
    public const int MaxCoeffPrimeBitCount = 60;

    /// <summary>Largest allowed bit count of t (SEAL's <c>SEAL_PLAIN_MOD_BIT_COUNT_MAX</c>).</summary>
    public const int MaxPlainModulusBitCount = 60;

    /// <summary>Scheme identifier that opens the <see cref="ParameterHash"/> pre-image.</summary>
    public const string SchemeId = "BFV";

    private readonly ImmutableArray<byte> _parameterHash;

    private BfvContext(EncryptionParameters parameters, SecurityLevel securityLevel, bool usesBatching)
    {
        Parameters = parameters;
        SecurityLevel = securityLevel;
        UsesBatching = usesBatching;
        N = parameters.PolyModulusDegree;
        PlainModulus = new Modulus(parameters.PlainModulus);
        KeyModuli = parameters.CoeffModulus;
        DataModuli = parameters.CoeffModulus.Take(parameters.CoeffModulus.Count - 1).ToList().AsReadOnly();
        NttTables = parameters.CoeffModulus.Select(q => new NttTables(N, q)).ToList().AsReadOnly();
        TotalCoeffModulusBitCount = ProductBitCount(KeyModuli);
        DataCoeffModulusBitCount = ProductBitCount(DataModuli);
        _parameterHash = ImmutableArray.Create(ComputeParameterHash(parameters));
        ParameterHashHex = Convert.ToHexStringLower(_parameterHash.AsSpan());
        _levels = new Lazy<Bfv.LevelContext>[DataModuli.Count + 1];
        for (int l = 1; l <= DataModuli.Count; l++)
        {
            int count = l;
            _levels[l] = new Lazy<Bfv.LevelContext>(() => new Bfv.LevelContext(this, count));
        }

        PlainNtt = usesBatching ? new NttTables(N, PlainModulus) : null;
        SpecialModulus = KeyModuli[^1];
        SpecialModQi = DataModuli.Select(q => q.Reduce(SpecialModulus.Value)).ToArray();
        SpecialInvModQi = DataModuli.Select((q, i) => q.Inverse(SpecialModQi[i])).ToArray();
    }

    private readonly Lazy<Bfv.LevelContext>[] _levels;

    /// <summary>Number of data primes L: fresh ciphertexts have L limbs; each modulus switch removes one.</summary>
    public int MaxLevel => DataModuli.Count;

    /// <summary>NTT tables modulo t for batching (null when t does not support it).</summary>
    internal NttTables? PlainNtt { get; }

    /// <summary>The special key-switching prime P (last of <see cref="KeyModuli"/>).</summary>
    internal Modulus SpecialModulus { get; }

    /// <summary>P mod q_i for each data prime.</summary>
    internal ulong[] SpecialModQi { get; }

    /// <summary>P^{-1} mod q_i for each data prime.</summary>
    internal ulong[] SpecialInvModQi { get; }

    /// <summary>Precomputation for ciphertexts with <paramref name="count"/> primes (1 ≤ count ≤ <see cref="MaxLevel"/>).</summary>
    internal Bfv.LevelContext Level(int count)
    {
        if (count < 1 || count > MaxLevel)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Level must be in [1, {MaxLevel}]; got {count}.");
        }

        return _levels[count].Value;
    }

    /// <summary>The literal this context was validated from.</summary>
    public EncryptionParameters Parameters { get; }

    /// <summary>The security level the parameters were checked against.</summary>
    public SecurityLevel SecurityLevel { get; }

    /// <summary>Ring degree n.</summary>
    public int N { get; }

    /// <summary>Plaintext modulus t.</summary>
    public Modulus PlainModulus { get; }

    /// <summary>All coefficient primes including the special key-switching prime (SEAL's key-level chain).</summary>
    public IReadOnlyList<Modulus> KeyModuli { get; }

    /// <summary>All primes but the special one: the modulus chain a fresh ciphertext lives in (SEAL's first data level).</summary>
    public IReadOnlyList<Modulus> DataModuli { get; }

    /// <summary>NTT tables for each prime of <see cref="KeyModuli"/>, in the same order.</summary>
    public IReadOnlyList<NttTables> NttTables { get; }

    /// <summary>
    /// Bit count of the product of all <see cref="KeyModuli"/> — SEAL's <c>total_coeff_modulus_bit_count</c>, the
    /// quantity compared against the security bound (the special prime counts: key-switching keys live modulo it).
    /// </summary>
    public int TotalCoeffModulusBitCount { get; }

    /// <summary>Bit count of the product of the <see cref="DataModuli"/>.</summary>
    public int DataCoeffModulusBitCount { get; }

    /// <summary>True when t is a prime ≡ 1 (mod 2n), so plaintext slots (SIMD batching) are available.</summary>
    public bool UsesBatching { get; }

    /// <summary>
    /// SHA-256 fingerprint of the parameter set, carried by serialized objects so peers can reject data produced
    /// under different parameters. The pre-image is this exact byte layout (all integers little-endian):
    /// <list type="number">
    /// <item>3 bytes: ASCII scheme id <c>"BFV"</c> (0x42 0x46 0x56);</item>
    /// <item>4 bytes: n as uint32;</item>
    /// <item>4 bytes: k, the number of coefficient primes including the special prime, as uint32;</item>
    /// <item>8·k bytes: each q_i as uint64, in chain order (special prime last);</item>
    /// <item>8 bytes: t as uint64.</item>
    /// </list>
    /// Total length 19 + 8k bytes. The count k makes the encoding self-delimiting. The security level is NOT hashed:
    /// it is a local acceptance policy, not a property of the ciphertexts.
    /// </summary>
    public ImmutableArray<byte> ParameterHash => _parameterHash;

    /// <summary><see cref="ParameterHash"/> as 64 lowercase hex characters.</summary>
    public string ParameterHashHex { get; }

    /// <summary>
    /// Validates <paramref name="parameters"/> once and builds the context, or throws <see cref="ParameterException"/>
    /// naming the first violated rule.
    /// </summary>
    /// <param name="parameters">The literal to validate.</param>
    /// <param name="securityLevel">
    /// Security bound for log2(q). <see cref="SecurityLevel.None"/> is for tests only.
    /// </param>
    /// <param name="requireBatching">
    /// When true (the default; SECO relies on slot encoding) t must be a prime ≡ 1 (mod 2n). SEAL merely disables
    /// batching otherwise; pass false to get that behaviour.
    /// </param>
    public static BfvContext Create(
        EncryptionParameters parameters,
        SecurityLevel securityLevel = SecurityLevel.Tc128,
        bool requireBatching = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int n = parameters.PolyModulusDegree;
        ValidatePolyDegree(n);
        ValidateCoeffModulus(n, parameters.CoeffModulus);
        bool batching = ValidatePlainModulus(n, parameters.CoeffModulus, parameters.PlainModulus, requireBatching);

        int totalBits = ProductBitCount(parameters.CoeffModulus);
        int maxBits = SecurityBounds.MaxCoeffModulusBitCount(n, securityLevel);
        if (totalBits > maxBits)
        {
            Fail(
                ParameterError.InsecureTotalCoeffModulus,
                $"CoeffModulus: total bit count {totalBits} exceeds {maxBits}, the maximum for n = {n} at {securityLevel} " +
                "(HomomorphicEncryption.org security standard, Table 1).");
        }

        return new BfvContext(parameters, securityLevel, batching);
    }

    /// <summary>Computes the <see cref="ParameterHash"/> of a literal (no validation; see that property for the layout).</summary>
    public static byte[] ComputeParameterHash(EncryptionParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int k = parameters.CoeffModulus.Count;
        var buffer = new byte[SchemeId.Length + 4 + 4 + (8 * k) + 8];
        int offset = Encoding.ASCII.GetBytes(SchemeId, buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), (uint)parameters.PolyModulusDegree);
        offset += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), (uint)k);
        offset += 4;
        foreach (Modulus q in parameters.CoeffModulus)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(offset), q.Value);
            offset += 8;
        }

        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(offset), parameters.PlainModulus);
        return SHA256.HashData(buffer);
    }

    private static void ValidatePolyDegree(int n)
    {
        if (n <= 0 || !int.IsPow2(n))
        {
            Fail(ParameterError.PolyDegreeNotPowerOfTwo, $"PolyModulusDegree: {n} is not a positive power of two.");
        }

        if (n < MinPolyModulusDegree || n > MaxPolyModulusDegree)
        {
            Fail(
                ParameterError.PolyDegreeOutOfRange,
                $"PolyModulusDegree: {n} is outside [{MinPolyModulusDegree}, {MaxPolyModulusDegree}].");
        }
    }

    private static void ValidateCoeffModulus(int n, IReadOnlyList<Modulus> chain)
    {
        if (chain.Count == 0)
        {
            Fail(ParameterError.CoeffModulusEmpty, "CoeffModulus: the chain is empty; at least two primes are required.");
        }

        if (chain.Count < 2)
        {
            Fail(
                ParameterError.CoeffModulusTooFewPrimes,
                $"CoeffModulus: {chain.Count} prime given; at least two are required " +
                "(one or more data primes plus the special key-switching prime, which is last).");
        }

        ulong twoN = 2UL * (ulong)n;
        for (int i = 0; i < chain.Count; i++)
        {
            ulong q = chain[i].Value;
            if (chain[i].BitCount > MaxCoeffPrimeBitCount)
            {
                Fail(
                    ParameterError.CoeffModulusTooLarge,
                    $"CoeffModulus[{i}]: {q} has {chain[i].BitCount} bits; at most {MaxCoeffPrimeBitCount} are allowed.");
            }

            if (!Primes.IsPrime(q))
            {
                Fail(ParameterError.CoeffModulusNotPrime, $"CoeffModulus[{i}]: {q} is not prime.");
            }

            if (q % twoN != 1)
            {
                Fail(
                    ParameterError.CoeffModulusNotNttFriendly,
                    $"CoeffModulus[{i}]: {q} is not congruent to 1 mod 2n = {twoN}, so the negacyclic NTT does not exist.");
            }

            for (int j = 0; j < i; j++)
            {
                if (Gcd(q, chain[j].Value) != 1)
                {
                    Fail(
                        ParameterError.CoeffModulusNotCoprime,
                        $"CoeffModulus[{i}]: {q} is not coprime to CoeffModulus[{j}] = {chain[j].Value} " +
                        "(duplicate primes break the RNS representation).");
                }
            }
        }
    }

    private static bool ValidatePlainModulus(int n, IReadOnlyList<Modulus> chain, ulong t, bool requireBatching)
    {
        if (t < 2)
        {
            Fail(ParameterError.PlainModulusTooSmall, $"PlainModulus: {t} is less than 2.");
        }

        int bits = 64 - BitOperations.LeadingZeroCount(t);
        if (bits > MaxPlainModulusBitCount)
        {
            Fail(
                ParameterError.PlainModulusTooLarge,
                $"PlainModulus: {t} has {bits} bits; at most {MaxPlainModulusBitCount} are allowed.");
        }

        ulong twoN = 2UL * (ulong)n;
        bool batching = t % twoN == 1 && Primes.IsPrime(t);
        if (requireBatching && !batching)
        {
            Fail(
                ParameterError.PlainModulusNotBatchingFriendly,
                $"PlainModulus: {t} must be a prime congruent to 1 mod 2n = {twoN} for batching.");
        }

        // Coprimality first: t = q_i violates both rules, and "shares a factor" is the more precise diagnosis.
        for (int i = 0; i < chain.Count; i++)
        {
            if (Gcd(t, chain[i].Value) != 1)
            {
                Fail(
                    ParameterError.PlainModulusNotCoprimeWithCoeffModulus,
                    $"PlainModulus: {t} is not coprime to CoeffModulus[{i}] = {chain[i].Value}.");
            }
        }

        for (int i = 0; i < chain.Count; i++)
        {
            if (t >= chain[i].Value)
            {
                Fail(
                    ParameterError.PlainModulusNotSmallerThanCoeffModulus,
                    $"PlainModulus: {t} is not smaller than CoeffModulus[{i}] = {chain[i].Value}; t must be below every q_i.");
            }
        }

        return batching;
    }

    private static int ProductBitCount(IEnumerable<Modulus> moduli)
    {
        BigInteger product = BigInteger.One;
        foreach (Modulus q in moduli)
        {
            product *= q.Value;
        }

        return (int)product.GetBitLength();
    }

    private static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void Fail(ParameterError error, string message) => throw new ParameterException(error, message);
}
