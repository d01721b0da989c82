using Seco.Protocol.Model.Planning;
namespace Seco.Scenarios.Loading;

/// <summary>Reads the top level of a scenario file into a <see cref="Scenario"/>, collecting every error.</summary>
internal static class ScenarioReader
{
    public const int SupportedVersion = 1;

    private static readonly string[] TopLevelKeys =
        ["version", "name", "description", "workload", "protocol", "model", "split", "hierarchy", "network", "parties", "failures", "queries", "load", "crypto", "seed"];

    /// <summary>
    /// A name becomes an output folder's name and a report's title; a description is printed by
    /// `seco validate`. Both are shown on terminals, so neither may hold control characters or
    /// bidi overrides (a description may hold line breaks and tabs), and both are short.
    /// </summary>
    public const int MaxNameLength = 100, MaxDescriptionLength = 4096;

    /// <summary>Top-level keys that only the inference workload uses.</summary>
    private static readonly string[] InferenceOnlyKeys = ["protocol", "model", "split", "crypto"];

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
        if (fields.Get("name") is { } nameNode && context.ReadText(nameNode, "name", MaxNameLength, "", "printable text on one line") is { } given)
            name = given.Trim();
        string? description = fields.Get("description") is { } descriptionNode
            ? context.ReadText(descriptionNode, "description", MaxDescriptionLength, "\n\t", "text; only line breaks and tabs are allowed")
            : null;

        // An unreadable workload (null) leaves open which keys it needs: model, split and crypto are
        // then checked if present but neither required nor refused, to avoid false alarms.
        WorkloadSpec? workload = fields.Get("workload") is { } w ? WorkloadReader.Read(context, w, "workload") : InferenceWorkload.Instance;
        ModelSpec? model = null;
        int? split = 0;
        CryptoPreset? crypto = CryptoPreset.Default;
        int? queryBudget = null;
        FormPolicy forms = FormPolicy.Matrix;
        InferenceProtocol protocol = InferenceProtocol.Seco;
        if (workload is null or InferenceWorkload)
        {
            bool required = workload is not null;
            if (fields.Get("protocol") is { } p && ProtocolReader.Read(context, p, "protocol") is { } chosen)
                protocol = chosen;
            SourceNode? m = required ? fields.Require("model") : fields.Get("model");
            model = m is null ? null : ModelReader.Read(context, m, "model");
            // DELPHI runs every block on the gateway: the split is the model's block count, known once it is read.
            SourceNode? s;
            if (protocol == InferenceProtocol.Delphi)
            {
                fields.Reject("split", "not used by protocol delphi: DELPHI runs every block on the gateway (l = L); remove it");
                s = null;
            }
            else
                s = required ? fields.Require("split") : fields.Get("split");
            split = s is null ? 0 : context.ReadInt(s, "split", 0);
            (crypto, queryBudget, forms) = ReadCrypto(context, fields.Get("crypto"), "crypto");
        }
        else
        {
            foreach (string key in InferenceOnlyKeys)
                fields.Reject(key, $"not used by the {workload.Name} workload; remove it");
        }
        (Hierarchy? hierarchy, PartyList? parties) =
            fields.Require("hierarchy") is { } h ? HierarchyReader.Read(context, h, "hierarchy") : (null, null);
        NetworkSpec? network = NetworkReader.Read(context, fields.Get("network"), "network", parties);
        IReadOnlyDictionary<string, PartySettings>? settings = PartiesReader.Read(context, fields.Get("parties"), "parties", parties);
        IReadOnlyList<FailureSpec>? failures = FailureReader.Read(context, fields.Get("failures"), "failures", parties);
        QuerySpec? queries = QueryReader.Read(context, fields.Get("queries"), "queries",
            inputUnusedBy: workload is null or InferenceWorkload ? null : workload);
        ulong? seed = fields.Get("seed") is { } seedNode ? context.ReadUInt64(seedNode, "seed") : null;
        LoadSpec? load = LoadSpec.Default;
        if (workload is not null and not InferenceWorkload)
            fields.Reject("load", $"the {workload.Name} workload has one user; 'load' is for inference");
        else if (fields.Get("load") is { } loadNode && (load = LoadReader.Read(context, loadNode, "load")) is { } given2 && queries is not null && given2.Users > queries.Count)
            context.Error(loadNode.Location, "load.users", $"{given2.Users} users for {queries.Count} queries: every user sends at least one query (queries go round robin), so users must be at most queries.count");

        if (context.ErrorCount > 0 || workload is null || (workload is InferenceWorkload && model is null) || split is null
            || hierarchy is null || network is null || settings is null || failures is null || queries is null || crypto is null || load is null)
            return null;
        return new Scenario(name, description, model, split.Value, hierarchy, network, queries, crypto, seed, context.SourceMap(),
            workload, settings, failures, queryBudget) { Forms = forms, Protocol = protocol, Load = load };
    }

    private static bool UnsupportedVersion(LoadContext context, SourceMapping mapping)
    {
        foreach (var (key, value) in mapping.Entries)
        {
            if (key is SourceScalar { Value: "version" } && value is SourceScalar { Kind: ScalarKind.Integer } v && v.Value != SupportedVersion.ToString())
            {
                context.Error(v.Location, "version", $"unsupported version {SourceScalar.Shorten(v.Value)} (this build reads version {SupportedVersion})");
                return true;
            }
        }
        return false;
    }

    /// <summary>The preset, the optional query budget per key set and the blocks' forms on ciphertexts.</summary>
    private static (CryptoPreset? Preset, int? QueryBudget, FormPolicy Forms) ReadCrypto(LoadContext context, SourceNode? node, string path)
    {
        if (node is null)
            return (CryptoPreset.Default, null, FormPolicy.Matrix);
        if (node is not SourceMapping mapping)
        {
            context.TypeError(node, path, $"a mapping such as {{ preset: {CryptoPreset.Default.Name} }}");
            return (null, null, FormPolicy.Matrix);
        }
        var fields = new MappingReader(context, mapping, path, "preset", "query_budget", "forms");
        int? budget = fields.Get("query_budget") is { } budgetNode ? context.ReadInt(budgetNode, fields.PathOf("query_budget"), 1, 1 << 20) : null;
        FormPolicy forms = FormPolicy.Matrix;
        if (fields.Get("forms") is { } formsNode && context.ReadString(formsNode, fields.PathOf("forms")) is { } formsName)
        {
            if (FormPolicies.Parse(formsName) is { } parsed)
                forms = parsed;
            else
                context.Error(formsNode.Location, fields.PathOf("forms"), $"unknown forms '{SourceScalar.Shorten(formsName)}' (matrix or planner)");
        }
        if (fields.Get("preset") is not { } presetNode)
            return (CryptoPreset.Default, budget, forms);
        if (context.ReadString(presetNode, fields.PathOf("preset")) is not { } name)
            return (null, budget, forms);
        if (CryptoPreset.Find(name) is { } preset)
            return (preset, budget, forms);
        context.Error(presetNode.Location, fields.PathOf("preset"),
            $"unknown preset '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, CryptoPreset.All.Select(p => p.Name).ToList(), "known presets"));
        return (null, budget, forms);
    }
}
