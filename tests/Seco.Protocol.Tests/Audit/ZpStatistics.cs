using Seco.Nn.Field;

namespace Seco.Protocol.Tests.Audit;

/// <summary>Uniformity over Z_p by a χ² test on 16 equal buckets of [0, p).</summary>
internal static class ZpStatistics
{
    public const int Buckets = 16;

    /// <summary>
    /// The χ²(15) quantile for a p-value of 10⁻¹⁰ (Wilson–Hilferty: 15·(1 − 2/135 + 6.36·√(2/135))³ ≈ 82). The test
    /// suite runs thousands of these, some on as few as 100 values, where the statistic's tail is heavier than χ²'s (a
    /// simulation of 3·10⁵ uniform 100-samples exceeded the 10⁻⁶ quantile 57.4 at 3.3·10⁻⁶): at 82 a uniform sample
    /// fails one of them in a CI run with probability well under 10⁻⁴. A real leak scores in the hundreds to the tens of
    /// thousands (the planted leaks in the audit tests).
    /// </summary>
    public const double Threshold = 82;

    /// <summary>Fewer samples than this and the χ² approximation is not trusted (5 per bucket).</summary>
    public const int MinSamples = 5 * Buckets;

    public static double ChiSquare(IReadOnlyCollection<ulong> values)
    {
        var counts = new long[Buckets];
        foreach (ulong v in values)
            counts[(int)((UInt128)(v % PrimeField.P) * Buckets / PrimeField.P)]++;
        double expected = values.Count / (double)Buckets;
        return counts.Sum(c => (c - expected) * (c - expected) / expected);
    }

    /// <summary>A finding when <paramref name="values"/> do not look uniform over Z_p (null when they do or are too few to tell).</summary>
    public static string? Uniform(IReadOnlyCollection<ulong> values, string what)
    {
        if (values.Count < MinSamples)
            return null;
        double chi = ChiSquare(values);
        return chi < Threshold ? null : $"{what}: not uniform over Z_p (χ² = {chi:F1} over {values.Count} values, threshold {Threshold})";
    }

    /// <summary>How many entries are zero (a mask that is zero there leaves the secret in the clear).</summary>
    public static int Zeros(ReadOnlySpan<ulong> values)
    {
        int zeros = 0;
        foreach (ulong v in values)
            if (v == 0) zeros++;
        return zeros;
    }
}
