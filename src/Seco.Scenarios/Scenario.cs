namespace Seco.Scenarios;

/// <summary>
/// One experiment, as read from a scenario file (docs/scenarios.md): which model, split where,
/// across which hierarchy, over which simulated network, on which queries, with which crypto
/// parameters. Immutable; paths are absolute and every default is applied.
/// </summary>
public sealed record Scenario
{
    public Scenario(
        string name,
        string? description,
        ModelSpec model,
        int split,
        Hierarchy hierarchy,
        NetworkSpec network,
        QuerySpec queries,
        CryptoPreset crypto,
        ulong? seed,
        SourceMap source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(split);
        ArgumentNullException.ThrowIfNull(hierarchy);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(crypto);
        ArgumentNullException.ThrowIfNull(source);
        foreach (LinkSpec link in network.Links)
        {
            foreach (string party in new[] { link.First, link.Second })
            {
                if (!hierarchy.Contains(party))
                    throw new ArgumentException($"link {link.First}-{link.Second}: unknown party '{party}'", nameof(network));
            }
        }
        Name = name;
        Description = description;
        Model = model;
        Split = split;
        Hierarchy = hierarchy;
        Network = network;
        Queries = queries;
        Crypto = crypto;
        Seed = seed;
        Source = source;
    }

    public string Name { get; }

    public string? Description { get; }

    public ModelSpec Model { get; }

    /// <summary>
    /// How many layer blocks (a run of linear layers and the ReLU after it) the gateway evaluates
    /// in plaintext; 0 = everything remote. Not yet checked against the model's block count.
    /// </summary>
    public int Split { get; }

    public Hierarchy Hierarchy { get; }

    public NetworkSpec Network { get; }

    public QuerySpec Queries { get; }

    public CryptoPreset Crypto { get; }

    /// <summary>
    /// Fixed seed for every random source — tests and replay only: it makes the run deterministic
    /// and therefore insecure. Null (the default) means OS randomness.
    /// </summary>
    public ulong? Seed { get; }

    /// <summary>Where each field came from, for errors found after loading.</summary>
    public SourceMap Source { get; }

    /// <summary>
    /// The effective latency and bandwidth between two parties of this scenario, in either order.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not "user", the gateway or a server, or both are the same.</exception>
    public LinkCharacteristics LinkBetween(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (!Hierarchy.Contains(a))
            throw new ArgumentException($"unknown party '{a}' (parties: {string.Join(", ", Hierarchy.Parties)})", nameof(a));
        if (!Hierarchy.Contains(b))
            throw new ArgumentException($"unknown party '{b}' (parties: {string.Join(", ", Hierarchy.Parties)})", nameof(b));
        return Network.LinkBetween(a, b);
    }
}
