using Seco.Nn.FixedPoint;
using Xunit;

namespace Seco.Nn.Tests;

public class FixedPointFormatTests
{
    [Theory]
    [InlineData(1.0, 8, 256L)]
    [InlineData(0.5 / 256, 8, 1L)]    // tie rounds away from zero
    [InlineData(-0.5 / 256, 8, -1L)]
    [InlineData(0.49 / 256, 8, 0L)]
    [InlineData(-1.25, 2, -5L)]
    [InlineData(3.0, 16, 196608L)]
    public void QuantizesToNearestTiesAwayFromZero(double x, int bits, long expected) =>
        Assert.Equal(expected, FixedPointFormat.Quantize(x, bits));

    [Fact]
    public void RejectsBadInputsAndRanges()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPointFormat(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedPointFormat(21));
        Assert.Throws<ArgumentException>(() => FixedPointFormat.Quantize(double.NaN, 8));
        Assert.Throws<OverflowException>(() => FixedPointFormat.Quantize(1e300, 8));
    }

    [Fact]
    public void DecodeInvertsEncodeOnTheGrid()
    {
        var f = new FixedPointFormat(8);
        for (int k = -1000; k <= 1000; k++)
            Assert.Equal(k, f.Encode(FixedPointFormat.Decode(k, 8)));
    }
}
