using Seco.Protocol.Model;
using Seco.Protocol.Roles;

namespace Seco.Protocol.Tests.Audit;

/// <summary>
/// A set of parties that pool their views, keys and randomness (a single party is a coalition of one). Named like
/// "A+T1.0+T2.1": "U" the user, "A" the gateway, "T{t}.{j}" server j of tier t ("B" and "C" for T1.0 and T1.1).
/// The threat model (docs/hierarchy.md, Security) allows any coalition that contains neither the user together with
/// anyone, nor for some tier t both its garbler (T{t}.0) and its evaluator (T{t}.1).
/// </summary>
internal sealed class Coalition
{
    public Coalition(IEnumerable<Party> members)
    {
        Members = [.. members.Distinct().Order()];
        if (Members.Count == 0)
            throw new ArgumentException("a coalition has at least one member");
        Name = string.Join("+", Members.Select(NameOf));
    }

    /// <summary>The members in party order (user, A, tier 1's servers, tier 2's, …).</summary>
    public IReadOnlyList<Party> Members { get; }

    public string Name { get; }

    public bool HasGateway => Members.Contains(Party.Gateway);

    public bool Contains(Party party) => Members.Contains(party);

    /// <summary>The members that are servers of tier <paramref name="tier"/>.</summary>
    public IEnumerable<Party> ServersOf(int tier) => Members.Where(p => p.IsServer && p.Tier == tier);

    /// <summary>True when the threat model allows it: not the user with anyone, no tier's garbler with its evaluator.</summary>
    public bool Allowed => !(Members.Contains(Party.User) && Members.Count > 1) && !Members.Any(p => p.IsServer && HoldsGarblerAndEvaluator(p.Tier));

    /// <summary>
    /// Allowed under <paramref name="protocol"/>: SECO's rule (<see cref="Allowed"/>), or DELPHI-3's — not the user with
    /// anyone, not B with A (garbler and circuit evaluator decode every wire), not B with C (all of F_BC's weight shares).
    /// </summary>
    public bool AllowedUnder(FbcProtocol protocol) => protocol == FbcProtocol.Seco ? Allowed
        : !(Members.Contains(Party.User) && Members.Count > 1) && !(Contains(Party.Server(1, 0)) && (Contains(Party.Gateway) || Contains(Party.Server(1, 1))));

    /// <summary>Tier <paramref name="tier"/>'s garbler and the party evaluating its circuits (its evaluator; A in DELPHI-3) are both members: they decode every wire.</summary>
    public bool DecodesWires(SecoParameters p, int tier) => Contains(Party.Server(tier, 0)) && Contains(p.CircuitEvaluator(tier));

    /// <summary>Tier <paramref name="tier"/>'s garbler and evaluator are both members: together they decode every wire of that tier's circuits.</summary>
    public bool HoldsGarblerAndEvaluator(int tier) => Contains(Party.Server(tier, 0)) && Contains(Party.Server(tier, 1));

    public Coalition With(params IEnumerable<Party> parties) => new([.. Members, .. parties]);

    public override string ToString() => Name;

    public static Coalition Of(Party party) => new([party]);

    /// <summary>Parses "A+T1.0+T2.1" (also "U", "B", "C", "User", "Gateway", "Garbler", "Evaluator").</summary>
    public static Coalition Parse(string name) => new(name.Split('+', StringSplitOptions.TrimEntries).Select(ParseParty));

    public static string NameOf(Party party) => party.IsUser ? "U" : party.IsGateway ? "A" : $"T{party.Tier}.{party.Index}";

    private static Party ParseParty(string name) => name switch
    {
        "U" => Party.User,
        "A" => Party.Gateway,
        "B" => Party.Garbler,
        "C" => Party.Evaluator,
        _ => TestParties.Of(name),
    };

    /// <summary>Every server of every tier.</summary>
    public static IEnumerable<Party> AllServers(SecoParameters p) =>
        p.Tiers.SelectMany(t => Enumerable.Range(0, t.Servers).Select(j => Party.Server(t.Tier, j)));

    /// <summary>
    /// The maximal coalitions the threat model allows besides the user alone: A and every server, less, in each tier,
    /// either its garbler or its evaluator (2^D of them); in DELPHI-3, A+C and B. Every allowed coalition without the user is a subset of one,
    /// and a subset learns nothing its superset does not.
    /// </summary>
    public static List<Coalition> Maximal(SecoParameters p)
    {
        // DELPHI-3 (one tier, A evaluates): A+C, and B alone — B with A decodes every wire, B with C holds all the weights.
        if (p.Protocol == FbcProtocol.Delphi3 && p.HasRemoteTier)
            return [new([Party.Gateway, Party.Server(1, 1)]), new([Party.Server(1, 0)])];
        var result = new List<Coalition> { new([Party.Gateway, .. AllServers(p)]) };
        foreach (TierShape tier in p.Tiers)
        {
            result = [.. result.SelectMany(c => new[] { 0, 1 }.Select(drop => new Coalition(c.Members.Where(m => m != Party.Server(tier.Tier, drop)))))];
        }
        return result;
    }

    /// <summary>The maximal allowed coalitions that contain <paramref name="party"/> (none for the user, who may collude with no one).</summary>
    public static List<Coalition> MaximalWith(SecoParameters p, Party party) =>
        party.IsUser ? [] : [.. Maximal(p).Where(c => c.Contains(party))];
}
