using Seco.Scenarios;
using Seco.Scenarios.Loading;

namespace Seco.Cluster.Configuration;

/// <summary>
/// What loading a node or user file has in common: the limits, the scenario loader's front
/// (<see cref="SourceDocument"/>: strict UTF-8, no raw control characters, no aliases, bounded
/// size and nesting) and one <see cref="ScenarioValidationException"/> carrying every error.
/// </summary>
internal static class ConfigFile
{
    /// <summary>
    /// A configuration file is a few dozen lines; 256 KiB still holds thousands of pinned users.
    /// 16 levels of nesting (a file needs 4), 20 errors kept, 4,096 characters a value (PATH_MAX).
    /// </summary>
    public static ScenarioLimits Limits { get; } = new() { MaxFileBytes = 256 << 10, MaxDepth = 16, MaxErrors = 20, MaxScalarLength = 4096 };

    public static DocumentKind Node { get; } = new("node configuration", "a node configuration needs at least node, deployment, servers, tls and model");

    public static DocumentKind User { get; } = new("user configuration", "a user configuration needs at least user, door, tls and model");

    /// <summary>Reads the file at <paramref name="path"/> with <paramref name="read"/>, or throws with every error found.</summary>
    public static T Load<T>(string path, DocumentKind kind, Func<string, string?> environment, Func<ConfigReader, SourceNode, T?> read)
        where T : class
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(environment);
        string full = Path.GetFullPath(path);
        var context = new LoadContext(path, Path.GetDirectoryName(full) ?? full, Limits, kind);
        T? config = SourceDocument.ReadFile(full, context) is { } root ? read(new ConfigReader(context, environment), root) : null;
        if (context.ErrorCount > 0 || config is null)
            throw new ScenarioValidationException(context.Errors, context.OmittedErrors);
        return config;
    }
}
