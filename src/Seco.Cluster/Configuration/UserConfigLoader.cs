using Seco.Scenarios;

namespace Seco.Cluster.Configuration;

/// <summary>
/// Loads and validates a user's file (format: docs/cluster.md, "Node configuration"), with the
/// same checks and error format as <see cref="NodeConfigLoader"/>.
/// </summary>
public static class UserConfigLoader
{
    /// <summary>Loads the user file at <paramref name="path"/> (errors name it as given).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ScenarioValidationException">The file is not a valid user file (its errors, in position order).</exception>
    public static UserConfig Load(string path) => Load(path, Environment.GetEnvironmentVariable);

    /// <summary><see cref="Load(string)"/> with the environment read through <paramref name="environment"/>.</summary>
    internal static UserConfig Load(string path, Func<string, string?> environment) =>
        ConfigFile.Load(path, ConfigFile.User, environment, (reader, root) => new UserConfigReader(reader).Read(root));
}
