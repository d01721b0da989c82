using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads a sweep's <c>grid</c>: one key per axis, in file order (the first varies slowest). An axis is one value
/// or a list of values; <c>servers_per_tier</c> and <c>network</c> values may themselves be lists, one entry per
/// tier; <c>split: all</c> stands for every valid split of each model.
/// </summary>
internal static class GridReader
{
    /// <summary>
    /// Bounds that keep a generated hierarchy readable and a typo (<c>tiers: [100]</c>) from building thousands
    /// of parties; the scenario format itself has no such bound.
    /// </summary>
    public const int MaxTiers = 32, MaxWidth = 32;

    public const string All = "all";

    public static IReadOnlyList<SweepAxis>? Read(LoadContext context, SourceNode node, string path)
    {
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, [.. AxisNames.All]);
        if (mapping.Entries.Count == 0)
            context.Error(mapping.Location, path, $"a grid needs at least one axis ({string.Join(", ", AxisNames.All)})");
        var axes = new List<SweepAxis>();
        var seen = new HashSet<AxisKind>();
        // File order, not the reader's: the first axis is the outermost loop. Unknown and duplicate keys were reported.
        foreach (var (key, _) in mapping.Entries)
        {
            if (key is not SourceScalar { Kind: not ScalarKind.Null } k || AxisNames.Find(k.Value) is not { } kind || !seen.Add(kind))
                continue;
            if (ReadAxis(context, kind, fields.Get(k.Value)!, fields.PathOf(k.Value)) is { } axis)
                axes.Add(axis);
        }
        return context.ErrorCount > before ? null : axes;
    }

    private static SweepAxis? ReadAxis(LoadContext context, AxisKind kind, SourceNode node, string path)
    {
        if (node is SourceScalar { Value: All, IsQuoted: false })
        {
            if (kind == AxisKind.Split)
                return new SweepAxis(kind, [], path, allSplits: true);
            context.Error(node.Location, path, $"'{All}' is only for split (every valid split point of each model)");
            return null;
        }
        int before = context.ErrorCount;
        var values = new List<AxisValue>();
        if (node is SourceSequence list)
        {
            if (list.Items.Count == 0)
                context.Error(node.Location, path, "an axis needs at least one value");
            for (int i = 0; i < list.Items.Count; i++)
            {
                string itemPath = FieldPath.Index(path, i);
                context.Record(itemPath, list.Items[i]);
                if (ReadValue(context, kind, list.Items[i], itemPath) is { } value)
                    Add(context, values, value, list.Items[i]);
            }
        }
        else if (ReadValue(context, kind, node, path) is { } single)
            values.Add(single);
        return context.ErrorCount > before ? null : new SweepAxis(kind, values, path);
    }

    /// <summary>Refuses a repeated value: two rows of results.csv would be the same point.</summary>
    private static void Add(LoadContext context, List<AxisValue> values, AxisValue value, SourceNode node)
    {
        AxisValue? same = values.FirstOrDefault(v => v.Label == value.Label);
        if (same is null)
        {
            values.Add(value);
            return;
        }
        string first = context.SourceMap().Locate(same.FieldPath).ToString();
        context.Error(node.Location, value.FieldPath, same is ModelValue m && value is ModelValue n && m.Path != n.Path
            ? $"two models named '{SourceScalar.Shorten(value.Label)}' (the other at {first}); results.csv and the charts name a model by its file name, so rename one"
            : $"value '{SourceScalar.Shorten(value.Label)}' repeated (first given at {first})");
    }

    private static AxisValue? ReadValue(LoadContext context, AxisKind kind, SourceNode node, string path)
    {
        if (node is SourceScalar { Value: All, IsQuoted: false })
        {
            context.Error(node.Location, path, kind == AxisKind.Split
                ? $"'{All}' stands alone: write 'split: {All}' for every split point, or list the split points"
                : $"'{All}' is only for split (every valid split point of each model)");
            return null;
        }
        switch (kind)
        {
            case AxisKind.Model:
                return context.ReadExistingFile(node, path) is { } file ? new ModelValue(file, path) : null;
            case AxisKind.Split:
                return Count(context.ReadInt(node, path, 0), path);
            case AxisKind.Tiers:
                return Count(context.ReadInt(node, path, 1, MaxTiers), path);
            case AxisKind.Queries:
                return Count(context.ReadInt(node, path, 1, QuerySpec.MaxCount), path);
            case AxisKind.ServersPerTier when node is SourceSequence perTier:
                var widths = PerTier(context, perTier, path, (n, p) => Count(context.ReadInt(n, p, Tier.MinServers, MaxWidth), p));
                return widths is null ? null : new WidthsValue([.. widths.Select(w => w.Value)], path);
            case AxisKind.ServersPerTier:
                return Count(context.ReadInt(node, path, Tier.MinServers, MaxWidth), path);
            case AxisKind.Network when node is SourceSequence perTier:
                var profiles = PerTier(context, perTier, path, (n, p) => Profile(context, n, p));
                return profiles is null ? null : new NetworkValue([.. profiles], PerTier: true, path);
            case AxisKind.Network:
                return Profile(context, node, path) is { } profile ? new NetworkValue([profile], PerTier: false, path) : null;
            case AxisKind.Protocol:
                return ProtocolReader.Read(context, node, path) is { } protocol ? new ProtocolValue(protocol, path) : null;
            case AxisKind.Users:
                return Count(context.ReadInt(node, path, 1, Protocol.Roles.Party.MaxUsers), path);
            case AxisKind.Rate:
                return context.ReadNumber(node, path, 0, exclusive: true) is { } rate ? new RateValue(rate, path) : null;
            case AxisKind.Pool:
                return Count(context.ReadInt(node, path, 0, LoadSpec.MaxPool), path);
            case AxisKind.Cores:
                return Count(context.ReadInt(node, path, 1, PartySettings.MaxCores), path);
            case AxisKind.Schedule:
                if (context.ReadString(node, path) is not { } how) return null;
                if (LoadSpec.ScheduleNames.ToList().IndexOf(how) is int k and >= 0) return new ScheduleValue((QuerySchedule)k, path);
                context.Error(node.Location, path, $"unknown schedule '{SourceScalar.Shorten(how)}': sequential or pipelined");
                return null;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private static CountValue? Count(int? value, string path) => value is { } v ? new CountValue(v, path) : null;

    /// <summary>A list with one entry per tier, nearest the gateway first.</summary>
    private static List<T>? PerTier<T>(LoadContext context, SourceSequence list, string path, Func<SourceNode, string, T?> read) where T : class
    {
        if (list.Items.Count is 0 or > MaxTiers)
        {
            context.Error(list.Location, path, $"a per-tier list needs 1 to {MaxTiers} entries, one per tier; got {list.Items.Count}");
            return null;
        }
        int before = context.ErrorCount;
        var result = new List<T>();
        for (int i = 0; i < list.Items.Count; i++)
        {
            string itemPath = FieldPath.Index(path, i);
            context.Record(itemPath, list.Items[i]);
            if (read(list.Items[i], itemPath) is { } value) result.Add(value);
        }
        return context.ErrorCount > before ? null : result;
    }

    private static NetworkProfile? Profile(LoadContext context, SourceNode node, string path)
    {
        if (context.ReadString(node, path) is not { } name)
            return null;
        if (NetworkProfile.Find(name) is { } profile)
            return profile;
        context.Error(node.Location, path,
            $"unknown profile '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, NetworkProfile.All.Select(p => p.Name).ToList(), "known profiles"));
        return null;
    }
}
