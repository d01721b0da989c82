using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Security;

namespace Seco.Cluster.Door;

/// <summary>
/// Certificate checks at the user door (<see cref="PeerCertificateValidator"/>). Each side trusts one private CA and
/// nothing from the OS store: the gateway accepts a pinned user whose certificate chains to the user CA with clientAuth;
/// the user accepts the pinned gateway whose certificate chains to the deployment CA with serverAuth and names the host
/// dialled. A server certificate presented by a "user" does not chain to the user CA and is refused.
/// </summary>
public static class DoorTls
{
    /// <summary>The gateway's check of a user; <paramref name="refused"/> hears why a user was turned away.</summary>
    /// <param name="users">User name → pinned fingerprint (at least one: a door that admits nobody is a config error).</param>
    public static RemoteCertificateValidationCallback UserValidator(X509Certificate2 userCa, IReadOnlyDictionary<string, string> users, Action<string> refused) =>
        new PeerCertificateValidator(userCa, users, KeyPurpose.ClientAuth).ForSslStream(observe: v => { if (!v.Accepted) refused(v.Reason); });

    /// <summary>The user's check of the gateway (SslStream compares the host name with targetHost).</summary>
    public static RemoteCertificateValidationCallback GatewayValidator(X509Certificate2 deploymentCa, string gatewayName, string gatewayPin, Action<string> refused) =>
        new PeerCertificateValidator(deploymentCa, new Dictionary<string, string> { [gatewayName] = gatewayPin }, KeyPurpose.ServerAuth)
            .ForSslStream(requireHostNameMatch: true, observe: v => { if (!v.Accepted) refused(v.Reason); });
}
