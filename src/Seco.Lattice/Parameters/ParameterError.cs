namespace Seco.Lattice.Parameters;

/// <summary>
/// Why <see cref="BfvContext.Create"/> rejected an <see cref="EncryptionParameters"/>. Typed (rather than SEAL's
/// free-form <c>parameter_error_name</c> strings) so callers and tests can branch on the reason.
/// </summary>
public enum ParameterError
{
    /// <summary>n is not a power of two (the cyclotomic X^n + 1 is only used for power-of-two n).</summary>
    PolyDegreeNotPowerOfTwo,

    /// <summary>n is outside [1024, 32768], the range covered by the HE security standard tables.</summary>
    PolyDegreeOutOfRange,

    /// <summary>The coefficient modulus chain has no primes at all.</summary>
    CoeffModulusEmpty,

    /// <summary>Fewer than two primes: at least one data prime plus the special key-switching prime are required.</summary>
    CoeffModulusTooFewPrimes,

    /// <summary>A coefficient prime has more than 60 bits (SEAL's <c>SEAL_USER_MOD_BIT_COUNT_MAX</c>).</summary>
    CoeffModulusTooLarge,

    /// <summary>A coefficient modulus is not prime.</summary>
    CoeffModulusNotPrime,

    /// <summary>A coefficient prime q_i is not ≡ 1 (mod 2n), so the negacyclic NTT does not exist modulo q_i.</summary>
    CoeffModulusNotNttFriendly,

    /// <summary>Two coefficient moduli are not coprime (for primes: a duplicate), breaking the RNS/CRT representation.</summary>
    CoeffModulusNotCoprime,

    /// <summary>t &lt; 2.</summary>
    PlainModulusTooSmall,

    /// <summary>t has more than 60 bits (SEAL's <c>SEAL_PLAIN_MOD_BIT_COUNT_MAX</c>).</summary>
    PlainModulusTooLarge,

    /// <summary>Batching was required but t is not a prime ≡ 1 (mod 2n).</summary>
    PlainModulusNotBatchingFriendly,

    /// <summary>t shares a factor with some q_i (SEAL: <c>invalid_plain_modulus_coprimality</c>).</summary>
    PlainModulusNotCoprimeWithCoeffModulus,

    /// <summary>t ≥ some q_i; SEAL requires t to be smaller than every coefficient prime.</summary>
    PlainModulusNotSmallerThanCoeffModulus,

    /// <summary>log2(q) exceeds the HE-standard bound for n at the requested security level.</summary>
    InsecureTotalCoeffModulus,
}
