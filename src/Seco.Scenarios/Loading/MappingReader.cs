namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads one mapping against its list of known keys. On construction it reports keys that are
/// not strings, unknown keys (with the nearest known one) and duplicate keys (keeping the first);
/// then <see cref="Get"/> and <see cref="Require"/> hand out values and record their positions.
/// </summary>
internal sealed class MappingReader
{
    private readonly LoadContext _context;
    private readonly Dictionary<string, KeyValuePair<SourceNode, SourceNode>> _entries = new(StringComparer.Ordinal);

    public MappingReader(LoadContext context, SourceMapping mapping, string path, params string[] keys)
    {
        _context = context;
        Mapping = mapping;
        Path = path;
        foreach (KeyValuePair<SourceNode, SourceNode> entry in mapping.Entries)
        {
            if (entry.Key is not SourceScalar { Kind: not ScalarKind.Null } key)
            {
                if (entry.Key is not SourceInvalid)
                    context.Error(entry.Key.Location, path, $"keys must be strings, got {entry.Key.Describe()}");
                continue;
            }
            string keyPath = FieldPath.Key(path, key.Value);
            if (!keys.Contains(key.Value, StringComparer.Ordinal))
                context.Error(key.Location, keyPath, () => "unknown key" + Spelling.Hint(key.Value, keys));
            else if (_entries.TryGetValue(key.Value, out var first))
                context.Error(key.Location, keyPath, $"duplicate key (first given at {first.Key.Location})");
            else
                _entries.Add(key.Value, entry);
        }
    }

    public SourceMapping Mapping { get; }

    public string Path { get; }

    public string PathOf(string key) => FieldPath.Key(Path, key);

    public bool Has(string key) => _entries.ContainsKey(key);

    /// <summary>The value of <paramref name="key"/>, or null if the key is absent.</summary>
    public SourceNode? Get(string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
            return null;
        _context.Record(PathOf(key), entry.Value);
        return entry.Value;
    }

    /// <summary>
    /// Reports <paramref name="key"/> with <paramref name="message"/>, at the key itself, if it is
    /// present (for keys that are known but not allowed here); its value is not read. True if reported.
    /// </summary>
    public bool Reject(string key, string message)
    {
        if (!_entries.TryGetValue(key, out var entry))
            return false;
        _context.Error(entry.Key.Location, PathOf(key), message);
        return true;
    }

    /// <summary>The value of <paramref name="key"/>; reports it missing (at the mapping) if absent.</summary>
    public SourceNode? Require(string key)
    {
        SourceNode? value = Get(key);
        if (value is null)
            _context.Error(Mapping.Location, PathOf(key), "required key is missing");
        return value;
    }
}
