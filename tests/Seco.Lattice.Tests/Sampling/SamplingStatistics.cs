namespace Seco.Lattice.Tests.Sampling;

internal static class SamplingStatistics
{
    /// <summary>Pearson χ² statistic of values in [0, q) against the uniform distribution.</summary>
    public static double ChiSquareUniform(ReadOnlySpan<ulong> values, int q)
    {
        var counts = new long[q];
        foreach (ulong v in values)
        {
            Assert.True(v < (ulong)q);
            counts[v]++;
        }

        double expected = (double)values.Length / q;
        double chi = 0;
        foreach (long c in counts)
        {
            chi += (c - expected) * (c - expected) / expected;
        }

        return chi;
    }

    /// <summary>Signed value of residue r mod q, taken in (−q/2, q/2].</summary>
    public static long Centered(ulong r, ulong q) => r > q / 2 ? (long)r - (long)q : (long)r;
}
