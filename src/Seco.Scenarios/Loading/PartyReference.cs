namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads references to parties (<c>network.links[i].between</c>, <c>failures[i].stop</c>,
/// <c>failures[i].drop_link</c>): names that must be "user", the gateway or a server, exact case.
/// When the hierarchy could not be read (<c>parties</c> null), names are not checked, to avoid
/// false alarms.
/// </summary>
internal static class PartyReference
{
    /// <summary>A known party's name, or null (reported).</summary>
    public static string? ReadParty(LoadContext context, SourceNode node, string path, PartyList? parties)
    {
        if (context.ReadString(node, path) is not { } name)
            return null;
        if (parties is not null && !parties.Contains(name))
        {
            // The nearest-name search runs over every party: only for errors that will be shown.
            context.Error(node.Location, path, () => UnknownParty(name, parties));
            return null;
        }
        return name;
    }

    /// <summary>"unknown party 'D' (parties: user, A, B, C)" or "... (did you mean 'user'?)".</summary>
    public static string UnknownParty(string name, IReadOnlyList<string> parties) =>
        $"unknown party '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, parties, "parties");

    /// <summary>A list of two different known parties, or null (reported).</summary>
    public static (string First, string Second)? ReadPair(LoadContext context, SourceNode node, string path, PartyList? parties)
    {
        if (context.ExpectSequence(node, path) is not { } list)
            return null;
        if (list.Items.Count != 2)
        {
            context.Error(list.Location, path, $"expected a list of two party names, got {list.Items.Count} item{(list.Items.Count == 1 ? "" : "s")}");
            return null;
        }
        var names = new string?[2];
        for (int i = 0; i < 2; i++)
        {
            string endPath = FieldPath.Index(path, i);
            context.Record(endPath, list.Items[i]);
            names[i] = ReadParty(context, list.Items[i], endPath, parties);
        }
        if (names[0] is not { } first || names[1] is not { } second)
            return null;
        if (first == second)
        {
            context.Error(list.Location, path, $"a link needs two different parties, got '{first}' twice");
            return null;
        }
        return (first, second);
    }
}
