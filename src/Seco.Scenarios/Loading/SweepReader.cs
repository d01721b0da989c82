using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Loading;

/// <summary>Reads the top level of a sweep file into a <see cref="Sweep"/>, collecting every error, as <see cref="ScenarioReader"/> does for scenarios.</summary>
internal static class SweepReader
{
    public const int SupportedVersion = 1;

    private static readonly string[] TopLevelKeys = ["version", "name", "description", "base", "grid", "charts", "paper"];

    public static Sweep? Read(LoadContext context, SourceNode root)
    {
        if (root is not SourceMapping mapping)
        {
            context.TypeError(root, "", "a mapping of sweep keys (version, base, grid, charts, ...)");
            return null;
        }
        if (UnsupportedVersion(context, mapping))
            return null;

        var fields = new MappingReader(context, mapping, "", TopLevelKeys);
        if (fields.Require("version") is { } version && version is not SourceScalar { Kind: ScalarKind.Integer })
            context.TypeError(version, "version", "an integer");

        string name = Path.GetFileNameWithoutExtension(context.File) is { Length: > 0 } stem ? stem : "sweep";
        if (fields.Get("name") is { } nameNode && context.ReadText(nameNode, "name", ScenarioReader.MaxNameLength, "", "printable text on one line") is { } given)
            name = given.Trim();
        string? description = fields.Get("description") is { } descriptionNode
            ? context.ReadText(descriptionNode, "description", ScenarioReader.MaxDescriptionLength, "\n\t", "text; only line breaks and tabs are allowed")
            : null;

        (Scenario? baseScenario, string? basePath) = fields.Require("base") is { } b ? ReadBase(context, b, "base") : (null, null);
        IReadOnlyList<SweepAxis>? axes = fields.Require("grid") is { } g ? GridReader.Read(context, g, "grid") : null;
        IReadOnlyList<SweepChartSpec>? charts = fields.Get("charts") is { } c ? ChartSpecReader.Read(context, c, "charts", axes) : null;

        (string? paperPath, IReadOnlyList<PublishedClaim>? claims) = fields.Get("paper") is { } p ? ReadPaper(context, p, "paper") : (null, []);

        if (context.ErrorCount > 0 || baseScenario is null || basePath is null || axes is null || claims is null)
            return null;
        return new Sweep(name, description, context.File, baseScenario, basePath, axes, charts, context.SourceMap()) { PaperPath = paperPath, Published = claims };
    }

    /// <summary>The published values beside the sweep (docs/sweeps.md, "Published values"); its errors name its own lines.</summary>
    private static (string?, IReadOnlyList<PublishedClaim>?) ReadPaper(LoadContext context, SourceNode node, string path)
    {
        if (context.ReadExistingFile(node, path) is not { } full)
            return (null, null);
        try
        {
            return (full, PublishedClaims.Load(full, Path.Combine(Path.GetDirectoryName(context.File) ?? "", ((SourceScalar)node).Value)));
        }
        catch (ScenarioValidationException e)
        {
            foreach (ScenarioError error in e.Errors) context.Error(error);
            return (null, null);
        }
    }

    /// <summary>The base scenario, loaded with the same limits; its own errors keep its file's positions.</summary>
    private static (Scenario?, string?) ReadBase(LoadContext context, SourceNode node, string path)
    {
        if (context.ReadExistingFile(node, path) is not { } full)
            return (null, null);
        Scenario scenario;
        try
        {
            // Its errors name it beside the sweep's own name (scenarios/sweeps/../default.yaml), a path the user can
            // open, when that is the same file; otherwise (a sweep loaded from text) by its full path.
            string shown = Path.Combine(Path.GetDirectoryName(context.File) ?? "", ((SourceScalar)node).Value);
            scenario = ScenarioLoader.LoadFile(Path.GetFullPath(shown) == full ? shown : full, context.Limits);
        }
        catch (ScenarioValidationException e)
        {
            foreach (ScenarioError error in e.Errors) context.Error(error);
            if (e.Omitted > 0)
                context.Error(node.Location, path, $"the base scenario has {e.Omitted:N0} more errors");
            return (null, null);
        }
        if (scenario.Workload is not InferenceWorkload)
        {
            context.Error(node.Location, path, $"a sweep runs secure inference; '{Printable.Shorten(scenario.Name, 40)}' is an {scenario.Workload.Name} scenario");
            return (null, null);
        }
        return (scenario, full);
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
}
