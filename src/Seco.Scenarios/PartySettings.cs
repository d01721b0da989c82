namespace Seco.Scenarios;

/// <summary>
/// How the simulator treats one party (docs/scenarios.md, "parties"). <see cref="CpuSlowdown"/>
/// scales the party's measured compute time: 4 = four times slower than the machine running the
/// simulation, 0.5 = twice as fast. <see cref="NicMbps"/>, when set, is the rate of the party's
/// network interface in Mbit/s (10^6 bit/s), shared by all its links in both directions; null
/// means no limit beyond the links' own bandwidth. <see cref="Cores"/> is how many cores the party's data-parallel
/// kernels may use (issue 22): the simulator runs them one after another and credits the time c cores would save.
/// </summary>
public sealed record PartySettings(double CpuSlowdown, double? NicMbps, int Cores = PartySettings.DefaultCores)
{
    public const double DefaultCpuSlowdown = 1;

    public const int DefaultCores = 1;

    /// <summary>The most cores a party may have (a large server; keeps a typo such as 8000 from passing).</summary>
    public const int MaxCores = 256;

    /// <summary>No slowdown, no interface limit: a party the scenario does not mention.</summary>
    public static PartySettings Default { get; } = new(DefaultCpuSlowdown, null);

    public double CpuSlowdown { get; } = double.IsFinite(CpuSlowdown) && CpuSlowdown > 0
        ? CpuSlowdown
        : throw new ArgumentOutOfRangeException(nameof(CpuSlowdown), CpuSlowdown, "CPU slowdown must be a finite number > 0");

    public double? NicMbps { get; } = NicMbps is not { } rate || (double.IsFinite(rate) && rate > 0)
        ? NicMbps
        : throw new ArgumentOutOfRangeException(nameof(NicMbps), NicMbps, "interface rate must be a finite number > 0 Mbit/s");

    public int Cores { get; } = Cores is >= 1 and <= MaxCores
        ? Cores
        : throw new ArgumentOutOfRangeException(nameof(Cores), Cores, $"cores must be between 1 and {MaxCores}");
}
