using Seco.Lattice.Ring;

namespace Seco.Lattice.Parameters;

/// <summary>
/// Ready-made parameter literals. Coefficient chains reproduce SEAL's <c>CoeffModulus::BFVDefault(n, tc128)</c>
/// (util/globals.cpp, <c>DEFAULT_COEFF_MODULUS_128</c>); they are regenerated with <see cref="Primes.NttPrimes"/>,
/// which walks candidates exactly like SEAL's <c>CoeffModulus::Create</c>, and the tests pin the resulting values to
/// SEAL's table. Each chain sits exactly at the 128-bit bound of the HE standard (Albrecht et al. 2018, Table 1).
/// The last prime is the special key-switching prime.
/// </summary>
public static class BfvPresets
{
    /// <summary>SECO's plaintext modulus: the prime 1920·2^30 + 1 (41 bits, ≡ 1 mod 2^31, so batching-friendly).</summary>
    public const ulong SecoPlainModulus = 2061584302081;

    /// <summary>
    /// n = 4096, q = 36+36+37 bits (109, SEAL BFVDefault(4096)), t = 1032193 = SEAL's
    /// <c>PlainModulus::Batching(4096, 20)</c>, the largest 20-bit prime ≡ 1 (mod 8192).
    /// </summary>
    public static EncryptionParameters Default4096() => Build(4096, [36, 36, 37], 20);

    /// <summary>
    /// n = 8192, q = 43+43+44+44+44 bits (218, SEAL BFVDefault(8192)), t = 1032193 = SEAL's
    /// <c>PlainModulus::Batching(8192, 20)</c>, the largest 20-bit prime ≡ 1 (mod 16384).
    /// </summary>
    public static EncryptionParameters Default8192() => Build(8192, [43, 43, 44, 44, 44], 20);

    /// <summary>
    /// n = 16384, q = 3×48 + 6×49 bits (438, SEAL BFVDefault(16384)), t = 786433 = SEAL's
    /// <c>PlainModulus::Batching(16384, 20)</c>, the largest 20-bit prime ≡ 1 (mod 32768).
    /// </summary>
    public static EncryptionParameters Default16384() => Build(16384, [48, 48, 48, 49, 49, 49, 49, 49, 49], 20);

    /// <summary>
    /// SECO's working set: n = 8192 with the 218-bit BFVDefault(8192) chain and t = <see cref="SecoPlainModulus"/>.
    /// t (41 bits) is below every q_i (43/44 bits), as required; the data primes total 174 bits.
    /// </summary>
    public static EncryptionParameters Seco8192() =>
        new(8192, CoeffModulusCreate(8192, [43, 43, 44, 44, 44]), SecoPlainModulus);

    /// <summary>
    /// SEAL's <c>CoeffModulus::Create</c>: for each distinct bit size, the largest primes ≡ 1 (mod 2n) below
    /// 2^bitSize in decreasing order, emitted in the order the bit sizes were requested.
    /// </summary>
    public static ulong[] CoeffModulusCreate(int n, int[] bitSizes)
    {
        ArgumentNullException.ThrowIfNull(bitSizes);
        var pools = bitSizes.GroupBy(b => b).ToDictionary(g => g.Key, g => new Queue<ulong>(Primes.NttPrimes(g.Key, n, g.Count())));
        return bitSizes.Select(b => pools[b].Dequeue()).ToArray();
    }

    private static EncryptionParameters Build(int n, int[] bitSizes, int plainBits) =>
        new(n, CoeffModulusCreate(n, bitSizes), Primes.NttPrimes(plainBits, n, 1)[0]);
}
