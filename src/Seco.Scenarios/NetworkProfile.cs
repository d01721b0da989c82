namespace Seco.Scenarios;

/// <summary>
/// A named network preset giving the latency and bandwidth of every link unless a scenario
/// overrides them. <see cref="Lan"/> is a data-centre LAN, <see cref="Wan"/> a link between
/// regions; the figures are the usual ones for such settings in secure-inference papers.
/// </summary>
public sealed record NetworkProfile
{
    public NetworkProfile(string name, LinkCharacteristics link)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(link);
        Name = name;
        Link = link;
    }

    public string Name { get; }

    public LinkCharacteristics Link { get; }

    /// <summary>lan: 0.5 ms one-way latency, 1000 Mbit/s.</summary>
    public static NetworkProfile Lan { get; } = new("lan", new LinkCharacteristics(0.5, 1000));

    /// <summary>wan: 40 ms one-way latency, 100 Mbit/s.</summary>
    public static NetworkProfile Wan { get; } = new("wan", new LinkCharacteristics(40, 100));

    /// <summary>
    /// paper-wan: 20 ms one-way latency, 200 Mbit/s — our stated assumption for the SECO paper's testbed ("WLAN",
    /// four instances in Australia or North America; it gives no figures): instances of one cloud provider within a
    /// continent (docs/paper-reproduction.md).
    /// </summary>
    public static NetworkProfile PaperWan { get; } = new("paper-wan", new LinkCharacteristics(20, 200));

    public static NetworkProfile Default => Lan;

    public static IReadOnlyList<NetworkProfile> All { get; } = [Lan, Wan, PaperWan];

    /// <summary>The preset called <paramref name="name"/> (exact, lower-case), if any.</summary>
    public static NetworkProfile? Find(string name) => All.FirstOrDefault(p => p.Name == name);
}
