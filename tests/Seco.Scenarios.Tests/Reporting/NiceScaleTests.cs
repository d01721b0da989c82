using Seco.Scenarios.Reporting;

namespace Seco.Scenarios.Tests.Reporting;

public class NiceScaleTests
{
    [Theory]
    [InlineData(7.3, 2, 8)]
    [InlineData(0.23, 0.05, 0.25)]
    [InlineData(120, 25, 125)]
    [InlineData(1, 0.2, 1)]
    [InlineData(0, 0.2, 1)]   // nothing to show: a unit axis rather than a zero-height one
    public void StepsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTenAndTheTopIsAWholeStep(double max, double step, double top)
    {
        NiceScale s = NiceScale.For(0, max);
        Assert.Equal(step, s.Step, 12);
        Assert.Equal(top, s.Max, 12);
    }

    [Fact]
    public void TickLabelsCarryTheDecimalsTheStepNeedsAndNoMore()
    {
        NiceScale s = NiceScale.For(0, 0.23);
        Assert.Equal(["0.00", "0.05", "0.10", "0.15", "0.20", "0.25"], s.Ticks.Select(s.Label));
        NiceScale whole = NiceScale.For(0, 120);
        Assert.Equal(["0", "25", "50", "75", "100", "125"], whole.Ticks.Select(whole.Label));
    }

    [Fact]
    public void TicksWithinAWindowAreTheStepMultiplesInsideIt()
    {
        NiceScale s = NiceScale.For(1.3, 2.9, 8);
        Assert.Equal(0.2, s.Step, 12);
        Assert.Equal([1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8], s.TicksWithin(1.3, 2.9).Select(t => Math.Round(t, 9)));
    }

    [Theory]
    [InlineData(1.23456, "1.23")]
    [InlineData(12.3456, "12.3")]
    [InlineData(123.456, "123")]
    [InlineData(123456.7, "123457")]
    [InlineData(0.000123456, "0.000123")]
    [InlineData(double.NaN, "0")]
    public void ValueLabelsHaveThreeSignificantDigitsAndNoExponent(double value, string expected) =>
        Assert.Equal(expected, NiceScale.Short(value));
}
