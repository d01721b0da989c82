namespace Seco.Scenarios;

/// <summary>
/// How the simulator treats one party (docs/scenarios.md, "parties"). <see cref="CpuSlowdown"/>
/// scales the party's measured compute time: 4 = four times slower than the machine running the
/// simulation, 0.5 = twice as fast. <see cref="NicMbps"/>, when set, is the rate of the party's
/// network interface in Mbit/s (10^6 bit/s), shared by all its links in both directions; null
/// means no limit beyond the links' own bandwidth.
/// </summary>
public sealed record PartySettings(double CpuSlowdown, double? NicMbps)
{
    public const double DefaultCpuSlowdown = 1;

    /// <summary>No slowdown, no interface limit: a party the scenario does not mention.</summary>
    public static PartySettings Default { get; } = new(DefaultCpuSlowdown, null);

    public double CpuSlowdown { get; } = double.IsFinite(CpuSlowdown) && CpuSlowdown > 0
        ? CpuSlowdown
        : throw new ArgumentOutOfRangeException(nameof(CpuSlowdown), CpuSlowdown, "CPU slowdown must be a finite number > 0");

    public double? NicMbps { get; } = NicMbps is not { } rate || (double.IsFinite(rate) && rate > 0)
        ? NicMbps
        : throw new ArgumentOutOfRangeException(nameof(NicMbps), NicMbps, "interface rate must be a finite number > 0 Mbit/s");
}
