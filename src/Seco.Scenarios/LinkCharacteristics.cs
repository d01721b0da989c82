namespace Seco.Scenarios;

/// <summary>
/// What the network simulator charges for a message on a link: a one-way latency plus its size
/// divided by the bandwidth. Bandwidth is in megabits per second, 1 Mbit/s = 10^6 bit/s.
/// </summary>
public sealed record LinkCharacteristics
{
    public LinkCharacteristics(double latencyMs, double bandwidthMbps)
    {
        if (!double.IsFinite(latencyMs) || latencyMs < 0)
            throw new ArgumentOutOfRangeException(nameof(latencyMs), latencyMs, "latency must be a finite number >= 0 ms");
        if (!double.IsFinite(bandwidthMbps) || bandwidthMbps <= 0)
            throw new ArgumentOutOfRangeException(nameof(bandwidthMbps), bandwidthMbps, "bandwidth must be a finite number > 0 Mbit/s");
        LatencyMs = latencyMs;
        BandwidthMbps = bandwidthMbps;
    }

    /// <summary>One-way latency in milliseconds.</summary>
    public double LatencyMs { get; }

    /// <summary>Bandwidth in Mbit/s (10^6 bits per second).</summary>
    public double BandwidthMbps { get; }

    public TimeSpan Latency => TimeSpan.FromMilliseconds(LatencyMs);

    public double BytesPerSecond => BandwidthMbps * 1e6 / 8;
}
