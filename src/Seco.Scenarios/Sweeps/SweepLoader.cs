using Seco.Scenarios.Loading;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// Loads sweep files (docs/sweeps.md) with the scenario loader's machinery and error quality: every problem is
/// collected and reported at once as a <see cref="ScenarioValidationException"/> whose errors name the file, line,
/// column, field path and reason; unknown keys are refused; the same limits bound the file. The base scenario is
/// loaded too, and its errors are reported in its own file's positions.
/// </summary>
public static class SweepLoader
{
    /// <param name="limits">Null means <see cref="ScenarioLimits.Default"/>; the base scenario is loaded with the same limits.</param>
    /// <exception cref="FileNotFoundException">The sweep file does not exist.</exception>
    /// <exception cref="ScenarioValidationException">The file, or its base scenario, is not valid.</exception>
    public static Sweep LoadFile(string path, ScenarioLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits = (limits ?? ScenarioLimits.Default).Validated();
        string full = Path.GetFullPath(path);
        var context = new LoadContext(path, Path.GetDirectoryName(full) ?? full, limits, DocumentKind.Sweep);
        return Read(SourceDocument.ReadFile(full, context), context);
    }

    /// <summary>A sweep from text; <paramref name="sourceName"/> names it in errors, relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    /// <exception cref="ScenarioValidationException">The text, or its base scenario, is not valid.</exception>
    public static Sweep Load(string yamlText, string sourceName, string baseDirectory, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        limits = (limits ?? ScenarioLimits.Default).Validated();
        var context = new LoadContext(sourceName, Path.GetFullPath(baseDirectory), limits, DocumentKind.Sweep);
        if (!ScenarioText.CheckSize(yamlText, context, limits.MaxFileBytes))
            throw Failure(context);
        return Read(SourceDocument.Parse(yamlText.StartsWith('\uFEFF') ? yamlText[1..] : yamlText, context), context);
    }

    private static Sweep Read(SourceNode? root, LoadContext context)
    {
        Sweep? sweep = root is null ? null : SweepReader.Read(context, root);
        if (context.ErrorCount > 0 || sweep is null)
            throw Failure(context);
        return sweep;
    }

    private static ScenarioValidationException Failure(LoadContext context) => new(context.Errors, context.OmittedErrors);
}
