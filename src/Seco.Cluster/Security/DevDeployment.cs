using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Security;

/// <summary>Whether a certificate opens the cluster (a server) or the gateway's door (a user).</summary>
public enum CertificateRole
{
    Server,
    User,
}

/// <summary>A certificate `seco certs` issued, with its private key.</summary>
/// <param name="Host">The SAN of a server; null for a user.</param>
public sealed record IssuedCertificate(string Name, CertificateRole Role, string? Host, X509Certificate2 Certificate)
{
    /// <summary>What peers pin (<see cref="CertificateFingerprint"/>).</summary>
    public string Fingerprint { get; } = CertificateFingerprint.Of(Certificate);
}

/// <summary>
/// A development deployment's certificates, in memory: the public parts of the two CAs (their private keys were
/// dropped once the leaves were signed) and every issued certificate with its key.
/// </summary>
public sealed class DevDeployment(X509Certificate2 deploymentCa, X509Certificate2 userCa, IReadOnlyList<IssuedCertificate> servers,
    IReadOnlyList<IssuedCertificate> users) : IDisposable
{
    /// <summary>Signs the servers' certificates; every node trusts it for the cluster (ca.crt).</summary>
    public X509Certificate2 DeploymentCa { get; } = deploymentCa;

    /// <summary>Signs the users' certificates; only the gateway's door trusts it (user-ca.crt).</summary>
    public X509Certificate2 UserCa { get; } = userCa;

    public IReadOnlyList<IssuedCertificate> Servers { get; } = servers;

    public IReadOnlyList<IssuedCertificate> Users { get; } = users;

    /// <summary>Server name → fingerprint: what each node pins for its peers.</summary>
    public IReadOnlyDictionary<string, string> ServerPins => Servers.ToDictionary(s => s.Name, s => s.Fingerprint, StringComparer.Ordinal);

    /// <summary>User name → fingerprint: what the door pins.</summary>
    public IReadOnlyDictionary<string, string> UserPins => Users.ToDictionary(u => u.Name, u => u.Fingerprint, StringComparer.Ordinal);

    public void Dispose()
    {
        DeploymentCa.Dispose();
        UserCa.Dispose();
        foreach (IssuedCertificate issued in Servers.Concat(Users)) issued.Certificate.Dispose();
    }
}
