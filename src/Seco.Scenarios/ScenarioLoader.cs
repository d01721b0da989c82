using Seco.Scenarios.Loading;

namespace Seco.Scenarios;

/// <summary>
/// Loads and validates scenario files (format: docs/scenarios.md). Every problem is collected and
/// reported at once as a <see cref="ScenarioValidationException"/> whose errors each name the
/// file, line, column, field path and reason. Loading is bounded by <see cref="ScenarioLimits"/>
/// (size, nesting, errors kept, value length), so a hostile file is refused quickly.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>
    /// Loads the scenario at <paramref name="path"/>. Errors name the file as given; relative
    /// paths inside it resolve against its folder. A file over
    /// <see cref="ScenarioLimits.MaxFileBytes"/> is refused from its length, before it is read;
    /// a device or FIFO is read at most one byte past the limit.
    /// </summary>
    /// <param name="limits">Null means <see cref="ScenarioLimits.Default"/>.</param>
    /// <exception cref="FileNotFoundException">The scenario file does not exist.</exception>
    /// <exception cref="ScenarioValidationException">
    /// The file is not a valid version-1 scenario (or is a directory, too large, or not UTF-8 text).
    /// </exception>
    public static Scenario LoadFile(string path, ScenarioLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        limits = (limits ?? ScenarioLimits.Default).Validated();
        string full = Path.GetFullPath(path);
        var context = new LoadContext(path, Path.GetDirectoryName(full) ?? full, limits);
        return Read(SourceDocument.ReadFile(full, context), context);
    }

    /// <summary>
    /// Loads a scenario from text. <paramref name="sourceName"/> names it in errors and gives the
    /// default scenario name; relative paths resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    /// <param name="limits">Null means <see cref="ScenarioLimits.Default"/>; the size limit applies to the text's UTF-8 length.</param>
    /// <exception cref="ScenarioValidationException">The text is not a valid version-1 scenario.</exception>
    public static Scenario Load(string yamlText, string sourceName, string baseDirectory, ScenarioLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        limits = (limits ?? ScenarioLimits.Default).Validated();
        var context = new LoadContext(sourceName, Path.GetFullPath(baseDirectory), limits);
        if (!ScenarioText.CheckSize(yamlText, context, limits.MaxFileBytes))
            throw Failure(context);
        // File.ReadAllText would have dropped a byte-order mark; a caller's text may still hold one.
        return Read(SourceDocument.Parse(yamlText.StartsWith('\uFEFF') ? yamlText[1..] : yamlText, context), context);
    }

    private static Scenario Read(SourceNode? root, LoadContext context)
    {
        Scenario? scenario = root is null ? null : ScenarioReader.Read(context, root);
        if (context.ErrorCount > 0 || scenario is null)
            throw Failure(context);
        return scenario;
    }

    private static ScenarioValidationException Failure(LoadContext context) => new(context.Errors, context.OmittedErrors);
}
