namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads a mapping keyed by names (<c>parties</c> in a scenario; <c>servers</c> and
/// <c>door.users</c> in a cluster configuration) rather than by a fixed list of keys: keys that
/// are not strings, that a name rule refuses, or that repeat an earlier key are reported and
/// left out; the others are returned in file order, their positions recorded.
/// </summary>
internal static class NamedEntries
{
    /// <param name="what">What the keys must be, as in "keys must be {what}": "party names".</param>
    /// <param name="comparer">When two keys are the same: <see cref="StringComparer.OrdinalIgnoreCase"/> refuses names that differ only in case.</param>
    /// <param name="problem">Why a name is refused, or null if it is fine; null accepts any string.</param>
    public static List<(string Name, SourceScalar Key, SourceNode Value)> Read(
        LoadContext context, SourceMapping mapping, string path, string what, StringComparer comparer, Func<string, string?>? problem = null)
    {
        var entries = new List<(string, SourceScalar, SourceNode)>();
        var seen = new Dictionary<string, SourceScalar>(comparer);
        foreach (var (keyNode, value) in mapping.Entries)
        {
            if (keyNode is not SourceScalar { Kind: not ScalarKind.Null } key)
            {
                if (keyNode is not SourceInvalid)
                    context.Error(keyNode.Location, path, $"keys must be {what}, got {keyNode.Describe()}");
                continue;
            }
            string entryPath = FieldPath.Key(path, key.Value);
            if (problem?.Invoke(key.Value) is { } refused)
                context.Error(key.Location, entryPath, refused);
            else if (seen.TryGetValue(key.Value, out SourceScalar? first))
                context.Error(key.Location, entryPath, first.Value == key.Value
                    ? $"duplicate key (first given at {first.Location})"
                    : $"'{first.Value}' (at {first.Location}) differs from this name only in case; names must differ in more than case");
            else
            {
                seen.Add(key.Value, key);
                context.Record(entryPath, value);
                entries.Add((key.Value, key, value));
            }
        }
        return entries;
    }
}
