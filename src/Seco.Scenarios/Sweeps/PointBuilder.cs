using System.Globalization;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// Builds one point's scenario: the base scenario with each axis's part replaced (docs/sweeps.md, "Points").
/// When the grid has <c>tiers</c> or <c>servers_per_tier</c>, every point gets a generated hierarchy: the base's
/// gateway, then tiers <c>tier1</c>, <c>tier2</c>, … whose servers are named <c>T{t}S{j}</c> (1-based; S1
/// garbles, S2 evaluates), so a column such as <c>T1S1.bytes_sent</c> means the same server in every point.
/// </summary>
public static class PointBuilder
{
    public static string ServerName(int tier, int index) => $"T{tier}S{index}";

    public static string TierName(int tier) => $"tier{tier}";

    /// <summary>The point's scenario, or null after adding to <paramref name="errors"/> why it cannot be built.</summary>
    /// <param name="label">The point as named in errors: "point 3 (model=lenet, split=2)".</param>
    public static Scenario? Build(Sweep sweep, IReadOnlyList<AxisValue> values, int number, string label, List<ScenarioError> errors)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(values);
        Scenario b = sweep.Base;
        T? Value<T>(AxisKind kind) where T : AxisValue =>
            sweep.Axes.Select((a, i) => (a, i)).Where(p => p.a.Kind == kind).Select(p => values[p.i] as T).FirstOrDefault();
        void Fail(AxisValue? at, string message) =>
            errors.Add(sweep.Source.ErrorAt(at?.FieldPath ?? "grid", $"{label}: {message}"));

        ModelSpec model = Value<ModelValue>(AxisKind.Model) is { } m ? new ModelSpec(m.Path, b.Model!.FractionalBits) : b.Model!;
        int split = Value<CountValue>(AxisKind.Split)?.Value ?? b.Split;
        QuerySpec queries = Value<CountValue>(AxisKind.Queries) is { } q ? new QuerySpec(q.Value, b.Queries.Input) : b.Queries;
        LoadSpec load = b.Load;
        CountValue? usersValue = Value<CountValue>(AxisKind.Users);
        RateValue? rateValue = Value<RateValue>(AxisKind.Rate);
        ScheduleValue? scheduleValue = Value<ScheduleValue>(AxisKind.Schedule);
        CountValue? poolValue = Value<CountValue>(AxisKind.Pool);
        if (rateValue is not null && load.Arrivals != ArrivalProcess.Open)
            Fail(rateValue, "rate_per_s varies an open loop's rate: the base scenario needs 'load: { arrivals: open, rate_per_s: … }'");
        else if (usersValue is not null && usersValue.Value > queries.Count)
            Fail(usersValue, $"{usersValue.Value} users for {queries.Count} queries: each user sends at least one query");
        else if (usersValue is not null || rateValue is not null || scheduleValue is not null || poolValue is not null)
            load = load.With(usersValue?.Value, rateValue?.Value, scheduleValue?.Schedule, poolValue?.Value);

        Hierarchy hierarchy = b.Hierarchy;
        bool generated = sweep.Axis(AxisKind.Tiers) is not null || sweep.Axis(AxisKind.ServersPerTier) is not null;
        AxisValue? widthValue = Value<AxisValue>(AxisKind.ServersPerTier);
        CountValue? tierValue = Value<CountValue>(AxisKind.Tiers);
        if (generated)
        {
            int tiers = tierValue?.Value ?? (widthValue as WidthsValue)?.Widths.Length ?? b.Hierarchy.Tiers.Count;
            int[] widths = widthValue switch
            {
                WidthsValue w => [.. w.Widths],
                CountValue k => [.. Enumerable.Repeat(k.Value, tiers)],
                // Only the depth varies: every tier as wide as the base scenario's first.
                _ => [.. Enumerable.Repeat(b.Hierarchy.Tiers[0].Servers.Count, tiers)],
            };
            if (widths.Length != tiers)
            {
                Fail(widthValue, $"{widths.Length} widths for {tiers} tiers; give one per tier");
                return null;
            }
            hierarchy = Generate(b.Hierarchy.Gateway, widths);
        }

