using Seco.Cluster.Configuration;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Cluster.Security;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Tests.Bulk;

/// <summary>Three servers A, B, C on free loopback ports (cluster and bulk) with dev certificates, for bulk lane tests without a cluster.</summary>
internal sealed class BulkLaneServers
{
    private static readonly DevDeployment Pki = DevCertificates.Create(DevCertificatePlan.Create(["A", "B", "C"], ["user"]));

    public BulkLaneServers()
    {
        int[] ports = LoopbackCluster.FreePorts(6);
        Party[] roles = [Party.Gateway, Party.Garbler, Party.Evaluator];
        Servers = [.. new[] { "A", "B", "C" }.Select((n, i) => new ServerEndpoint(n, roles[i], "127.0.0.1", ports[i]) { BulkPort = ports[3 + i] })];
    }

    /// <summary>A, B and C, in that order.</summary>
    public ServerEndpoint[] Servers { get; }

    /// <summary>Server <paramref name="name"/>'s settings with its own certificate and every pin.</summary>
    public NodeSettings SettingsOf(string name) =>
        new(name, Servers, new ServerTls(Pki.Servers.Single(s => s.Name == name).Certificate, Pki.DeploymentCa, Pki.ServerPins), FailureSettings.Default);
}
