using Seco.Scenarios;

namespace Seco.Cluster.Configuration;

/// <summary>
/// A server's configuration file (config/local/A.yaml), validated by <see cref="NodeConfigLoader"/>.
/// Every path is absolute and named an existing file when loaded.
/// </summary>
/// <param name="Node">Which of <paramref name="Servers"/> this process is.</param>
/// <param name="Deployment">A free label, printed in logs.</param>
/// <param name="Servers">Every server, gateway first: the cluster's seed nodes in this order.</param>
/// <param name="ModelFile">This server's party file, written by <c>seco split</c>.</param>
/// <param name="Door">The user door: set on the gateway, null on the other servers.</param>
/// <param name="Source">Where each field was in the file, so that later checks (a certificate that does not parse) can report in the loader's format.</param>
public sealed record NodeConfig(
    string Node,
    string Deployment,
    IReadOnlyList<ServerEntry> Servers,
    TlsConfig Tls,
    string ModelFile,
    DoorConfig? Door,
    FailureSettings Failure,
    SourceMap Source)
{
    /// <summary>The process's managed-heap limit (<c>memory_limit</c>), or null for the runtime's default.</summary>
    public long? MemoryLimit { get; init; }

    /// <summary>The most <c>cores</c> a node file may give.</summary>
    public const int MaxCores = 256;

    /// <summary>
    /// <c>cores</c>: how many threads the role's data-parallel kernels use (1 to 256; default 1, the kernels one after
    /// another). Give the cores the machine has for this server.
    /// </summary>
    public int Cores { get; init; } = 1;

    /// <summary>This process's entry of <see cref="Servers"/>.</summary>
    public ServerEntry Self => Servers.First(s => s.Name == Node);

    /// <summary>The gateway's entry (the first).</summary>
    public ServerEntry Gateway => Servers[0];
}
