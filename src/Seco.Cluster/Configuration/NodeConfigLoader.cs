using Seco.Scenarios;

namespace Seco.Cluster.Configuration;

/// <summary>
/// Loads and validates a server's node file (format: docs/cluster.md, "Node configuration").
/// Like scenario files, every problem is collected and reported at once, each as
/// <c>file:line:column: field: reason</c>; unknown keys are refused with the nearest known one;
/// size, nesting and the number of errors kept are bounded. Relative paths resolve against the
/// file's folder; every file named must exist (it is not read).
/// </summary>
public static class NodeConfigLoader
{
    /// <summary>Loads the node file at <paramref name="path"/> (errors name it as given).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ScenarioValidationException">The file is not a valid node file (its errors, in position order).</exception>
    public static NodeConfig Load(string path) => Load(path, Environment.GetEnvironmentVariable);

    /// <summary>
    /// <see cref="Load(string)"/> with the environment read through <paramref name="environment"/>
    /// (tests give each case its own, as the process environment is shared).
    /// </summary>
    internal static NodeConfig Load(string path, Func<string, string?> environment) =>
        ConfigFile.Load(path, ConfigFile.Node, environment, (reader, root) => new NodeConfigReader(reader).Read(root));
}
