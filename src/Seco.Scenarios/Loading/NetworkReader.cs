namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads <c>network</c>: a preset, network-wide overrides, and per-link values whose endpoints
/// must be parties of the hierarchy.
/// </summary>
internal static class NetworkReader
{
    /// <param name="parties">The hierarchy's parties, or null if they could not all be read (then endpoints are not checked).</param>
    public static NetworkSpec? Read(LoadContext context, SourceNode? node, string path, PartyList? parties)
    {
        if (node is null)
            return NetworkSpec.Default;
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "profile", "latency_ms", "bandwidth_mbps", "links");

        NetworkProfile? profile = NetworkProfile.Default;
        if (fields.Get("profile") is { } profileNode && context.ReadString(profileNode, fields.PathOf("profile")) is { } name)
        {
            profile = NetworkProfile.Find(name);
            if (profile is null)
                context.Error(profileNode.Location, fields.PathOf("profile"),
                    $"unknown profile '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, NetworkProfile.All.Select(p => p.Name).ToList(), "known profiles"));
        }
        double? latency = fields.Get("latency_ms") is { } l ? context.ReadNumber(l, fields.PathOf("latency_ms"), 0, exclusive: false) : null;
        double? bandwidth = fields.Get("bandwidth_mbps") is { } b ? context.ReadNumber(b, fields.PathOf("bandwidth_mbps"), 0, exclusive: true) : null;

        var links = new List<LinkSpec>();
        if (fields.Get("links") is { } linksNode && context.ExpectSequence(linksNode, fields.PathOf("links")) is { } list)
        {
            // Where each unordered pair was first given; a dictionary, as a file may hold thousands of links.
            var seen = new Dictionary<(string, string), SourceLocation>();
            for (int i = 0; i < list.Items.Count; i++)
            {
                string linkPath = FieldPath.Index(fields.PathOf("links"), i);
                context.Record(linkPath, list.Items[i]);
                if (ReadLink(context, list.Items[i], linkPath, parties, seen) is { } link)
                    links.Add(link);
            }
        }

        if (context.ErrorCount > before || profile is null)
            return null;
        var defaults = new LinkCharacteristics(latency ?? profile.Link.LatencyMs, bandwidth ?? profile.Link.BandwidthMbps);
        return new NetworkSpec(profile, defaults, links);
    }

    private static LinkSpec? ReadLink(LoadContext context, SourceNode node, string path, PartyList? parties,
        Dictionary<(string, string), SourceLocation> seen)
    {
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "between", "latency_ms", "bandwidth_mbps");

        (string, string)? ends = fields.Require("between") is { } between ? ReadEnds(context, between, fields.PathOf("between"), parties, seen) : null;
        double? latency = fields.Get("latency_ms") is { } l ? context.ReadNumber(l, fields.PathOf("latency_ms"), 0, exclusive: false) : null;
        double? bandwidth = fields.Get("bandwidth_mbps") is { } b ? context.ReadNumber(b, fields.PathOf("bandwidth_mbps"), 0, exclusive: true) : null;
        if (!fields.Has("latency_ms") && !fields.Has("bandwidth_mbps"))
            context.Error(mapping.Location, path, "a link must set latency_ms, bandwidth_mbps or both");

        if (context.ErrorCount > before || ends is not var (first, second))
            return null;
        return new LinkSpec(first, second, latency, bandwidth);
    }

    private static (string, string)? ReadEnds(LoadContext context, SourceNode node, string path, PartyList? parties,
        Dictionary<(string, string), SourceLocation> seen)
    {
        if (PartyReference.ReadPair(context, node, path, parties) is not var (first, second))
            return null;
        if (!seen.TryAdd(LinkSpec.PairKey(first, second), node.Location))
        {
            context.Error(node.Location, path, $"duplicate link {first}-{second} (first given at {seen[LinkSpec.PairKey(first, second)]})");
            return null;
        }
        return (first, second);
    }
}
