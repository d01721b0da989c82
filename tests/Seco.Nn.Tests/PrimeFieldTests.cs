using Seco.Nn.Field;
using Xunit;

namespace Seco.Nn.Tests;

public class PrimeFieldTests
{
    [Fact]
    public void PrimeIsTheSecoPlaintextModulus()
    {
        Assert.Equal((1UL << 41) - (1UL << 37) + 1, PrimeField.P);
        Assert.Equal(1UL, PrimeField.P % (2 * 8192)); // batching needs p ≡ 1 mod 2n
    }

    [Theory]
    [InlineData(0L, 0UL)]
    [InlineData(1L, 1UL)]
    [InlineData(-1L, 2061584302080UL)]
    [InlineData(1030792151040L, 1030792151040UL)]   // (p−1)/2 stays positive
    [InlineData(-1030792151040L, 1030792151041UL)]  // −(p−1)/2 = (p+1)/2
    [InlineData(2061584302081L, 0UL)]
    [InlineData(-2061584302082L, 2061584302080UL)]
    public void SignedValuesMapToCanonicalResidues(long signed, ulong residue)
    {
        Assert.Equal(residue, PrimeField.FromSigned(signed));
        Assert.Equal(PrimeField.Wrap(signed), PrimeField.ToSigned(residue));
    }

    [Fact]
    public void CentredLiftIsTheInverseOnTheSignedRange()
    {
        var rng = new Random(7);
        for (int i = 0; i < 10_000; i++)
        {
            long v = rng.NextInt64(-PrimeField.HalfP, PrimeField.HalfP + 1);
            Assert.Equal(v, PrimeField.ToSigned(PrimeField.FromSigned(v)));
        }
        Assert.Equal(PrimeField.HalfP, PrimeField.ToSigned((ulong)PrimeField.HalfP));
        Assert.Equal(-PrimeField.HalfP, PrimeField.ToSigned((ulong)PrimeField.HalfP + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => PrimeField.ToSigned(PrimeField.P));
    }

    [Fact]
    public void ArithmeticAgreesWithBigIntegers()
    {
        var rng = new Random(11);
        for (int i = 0; i < 10_000; i++)
        {
            ulong a = (ulong)rng.NextInt64((long)PrimeField.P), b = (ulong)rng.NextInt64((long)PrimeField.P);
            var P = new System.Numerics.BigInteger(PrimeField.P);
            Assert.Equal((ulong)((new System.Numerics.BigInteger(a) * b) % P), PrimeField.Multiply(a, b));
            Assert.Equal((a + b) % PrimeField.P, PrimeField.Add(a, b));
            Assert.Equal((ulong)(((System.Numerics.BigInteger)a - b + P) % P), PrimeField.Subtract(a, b));
            Assert.Equal(0UL, PrimeField.Add(a, PrimeField.Negate(a)));
        }
    }
}
