using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace Seco.Cluster.Security;

/// <summary>
/// The server-to-server check as Akka.Remote's DotNetty TLS wants it: a <see cref="CertificateValidationCallback"/> for
/// <c>DotNettySslSetup(certificate, suppressValidation: false, requireMutualAuthentication: true, customValidator)</c>.
/// Akka calls it on both sides of every association, instead of its own validation (which would trust the OS store).
/// Beware what a refusal does in Akka.Remote 1.5.75: on a connection this node dialled, the failed handshake runs
/// CoordinatedShutdown and the ActorSystem stops; a refused inbound connection is only logged (AkkaTlsTests).
/// </summary>
public static class AkkaCertificateValidation
{
    /// <summary>
    /// Accepts a cluster peer's certificate only when <see cref="PeerCertificateValidator"/> accepts it for both
    /// serverAuth and clientAuth: Akka passes one callback for inbound and outbound connections, and every node is
    /// both (Akka itself requires both usages of the node's own certificate under mutual TLS).
    /// </summary>
    /// <param name="deploymentCa">The deployment CA (ca.crt).</param>
    /// <param name="pinnedPeers">Server name → SHA-256 fingerprint (fingerprints.txt).</param>
    /// <param name="requireHostNameMatch">
    /// On outbound connections, refuse a certificate whose SAN does not name the host of the Akka address dialled
    /// (Akka passes that host to SslStream as targetHost). Inbound connections have no expected host.
    /// </param>
    /// <param name="clock">The time certificates are checked at.</param>
    /// <param name="accepted">Told each certificate accepted (a pinned peer's), e.g. to learn its public key.</param>
    public static CertificateValidationCallback ForClusterPeers(X509Certificate2 deploymentCa, IReadOnlyDictionary<string, string> pinnedPeers,
        bool requireHostNameMatch, TimeProvider? clock = null, Action<X509Certificate>? accepted = null)
    {
        var asServer = new PeerCertificateValidator(deploymentCa, pinnedPeers, KeyPurpose.ServerAuth, clock);
        var asClient = new PeerCertificateValidator(deploymentCa, pinnedPeers, KeyPurpose.ClientAuth, clock);
        return (certificate, chain, remotePeer, errors, log) =>
        {
            PeerValidation result = asServer.ValidateHandshake(certificate, chain, errors, requireHostNameMatch);
            if (result.Accepted) result = asClient.ValidateHandshake(certificate, chain, errors, requireHostNameMatch: false);
            // Akka logs only that the handshake failed; the reason is ours to give.
            if (!result.Accepted) log?.Warning("TLS peer {0} refused: {1}", remotePeer, result.Reason);
            else if (certificate is not null) accepted?.Invoke(certificate);
            return result.Accepted;
        };
    }
}
