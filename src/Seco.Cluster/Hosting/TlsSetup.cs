using Akka.Remote.Transport.DotNetty;
using Seco.Cluster.Security;

namespace Seco.Cluster.Hosting;

/// <summary>
/// Mutual TLS among the servers through Akka.Remote's DotNetty transport: mutual authentication on, hostname validation
/// on outbound connections, and a validator that accepts a peer only if its certificate chains to the deployment CA
/// alone (the OS store is not consulted) and its SHA-256 fingerprint is pinned in the config. Akka does not bind a
/// peer's claimed address to its certificate, so the pin is what keeps any other certificate out (../shared/cluster.md).
/// </summary>
internal static class TlsSetup
{
    public static DotNettySslSetup For(ServerTls tls) =>
        new(tls.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: true,
            customValidator: AkkaCertificateValidation.ForClusterPeers(tls.DeploymentCa, tls.Pins, requireHostNameMatch: true,
                // A peer pinned by fingerprint alone: its signed run-control messages are verified with the certificate it presented.
                accepted: certificate => tls.Known.Learn(certificate)));
}
