namespace Seco.Scenarios.Loading;

/// <summary>
/// What kind of YAML file a load reads, in the words of the messages that are not about one key
/// ("scenario files are limited to …", "the file is empty; a scenario needs at least …"). The
/// loading machinery is shared by scenario files and the cluster's configuration files
/// (Seco.Cluster.Configuration); only these words differ.
/// </summary>
/// <param name="Noun">"scenario", "node configuration": used as "{Noun} files are UTF-8".</param>
/// <param name="EmptyHint">What an empty file lacks: "a scenario needs at least 'version: 1'".</param>
internal sealed record DocumentKind(string Noun, string EmptyHint)
{
    public static DocumentKind Scenario { get; } = new("scenario", "a scenario needs at least 'version: 1'");

    public static DocumentKind Sweep { get; } = new("sweep", "a sweep needs at least 'version: 1', 'base' and 'grid'");
}
