namespace Seco.Scenarios.Loading;

/// <summary>Reads the top level of a scenario file into a <see cref="Scenario"/>, collecting every error.</summary>
internal static class ScenarioReader
{
    public const int SupportedVersion = 1;

    private static readonly string[] TopLevelKeys =
        ["version", "name", "description", "model", "split", "hierarchy", "network", "queries", "crypto", "seed"];

    public static Scenario? Read(LoadContext context, SourceNode root)
    {
        if (root is not SourceMapping mapping)
        {
            context.TypeError(root, "", "a mapping of scenario keys (version, model, split, hierarchy, ...)");
            return null;
        }
        // A file for another version is not read as version 1: its other keys would only produce noise.
        if (UnsupportedVersion(context, mapping))
            return null;

        var fields = new MappingReader(context, mapping, "", TopLevelKeys);
        if (fields.Require("version") is { } version && version is not SourceScalar { Kind: ScalarKind.Integer })
            context.TypeError(version, "version", "an integer");

        string name = Path.GetFileNameWithoutExtension(context.File) is { Length: > 0 } stem ? stem : "scenario";
        if (fields.Get("name") is { } nameNode && context.ReadString(nameNode, "name") is { } given)
        {
            if (given.Any(char.IsControl))
                context.Error(nameNode.Location, "name", "must be a single line without control characters");
            name = given.Trim();
        }
        string? description = null;
        if (fields.Get("description") is { } descriptionNode)
            description = context.ReadString(descriptionNode, "description");

        ModelSpec? model = fields.Require("model") is { } m ? ModelReader.Read(context, m, "model") : null;
        int? split = fields.Require("split") is { } s ? context.ReadInt(s, "split", 0) : null;
        (Hierarchy? hierarchy, IReadOnlyList<string>? parties) =
            fields.Require("hierarchy") is { } h ? HierarchyReader.Read(context, h, "hierarchy") : (null, null);
        NetworkSpec? network = NetworkReader.Read(context, fields.Get("network"), "network", parties);
        QuerySpec? queries = QueryReader.Read(context, fields.Get("queries"), "queries");
        CryptoPreset? crypto = ReadCrypto(context, fields.Get("crypto"), "crypto");
        ulong? seed = fields.Get("seed") is { } seedNode ? context.ReadUInt64(seedNode, "seed") : null;

        if (context.ErrorCount > 0 || model is null || split is null || hierarchy is null || network is null || queries is null || crypto is null)
            return null;
        return new Scenario(name, description, model, split.Value, hierarchy, network, queries, crypto, seed, context.SourceMap());
    }

    private static bool UnsupportedVersion(LoadContext context, SourceMapping mapping)
    {
        foreach (var (key, value) in mapping.Entries)
        {
            if (key is SourceScalar { Value: "version" } && value is SourceScalar { Kind: ScalarKind.Integer } v && v.Value != SupportedVersion.ToString())
            {
                context.Error(v.Location, "version", $"unsupported version {v.Value} (this build reads version {SupportedVersion})");
                return true;
            }
        }
        return false;
    }

    private static CryptoPreset? ReadCrypto(LoadContext context, SourceNode? node, string path)
    {
        if (node is null)
            return CryptoPreset.Default;
        if (node is not SourceMapping mapping)
        {
            context.TypeError(node, path, $"a mapping such as {{ preset: {CryptoPreset.Default.Name} }}");
            return null;
        }
        var fields = new MappingReader(context, mapping, path, "preset");
        if (fields.Get("preset") is not { } presetNode)
            return CryptoPreset.Default;
        if (context.ReadString(presetNode, fields.PathOf("preset")) is not { } name)
            return null;
        if (CryptoPreset.Find(name) is { } preset)
            return preset;
        context.Error(presetNode.Location, fields.PathOf("preset"),
            $"unknown preset '{name}'" + Spelling.Hint(name, CryptoPreset.All.Select(p => p.Name).ToList(), "known presets"));
        return null;
    }
}
