using Seco.Scenarios.Loading;

namespace Seco.Scenarios;

/// <summary>
/// Loads and validates scenario files (format: docs/scenarios.md). Every problem is collected and
/// reported at once as a <see cref="ScenarioValidationException"/> whose errors each name the
/// file, line, column, field path and reason.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>
    /// Loads the scenario at <paramref name="path"/>. Errors name the file as given; relative
    /// paths inside it resolve against its folder.
    /// </summary>
    /// <exception cref="FileNotFoundException">The scenario file does not exist.</exception>
    /// <exception cref="ScenarioValidationException">The file is not a valid version-1 scenario.</exception>
    public static Scenario LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
            throw new FileNotFoundException($"scenario file not found: {path}", full);
        return Load(File.ReadAllText(full), path, Path.GetDirectoryName(full)!);
    }

    /// <summary>
    /// Loads a scenario from text. <paramref name="sourceName"/> names it in errors and gives the
    /// default scenario name; relative paths resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    /// <exception cref="ScenarioValidationException">The text is not a valid version-1 scenario.</exception>
    public static Scenario Load(string yamlText, string sourceName, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentException.ThrowIfNullOrEmpty(baseDirectory);
        var context = new LoadContext(sourceName, Path.GetFullPath(baseDirectory));
        Scenario? scenario = SourceTreeReader.Read(yamlText, context) is { } root ? ScenarioReader.Read(context, root) : null;
        if (context.ErrorCount > 0 || scenario is null)
            throw new ScenarioValidationException(context.Errors);
        return scenario;
    }
}
