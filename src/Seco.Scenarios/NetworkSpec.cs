using System.Collections.Immutable;

namespace Seco.Scenarios;

/// <summary>
/// The simulated network: a preset, the defaults for every link (the preset's values with the
/// scenario's overrides applied) and per-link exceptions.
/// </summary>
public sealed record NetworkSpec
{
    public NetworkSpec(NetworkProfile profile, LinkCharacteristics defaults, IEnumerable<LinkSpec> links)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(links);
        ImmutableArray<LinkSpec> list = [.. links];
        // A set, not a scan of the earlier links: a file may hold tens of thousands.
        var seen = new HashSet<(string, string)>();
        foreach (LinkSpec link in list)
        {
            if (!seen.Add(LinkSpec.PairKey(link.First, link.Second)))
                throw new ArgumentException($"duplicate link {link.First}-{link.Second}", nameof(links));
        }
        Profile = profile;
        Defaults = defaults;
        Links = list;
    }

    /// <summary>A network with the preset's values on every link.</summary>
    public NetworkSpec(NetworkProfile profile) : this(profile, profile.Link, []) { }

    public static NetworkSpec Default { get; } = new(NetworkProfile.Default);

    public NetworkProfile Profile { get; }

    /// <summary>Latency and bandwidth of every link without its own entry in <see cref="Links"/>.</summary>
    public LinkCharacteristics Defaults { get; }

    public IReadOnlyList<LinkSpec> Links { get; }

    /// <summary>
    /// The effective latency and bandwidth between two parties (either order): the link's own
    /// values where it sets them, the defaults otherwise. Party names are not checked here (this
    /// object does not know the hierarchy); <see cref="Scenario.LinkBetween"/> checks them.
    /// </summary>
    public LinkCharacteristics LinkBetween(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a == b)
            throw new ArgumentException($"a link needs two different parties, got '{a}' twice", nameof(b));
        LinkSpec? own = Links.FirstOrDefault(l => l.Joins(a, b));
        return own is null ? Defaults : own.Over(Defaults);
    }
}