        NetworkSpec network = b.Network;
        NetworkValue? net = Value<NetworkValue>(AxisKind.Network);
        if (net is not null)
        {
            if (net.PerTier && net.Profiles.Length != hierarchy.Tiers.Count)
            {
                Fail(net, $"{net.Profiles.Length} network profiles for {hierarchy.Tiers.Count} tiers; give one per tier");
                return null;
            }
            network = net.PerTier ? PerTier(b.Network, hierarchy, net) : new NetworkSpec(net.Profiles[0]);
        }

        // The base's per-link values, party settings and failures name its own parties; a generated hierarchy may lack them.
        int before = errors.Count;
        void Named(string path, params string[] parties)
        {
            foreach (string party in parties.Where(p => !hierarchy.Contains(p)))
            {
                ScenarioError at = b.Source.ErrorAt(path, "");
                errors.Add(at with { Message = $"{label}: names '{party}', which this point's generated hierarchy does not have " +
                    $"(parties: {string.Join(", ", hierarchy.Parties.Take(12))}{(hierarchy.Parties.Count > 12 ? ", …" : "")}); " +
                    "remove it from the base scenario, or leave tiers and servers_per_tier out of the grid" });
            }
        }
        for (int i = 0; i < network.Links.Count && net is null; i++)
            Named($"network.links[{i}]", network.Links[i].First, network.Links[i].Second);
        foreach (string party in b.Parties.Keys)
            Named($"parties.{party}", party);
        for (int i = 0; i < b.Failures.Count; i++)
        {
            Named($"failures[{i}]", b.Failures[i] switch
            {
                StopParty s => [s.Party],
                DropLink d => [d.First, d.Second],
                _ => [],
            });
        }
        if (errors.Count > before)
            return null;
        // The cores axis gives every server (the gateway and each remote server) that many cores, keeping the rest of its
        // settings; the user keeps its own.
        IReadOnlyDictionary<string, PartySettings> parties = b.Parties;
        if (Value<CountValue>(AxisKind.Cores) is { } cores)
            parties = hierarchy.Parties.Where(p => p != PartyName.User || b.Parties.ContainsKey(p)).ToDictionary(p => p, p =>
            {
                PartySettings s = b.Parties.GetValueOrDefault(p) ?? PartySettings.Default;
                return p == PartyName.User ? s : new PartySettings(s.CpuSlowdown, s.NicMbps, cores.Value);
            });

        try
        {
            // A DELPHI point keeps its split as the SECO split it stands beside; preparing it puts every block on the gateway.
            return new Scenario($"{sweep.Name}-{number.ToString(CultureInfo.InvariantCulture)}", label, model, split, hierarchy, network, queries,
                b.Crypto, b.Seed, b.Source, b.Workload, parties, b.Failures, b.QueryBudget)
            { Forms = b.Forms, Protocol = Value<ProtocolValue>(AxisKind.Protocol)?.Protocol ?? b.Protocol, Load = load };
        }
        catch (ArgumentException e)
        {
            Fail(null, e.Message);
            return null;
        }
    }

    private static Hierarchy Generate(string gateway, IReadOnlyList<int> widths) =>
        new(gateway, widths.Select((k, t) => new Tier(TierName(t + 1), Enumerable.Range(1, k).Select(j => ServerName(t + 1, j)))));

    /// <summary>
    /// Tier t's profile on every link among its servers and between them and the tier above (the gateway for
    /// tier 1); every other link (the user's, links that skip a tier) keeps the base scenario's network-wide values.
    /// </summary>
    private static NetworkSpec PerTier(NetworkSpec baseNetwork, Hierarchy h, NetworkValue value)
    {
        var links = new List<LinkSpec>();
        for (int t = 0; t < h.Tiers.Count; t++)
        {
            LinkCharacteristics c = value.Profiles[t].Link;
            IReadOnlyList<string> servers = h.Tiers[t].Servers, above = t == 0 ? [h.Gateway] : h.Tiers[t - 1].Servers;
            for (int i = 0; i < servers.Count; i++)
            {
                foreach (string peer in above.Concat(servers.Skip(i + 1)))
                    links.Add(new LinkSpec(servers[i], peer, c.LatencyMs, c.BandwidthMbps));
            }
        }
        return new NetworkSpec(baseNetwork.Profile, baseNetwork.Defaults, links);
    }
}
