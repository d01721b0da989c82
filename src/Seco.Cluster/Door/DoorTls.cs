using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Door;

/// <summary>
/// Certificate checks at the user door. Both sides trust one private CA each and nothing from the OS store: the gateway
/// accepts users whose certificates chain to the user CA (and, if the config pins users, are pinned); the user accepts a
/// gateway whose certificate chains to the deployment CA, names the host dialled, and matches its pinned fingerprint.
/// A server certificate presented by a "user" does not chain to the user CA and is refused.
/// </summary>
public static class DoorTls
{
    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));

    /// <summary>Null if <paramref name="certificate"/> chains to <paramref name="ca"/> alone, carries <paramref name="usageOid"/>, and is pinned (when pins are given); else why not.</summary>
    public static string? Problem(X509Certificate? presented, X509Certificate2 ca, string usageOid, IReadOnlyCollection<string>? pins)
    {
        if (presented is null) return "no certificate was presented";
        using var certificate = new X509Certificate2(presented);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usageOid));
        if (!chain.Build(certificate))
            return $"the certificate ({certificate.Subject}) does not chain to the expected CA ({ca.Subject}) for this use: " +
                   string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Distinct());
        if (pins is { Count: > 0 } && !pins.Contains(Fingerprint(certificate)))
            return $"the certificate {Fingerprint(certificate)} ({certificate.Subject}) is not pinned";
        return null;
    }

    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";

    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    /// <summary>The gateway's check of a user; <paramref name="refused"/> hears why a user was turned away.</summary>
    public static RemoteCertificateValidationCallback UserValidator(X509Certificate2 userCa, IReadOnlyCollection<string>? pins, Action<string> refused) =>
        (_, certificate, _, _) =>
        {
            string? problem = Problem(certificate, userCa, ClientAuth, pins);
            if (problem is not null) refused(problem);
            return problem is null;
        };

    /// <summary>The user's check of the gateway: the host name must match (SslStream checks it against targetHost).</summary>
    public static RemoteCertificateValidationCallback GatewayValidator(X509Certificate2 deploymentCa, string? pin, Action<string> refused) =>
        (_, certificate, _, errors) =>
        {
            string? problem = errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)
                ? "the gateway's certificate does not name the host dialled"
                : Problem(certificate, deploymentCa, ServerAuth, pin is null ? null : [pin]);
            if (problem is not null) refused(problem);
            return problem is null;
        };
}
