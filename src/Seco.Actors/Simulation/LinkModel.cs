namespace Seco.Actors.Simulation;

/// <summary>
/// One direction of a simulated link: one-way latency and bandwidth (1 Mbit/s = 10^6 bit/s). A link sends
/// one message at a time, first in first out; a message of b bytes occupies it for ⌈8·b / bandwidth⌉ ns and
/// arrives one latency after its last bit left.
/// </summary>
public sealed record LinkModel
{
    public LinkModel(double latencyMs, double bandwidthMbps)
    {
        if (!double.IsFinite(latencyMs) || latencyMs < 0)
            throw new ArgumentOutOfRangeException(nameof(latencyMs), latencyMs, "latency must be a finite number >= 0 ms");
        if (!double.IsFinite(bandwidthMbps) || bandwidthMbps <= 0 || bandwidthMbps > 1e7)
            throw new ArgumentOutOfRangeException(nameof(bandwidthMbps), bandwidthMbps, "bandwidth must be > 0 and at most 10^7 Mbit/s");
        LatencyMs = latencyMs;
        BandwidthMbps = bandwidthMbps;
        LatencyNs = (long)Math.Round(latencyMs * 1e6);
        BitsPerSecond = Math.Max(1, (long)Math.Round(bandwidthMbps * 1e6));
    }

    public double LatencyMs { get; }

    public double BandwidthMbps { get; }

    public long LatencyNs { get; }

    public long BitsPerSecond { get; }

    /// <summary>Time on the wire for <paramref name="bytes"/>, rounded up to whole nanoseconds (exact integer arithmetic).</summary>
    public long TransmitNs(long bytes) => TransmitNs(bytes, BitsPerSecond);

    internal static long TransmitNs(long bytes, long bitsPerSecond)
    {
        UInt128 bitNs = (UInt128)(ulong)bytes * 8u * 1_000_000_000u;
        UInt128 q = bitNs / (ulong)bitsPerSecond;
        if (q * (ulong)bitsPerSecond != bitNs) q++;
        return checked((long)(ulong)q);
    }

    /// <summary>lan: 0.5 ms, 1000 Mbit/s (servers in one data centre; the scenario format's preset).</summary>
    public static LinkModel Lan { get; } = new(0.5, 1000);

    /// <summary>wan: 40 ms, 100 Mbit/s (servers in different regions).</summary>
    public static LinkModel Wan { get; } = new(40, 100);
}

/// <summary>
/// A simulated party's machine: CPU slowdown (4 = computes four times slower than this machine) and an
/// optional NIC rate in Mbit/s shared by all its links, in each direction.
/// </summary>
public sealed record PartyModel
{
    public PartyModel(double cpuSlowdown = 1.0, double? nicMbps = null)
    {
        if (!double.IsFinite(cpuSlowdown) || cpuSlowdown <= 0)
            throw new ArgumentOutOfRangeException(nameof(cpuSlowdown), cpuSlowdown, "CPU slowdown must be a finite number > 0");
        if (nicMbps is { } n && (!double.IsFinite(n) || n <= 0 || n > 1e7))
            throw new ArgumentOutOfRangeException(nameof(nicMbps), nicMbps, "NIC rate must be > 0 and at most 10^7 Mbit/s");
        CpuSlowdown = cpuSlowdown;
        NicMbps = nicMbps;
    }

    public double CpuSlowdown { get; }

    public double? NicMbps { get; }

    internal long? NicBitsPerSecond => NicMbps is { } n ? Math.Max(1, (long)Math.Round(n * 1e6)) : null;

    public static PartyModel Default { get; } = new();
}
