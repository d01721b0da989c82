namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads <c>failures</c>: a list of <c>{ at_ms, stop: party }</c> or
/// <c>{ at_ms, drop_link: [party, party] }</c>. A party stops at most once and a link goes down
/// at most once.
/// </summary>
internal static class FailureReader
{
    /// <param name="parties">The hierarchy's parties, or null if they could not all be read (then names are not checked).</param>
    public static IReadOnlyList<FailureSpec>? Read(LoadContext context, SourceNode? node, string path, PartyList? parties)
    {
        if (node is null)
            return [];
        if (context.ExpectSequence(node, path) is not { } list)
            return null;
        int before = context.ErrorCount;
        var failures = new List<FailureSpec>();
        // What each failure stops or drops (see Key) → where it was first given.
        var seen = new Dictionary<(string, string), SourceLocation>();
        for (int i = 0; i < list.Items.Count; i++)
        {
            string itemPath = FieldPath.Index(path, i);
            context.Record(itemPath, list.Items[i]);
            if (ReadFailure(context, list.Items[i], itemPath, parties, seen) is { } failure)
                failures.Add(failure);
        }
        return context.ErrorCount == before ? failures : null;
    }

    private static FailureSpec? ReadFailure(LoadContext context, SourceNode node, string path, PartyList? parties,
        Dictionary<(string, string), SourceLocation> seen)
    {
        if (node is not SourceMapping mapping)
        {
            context.TypeError(node, path, "a mapping such as { at_ms: 100, stop: B }");
            return null;
        }
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "at_ms", "stop", "drop_link");
        double? at = fields.Require("at_ms") is { } a ? context.ReadNumber(a, fields.PathOf("at_ms"), 0, exclusive: false) : null;
        bool stops = fields.Has("stop"), drops = fields.Has("drop_link");
        if (stops && drops)
            context.Error(mapping.Location, path, "set either 'stop' or 'drop_link', not both");
        else if (!stops && !drops)
            context.Error(mapping.Location, path, "a failure must set 'stop' (a party) or 'drop_link' (two parties)");

        SourceNode? target = null;
        string? party = null;
        (string First, string Second)? link = null;
        if (fields.Get("stop") is { } s)
        {
            target = s;
            party = PartyReference.ReadParty(context, s, fields.PathOf("stop"), parties);
        }
        if (fields.Get("drop_link") is { } d)
        {
            target = d;
            link = PartyReference.ReadPair(context, d, fields.PathOf("drop_link"), parties);
        }
        if (context.ErrorCount > before || at is null || target is null)
            return null;

        FailureSpec failure = party is not null
            ? new StopParty(at.Value, party)
            : new DropLink(at.Value, link!.Value.First, link.Value.Second);
        if (!seen.TryAdd(Key(failure), target.Location))
        {
            string repeat = failure is StopParty stop ? $"party '{stop.Party}' already stops" : $"link {link!.Value.First}-{link.Value.Second} already goes down";
            context.Error(target.Location, fields.PathOf(stops ? "stop" : "drop_link"), $"{repeat} (first given at {seen[Key(failure)]})");
            return null;
        }
        return failure;
    }

    /// <summary>A stop is keyed ("", party): party names are never empty, so it cannot equal a link's key.</summary>
    private static (string, string) Key(FailureSpec failure) => failure switch
    {
        DropLink d => LinkSpec.PairKey(d.First, d.Second),
        StopParty s => ("", s.Party),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, "unknown kind of failure"),
    };
}
