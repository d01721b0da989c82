using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Parameters;

public class BfvContextValidationTests
{
    private const int N = 1024;

    // Two 30-bit NTT primes for n = 1024 and a 20-bit batching prime: valid except for security (60 > 27 bits).
    private static readonly ulong[] Q = Primes.NttPrimes(30, N, 2);
    private static readonly ulong T = Primes.NttPrimes(20, N, 1)[0];

    private static ParameterException Reject(
        EncryptionParameters p, SecurityLevel level = SecurityLevel.None, bool requireBatching = true) =>
        Assert.Throws<ParameterException>(() => BfvContext.Create(p, level, requireBatching));

    [Fact]
    public void TinyInsecureParameters_AcceptedOnlyWithSecurityNone()
    {
        var p = new EncryptionParameters(N, Q, T);
        BfvContext ctx = BfvContext.Create(p, SecurityLevel.None);
        Assert.Equal(N, ctx.N);
        Assert.Equal(ParameterError.InsecureTotalCoeffModulus, Reject(p, SecurityLevel.Tc128).Error);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(0)]
    [InlineData(-1024)]
    [InlineData(3072)]
    public void PolyDegreeNotPowerOfTwo(int n)
    {
        ParameterException e = Reject(new EncryptionParameters(n, Q, T));
        Assert.Equal(ParameterError.PolyDegreeNotPowerOfTwo, e.Error);
        Assert.Contains("PolyModulusDegree", e.Message, StringComparison.Ordinal);
        Assert.Contains(n.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(2)]
    [InlineData(65536)]
    public void PolyDegreeOutOfRange(int n)
    {
        ParameterException e = Reject(new EncryptionParameters(n, Q, T));
        Assert.Equal(ParameterError.PolyDegreeOutOfRange, e.Error);
        Assert.Contains("1024", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoeffModulusEmpty() =>
        Assert.Equal(ParameterError.CoeffModulusEmpty, Reject(new EncryptionParameters(N, Array.Empty<ulong>(), T)).Error);

    [Fact]
    public void CoeffModulusTooFewPrimes()
    {
        ParameterException e = Reject(new EncryptionParameters(N, [Q[0]], T));
        Assert.Equal(ParameterError.CoeffModulusTooFewPrimes, e.Error);
        Assert.Contains("special", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoeffModulusTooLarge()
    {
        ulong big = Primes.NttPrimes(61, N, 1)[0];
        ParameterException e = Reject(new EncryptionParameters(N, [Q[0], big], T));
        Assert.Equal(ParameterError.CoeffModulusTooLarge, e.Error);
        Assert.Contains("CoeffModulus[1]", e.Message, StringComparison.Ordinal);
        Assert.Contains(big.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoeffModulusNotPrime()
    {
        const ulong composite = 4097; // 17 · 241, yet ≡ 1 mod 2048
        ParameterException e = Reject(new EncryptionParameters(N, [composite, Q[0]], T));
        Assert.Equal(ParameterError.CoeffModulusNotPrime, e.Error);
        Assert.Contains("CoeffModulus[0]: 4097", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoeffModulusNotNttFriendly()
    {
        const ulong prime = 1073741789; // largest 30-bit prime, ≢ 1 mod 2048
        Assert.True(Primes.IsPrime(prime));
        Assert.NotEqual(1UL, prime % (2 * N));
        ParameterException e = Reject(new EncryptionParameters(N, [Q[0], prime], T));
        Assert.Equal(ParameterError.CoeffModulusNotNttFriendly, e.Error);
        Assert.Contains("2048", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CoeffModulusDuplicate_IsNotCoprime()
    {
        ParameterException e = Reject(new EncryptionParameters(N, [Q[0], Q[1], Q[0]], T));
        Assert.Equal(ParameterError.CoeffModulusNotCoprime, e.Error);
        Assert.Contains("CoeffModulus[2]", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    public void PlainModulusTooSmall(ulong t)
    {
        ParameterException e = Reject(new EncryptionParameters(N, Q, t));
        Assert.Equal(ParameterError.PlainModulusTooSmall, e.Error);
        Assert.Contains("PlainModulus", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainModulusTooLarge()
    {
        ulong t = Primes.NttPrimes(61, N, 1)[0];
        ParameterException e = Reject(new EncryptionParameters(N, Q, t));
        Assert.Equal(ParameterError.PlainModulusTooLarge, e.Error);
        Assert.Contains("61 bits", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3UL)]       // prime, but ≢ 1 mod 2048
    [InlineData(65536UL)]   // power of two
    [InlineData(4097UL)]    // ≡ 1 mod 2048 but composite
    public void PlainModulusNotBatchingFriendly(ulong t)
    {
        ParameterException e = Reject(new EncryptionParameters(N, Q, t));
        Assert.Equal(ParameterError.PlainModulusNotBatchingFriendly, e.Error);
        Assert.Contains("batching", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3UL)]
    [InlineData(65536UL)]
    public void NonBatchingPlainModulus_AcceptedWhenBatchingNotRequired(ulong t)
    {
        BfvContext ctx = BfvContext.Create(new EncryptionParameters(N, Q, t), SecurityLevel.None, requireBatching: false);
        Assert.False(ctx.UsesBatching);
    }

    [Fact]
    public void PlainModulusNotCoprimeWithCoeffModulus()
    {
        ParameterException e = Reject(new EncryptionParameters(N, Q, Q[1]));
        Assert.Equal(ParameterError.PlainModulusNotCoprimeWithCoeffModulus, e.Error);
        Assert.Contains("CoeffModulus[1]", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlainModulusNotSmallerThanCoeffModulus()
    {
        ulong t = Primes.NttPrimes(31, N, 1)[0]; // batching-friendly and coprime, but above the 30-bit q_i
        ParameterException e = Reject(new EncryptionParameters(N, Q, t));
        Assert.Equal(ParameterError.PlainModulusNotSmallerThanCoeffModulus, e.Error);
        Assert.Contains("smaller", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SecurityLevel.Tc192)]
    [InlineData(SecurityLevel.Tc256)]
    public void InsecureTotalCoeffModulus_Default8192AboveTc128(SecurityLevel level)
    {
        ParameterException e = Reject(BfvPresets.Default8192(), level);
        Assert.Equal(ParameterError.InsecureTotalCoeffModulus, e.Error);
        Assert.Contains("218", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InsecureTotalCoeffModulus_OneBitOverTheBound()
    {
        // 4096 at Tc128 allows 109 bits; 36+36+38 = 110.
        var p = new EncryptionParameters(4096, BfvPresets.CoeffModulusCreate(4096, [36, 36, 38]), 1032193);
        ParameterException e = Reject(p, SecurityLevel.Tc128);
        Assert.Equal(ParameterError.InsecureTotalCoeffModulus, e.Error);
        Assert.Contains("110", e.Message, StringComparison.Ordinal);
        Assert.Contains("109", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityBounds_MatchSealTable()
    {
        int[] degrees = [1024, 2048, 4096, 8192, 16384, 32768];
        int[] tc128 = [27, 54, 109, 218, 438, 881];
        int[] tc192 = [19, 37, 75, 152, 305, 611];
        int[] tc256 = [14, 29, 58, 118, 237, 476];
        for (int i = 0; i < degrees.Length; i++)
        {
            Assert.Equal(tc128[i], SecurityBounds.MaxCoeffModulusBitCount(degrees[i], SecurityLevel.Tc128));
            Assert.Equal(tc192[i], SecurityBounds.MaxCoeffModulusBitCount(degrees[i], SecurityLevel.Tc192));
            Assert.Equal(tc256[i], SecurityBounds.MaxCoeffModulusBitCount(degrees[i], SecurityLevel.Tc256));
        }

        Assert.Equal(int.MaxValue, SecurityBounds.MaxCoeffModulusBitCount(1024, SecurityLevel.None));
        Assert.Equal(0, SecurityBounds.MaxCoeffModulusBitCount(512, SecurityLevel.Tc128));
    }
}
