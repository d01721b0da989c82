using System.Collections.Immutable;

namespace Seco.Scenarios;

/// <summary>
/// Who takes part: the user (always named <see cref="PartyName.User"/>), the gateway the user
/// talks to, and the tiers of remote servers, nearest the gateway first. The structure is general
/// (any number of tiers, any number of servers per tier); what a protocol version can actually
/// run is checked separately (<see cref="ScenarioRequirements"/>).
/// </summary>
public sealed record Hierarchy
{
    public const string DefaultGateway = "A";

    public Hierarchy(string gateway, IEnumerable<Tier> tiers)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        ArgumentNullException.ThrowIfNull(tiers);
        if (PartyName.ProblemWithServerName(gateway) is { } problem)
            throw new ArgumentException($"gateway: {problem}", nameof(gateway));
        ImmutableArray<Tier> list = [.. tiers];
        if (list.IsEmpty)
            throw new ArgumentException("a hierarchy needs at least one tier", nameof(tiers));

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { PartyName.User };
        foreach (string party in list.SelectMany(t => t.Servers).Prepend(gateway))
        {
            if (!seen.Add(party))
                throw new ArgumentException($"duplicate party name '{party}'", nameof(tiers));
        }
        var tierNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (Tier tier in list)
        {
            if (!tierNames.Add(tier.Name))
                throw new ArgumentException($"duplicate tier name '{tier.Name}'", nameof(tiers));
        }

        Gateway = gateway;
        Tiers = list;
        Parties = ImmutableArray.CreateRange(list.SelectMany(t => t.Servers).Prepend(gateway).Prepend(PartyName.User));
        _parties = new HashSet<string>(Parties, StringComparer.Ordinal);
    }

    // For Contains: scenarios built from files may name tens of thousands of parties and look each
    // link and failure up; a list scan per lookup made loading quadratic.
    private readonly HashSet<string> _parties;

    public string Gateway { get; }

    public IReadOnlyList<Tier> Tiers { get; }

    /// <summary>Every party: "user", the gateway, then each tier's servers in file order.</summary>
    public IReadOnlyList<string> Parties { get; }

    /// <summary>True for "user", the gateway or any server (exact, case-sensitive match).</summary>
    public bool Contains(string party) => _parties.Contains(party);
}
