using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Seco.Cluster.Security;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Hosting;

/// <summary>One server of the deployment: its name (A, B, …), protocol role, Akka endpoint and bulk lane port.</summary>
public sealed record ServerEndpoint(string Name, Party Role, string Host, int Port)
{
    /// <summary>Where this server's bulk lane listens (docs/cluster.md, "Bulk lane").</summary>
    public int BulkPort { get; init; } = Port + Configuration.ServerEntry.BulkPortOffset;

    /// <summary>The cluster role name members announce ("gateway", "garbler", "evaluator").</summary>
    public string ClusterRole => ClusterRoles.Of(Role);

    public override string ToString() => $"{ClusterRole} {Name}";
}

/// <summary>Mutual TLS among the servers: this node's certificate, the deployment CA, and every server's pinned fingerprint.</summary>
/// <param name="Pins">Server name → SHA-256 fingerprint (lowercase hex) of the certificate it must present.</param>
/// <param name="PeerCertificates">The servers' certificates where the configuration has them (pinned by <c>certificate:</c>);
/// each must match a pin. They verify the servers' signed run-control messages; a server pinned by fingerprint alone
/// is verified with the certificate it presents in a TLS handshake (<see cref="Known"/>).</param>
public sealed record ServerTls(X509Certificate2 Certificate, X509Certificate2 DeploymentCa, IReadOnlyDictionary<string, string> Pins,
    IReadOnlyCollection<X509Certificate2>? PeerCertificates = null)
{
    /// <summary>The servers' certificates known so far: configured, or seen in an accepted TLS handshake (TlsSetup).</summary>
    public PinnedCertificates Known { get; } = new(Pins, PeerCertificates);
}

/// <summary>Everything a server node needs to run, whatever its source (a config file, a test, `seco run --runtime cluster`).</summary>
/// <param name="Servers">Every server, gateway first (the seed order).</param>
/// <param name="Tls">Null only in tests of the plumbing: the node then talks plain TCP.</param>
public sealed record NodeSettings(string Name, IReadOnlyList<ServerEndpoint> Servers, ServerTls? Tls, FailureSettings Failure)
{
    public ServerEndpoint Self => Servers.Single(s => s.Name == Name);

    public ServerEndpoint Gateway => Servers[0];

    public ServerEndpoint ServerOf(Party role) => Servers.Single(s => s.Role == role);
}

public static class ClusterRoles
{
    public static string Of(Party role) =>
        role.IsGateway ? "gateway"
        : role == Party.Garbler ? "garbler"
        : role == Party.Evaluator ? "evaluator"
        : throw new ArgumentOutOfRangeException(nameof(role), role, "only the gateway and the first tier's garbler and evaluator join the cluster (deeper hierarchies run in the simulator only)");
}

/// <summary>What a server brings to every run: a fresh role per run over the same model share, and the deployment id.</summary>
/// <param name="NewRole">Makes the role for a new run (new keys, new setup; the share — and A's lifetime query count — stay).</param>
public sealed record ServerDeployment(string DeploymentId, Func<ISecoRole> NewRole);
