namespace Seco.Scenarios;

/// <summary>
/// Per-link values for the unordered pair {<see cref="First"/>, <see cref="Second"/>}. A value
/// left null takes the network-wide default.
/// </summary>
public sealed record LinkSpec
{
    public LinkSpec(string first, string second, double? latencyMs, double? bandwidthMbps)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first == second)
            throw new ArgumentException($"a link needs two different parties, got '{first}' twice", nameof(second));
        if (latencyMs is null && bandwidthMbps is null)
            throw new ArgumentException($"link {first}-{second} must set a latency, a bandwidth or both");
        if (latencyMs is { } l && (!double.IsFinite(l) || l < 0))
            throw new ArgumentOutOfRangeException(nameof(latencyMs), l, "latency must be a finite number >= 0 ms");
        if (bandwidthMbps is { } b && (!double.IsFinite(b) || b <= 0))
            throw new ArgumentOutOfRangeException(nameof(bandwidthMbps), b, "bandwidth must be a finite number > 0 Mbit/s");
        First = first;
        Second = second;
        LatencyMs = latencyMs;
        BandwidthMbps = bandwidthMbps;
    }

    public string First { get; }

    public string Second { get; }

    public double? LatencyMs { get; }

    public double? BandwidthMbps { get; }

    /// <summary>True if this link joins <paramref name="a"/> and <paramref name="b"/>, in either order.</summary>
    /// <summary>The unordered pair {a, b} as a key for sets: the same for (a, b) and (b, a).</summary>
    internal static (string, string) PairKey(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? (a, b) : (b, a);

    public bool Joins(string a, string b) =>
        (First == a && Second == b) || (First == b && Second == a);

    /// <summary>This link's values, each missing one taken from <paramref name="defaults"/>.</summary>
    public LinkCharacteristics Over(LinkCharacteristics defaults) =>
        new(LatencyMs ?? defaults.LatencyMs, BandwidthMbps ?? defaults.BandwidthMbps);
}
