using Seco.Scenarios;

namespace Seco.Cluster.Configuration;

/// <summary>
/// A user's configuration file (config/local/user.yaml), validated by <see cref="UserConfigLoader"/>.
/// Every path is absolute and named an existing file when loaded.
/// </summary>
/// <param name="User">The user's name, printed in logs.</param>
/// <param name="ModelFile">The user's party file, written by <c>seco split</c>.</param>
/// <param name="ReferenceModelFile">The plaintext model (ONNX) to check the logits bit-exact against; null for none.</param>
/// <param name="ImagesFile">An IDX file of inputs; null for random inputs.</param>
/// <param name="Queries">How many queries to run.</param>
/// <param name="QueryDeadline">How long one query may take before the user gives up on it.</param>
/// <param name="Source">Where each field was in the file.</param>
public sealed record UserConfig(
    string User,
    DoorAddress Door,
    TlsConfig Tls,
    string ModelFile,
    string? ReferenceModelFile,
    string? ImagesFile,
    int Queries,
    TimeSpan QueryDeadline,
    SourceMap Source)
{
    /// <summary>The process's managed-heap limit (<c>memory_limit</c>), or null for the runtime's default.</summary>
    public long? MemoryLimit { get; init; }
}
