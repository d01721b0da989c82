using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Hosting;
using Seco.Cluster.Security;

namespace Seco.Cluster.Bulk;

/// <summary>
/// The bulk lane's TLS: the servers' own certificates and CA, as on the Delivery links, but checked per party. The side
/// that dials accepts only the pin of the server it dialled (and its SAN must name the host dialled); the side that
/// accepts learns from the pin which server connected, and takes the hello's name only if it is that server.
/// </summary>
internal static class BulkTls
{
    public static SslClientAuthenticationOptions Dialling(ServerTls tls, ServerEndpoint peer, Action<string> refused) => new()
    {
        TargetHost = peer.Host,
        ClientCertificates = [tls.Certificate],
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = new PeerCertificateValidator(tls.DeploymentCa,
                new Dictionary<string, string> { [peer.Name] = tls.Pins[peer.Name] }, KeyPurpose.ServerAuth)
            .ForSslStream(requireHostNameMatch: true, observe: v => { if (!v.Accepted) refused(v.Reason); }),
    };

    /// <param name="accepted">Told the name of the pinned server that connected.</param>
    public static SslServerAuthenticationOptions Accepting(ServerTls tls, string self, Action<string> accepted, Action<string> refused) => new()
    {
        ServerCertificate = tls.Certificate,
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = new PeerCertificateValidator(tls.DeploymentCa,
                tls.Pins.Where(p => p.Key != self).ToDictionary(), KeyPurpose.ClientAuth)
            .ForSslStream(observe: v => { if (v.Accepted) accepted(v.Peer!); else refused(v.Reason); }),
    };
}
