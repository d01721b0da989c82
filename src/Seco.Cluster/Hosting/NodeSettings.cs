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

    /// <summary>The cluster role name members announce: "gateway", or the server's position ("t1s0", "t2s1").</summary>
    public string ClusterRole => ClusterRoles.Of(Role);

    /// <summary>"gateway A", "garbler B", "tier 2 evaluator E" (<see cref="ClusterRoles.Describe"/>).</summary>
    public override string ToString() => $"{ClusterRoles.Describe(Role)} {Name}";
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

    /// <summary>The gateway's limit on users in session at once (the door's <c>max_users</c>); the next is turned away until one leaves.</summary>
    public int MaxUsers { get; init; } = DoorConfig.DefaultMaxUsers;

    /// <summary>Threads for the role's data-parallel kernels (the node file's <c>cores</c>; 1: one after another).</summary>
    public int Cores { get; init; } = 1;
}

/// <summary>How servers are named in the cluster's membership and in log lines.</summary>
public static class ClusterRoles
{
    /// <summary>The Akka cluster role a server announces: "gateway", or its position's slug ("t1s0"). The user never joins.</summary>
    public static string Of(Party role) =>
        role.IsUser ? throw new ArgumentOutOfRangeException(nameof(role), role, "the user never joins the cluster (it talks to the gateway's door)")
        : role.Slug;

    /// <summary>
    /// A server's position in words: tier 1's garbler and evaluator keep the paper's names ("garbler", "evaluator": B
    /// and C of the four-party setting); every other server says its tier ("tier 2 garbler", "tier 1 provider 2").
    /// </summary>
    public static string Describe(Party role) =>
        role == Party.Garbler ? "garbler" : role == Party.Evaluator ? "evaluator" : role.ToString();
}

/// <summary>What a server brings to every run: a fresh role per run over the same model share, and the deployment id.</summary>
/// <param name="NewRole">Makes the role for a new run (new keys, new setup; the share — and A's lifetime query count — stay).</param>
public sealed record ServerDeployment(string DeploymentId, Func<ISecoRole> NewRole);
