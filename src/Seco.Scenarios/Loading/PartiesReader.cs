namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads <c>parties</c>: a mapping from party name (exact case) to
/// <c>{ cpu_slowdown, nic_mbps, cores }</c>, at least one of them per party.
/// </summary>
internal static class PartiesReader
{
    /// <param name="parties">The hierarchy's parties, or null if they could not all be read (then names are not checked).</param>
    public static IReadOnlyDictionary<string, PartySettings>? Read(LoadContext context, SourceNode? node, string path, PartyList? parties)
    {
        var settings = new Dictionary<string, PartySettings>(StringComparer.Ordinal);
        if (node is null)
            return settings;
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        foreach (var (party, key, value) in NamedEntries.Read(context, mapping, path, "party names", StringComparer.Ordinal))
        {
            string partyPath = FieldPath.Key(path, party);
            bool known = parties is null || parties.Contains(party);
            if (!known)
                context.Error(key.Location, partyPath, () => PartyReference.UnknownParty(party, parties!));
            // The settings are checked even for an unknown party, so that one run reports everything.
            if (ReadSettings(context, value, partyPath) is { } read && known)
                settings.Add(party, read);
        }
        return context.ErrorCount == before ? settings : null;
    }

    private static PartySettings? ReadSettings(LoadContext context, SourceNode node, string path)
    {
        if (node is not SourceMapping mapping)
        {
            context.TypeError(node, path, "a mapping such as { cpu_slowdown: 2, nic_mbps: 100, cores: 8 }");
            return null;
        }
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "cpu_slowdown", "nic_mbps", "cores");
        double? slowdown = fields.Get("cpu_slowdown") is { } c
            ? context.ReadNumber(c, fields.PathOf("cpu_slowdown"), 0, exclusive: true)
            : PartySettings.DefaultCpuSlowdown;
        double? nic = fields.Get("nic_mbps") is { } n ? context.ReadNumber(n, fields.PathOf("nic_mbps"), 0, exclusive: true) : null;
        int? cores = fields.Get("cores") is { } k ? context.ReadInt(k, fields.PathOf("cores"), 1, PartySettings.MaxCores) : PartySettings.DefaultCores;
        if (!fields.Has("cpu_slowdown") && !fields.Has("nic_mbps") && !fields.Has("cores"))
            context.Error(mapping.Location, path, "must set cpu_slowdown, nic_mbps or cores");
        return context.ErrorCount == before && slowdown is not null && cores is not null ? new PartySettings(slowdown.Value, nic, cores.Value) : null;
    }
}
