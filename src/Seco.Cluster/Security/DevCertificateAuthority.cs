using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Security;

/// <summary>
/// A development certificate authority: a self-signed RSA CA whose private key lives only in this object, and the
/// leaf certificates it issues. RSA-3072 rather than ECDSA: Akka.Remote loads its certificate from a PKCS#12 file
/// and uses it with SslStream as both TLS server and client, and RSA is the key type every SslStream back end takes
/// in both roles (3072 bits: NIST's size for use past 2030).
/// </summary>
public sealed class DevCertificateAuthority : IDisposable
{
    public const int KeyBits = 3072;

    /// <summary>How long a CA made here is valid; leaves never outlive it.</summary>
    public static readonly TimeSpan CaValidity = TimeSpan.FromDays(5 * 365);

    /// <summary>How long a server or user certificate is valid.</summary>
    public static readonly TimeSpan LeafValidity = TimeSpan.FromDays(2 * 365);

    /// <summary>How far in the past certificates start: a peer whose clock is behind must not see them as not yet valid.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromHours(1);

    private readonly X509Certificate2 _certificate;
    private readonly TimeProvider _clock;

    private DevCertificateAuthority(X509Certificate2 certificate, TimeProvider clock)
    {
        _certificate = certificate;
        _clock = clock;
        Certificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    /// <summary>The CA certificate, public part only: what nodes trust (ca.crt, user-ca.crt).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA named <paramref name="commonName"/> with a fresh key.</summary>
    public static DevCertificateAuthority Create(string commonName, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        DateTimeOffset now = WholeSeconds(clock.GetUtcNow());
        using RSA key = RSA.Create(KeyBits);
        var request = new CertificateRequest(Subject(commonName), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        // pathLen 0: the CA signs leaves only, never another CA.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        X509Certificate2 certificate = request.CreateSelfSigned(now - ClockSkew, now + CaValidity);
        return new DevCertificateAuthority(certificate, clock);
    }

    /// <summary>
    /// A cluster node's certificate: CN = <paramref name="party"/>, SAN = <paramref name="host"/> (an IP address entry
    /// when it parses as one, else a DNS entry), serverAuth and clientAuth (a node both accepts and opens connections).
    /// </summary>
    public X509Certificate2 IssueServer(string party, string host) =>
        Issue(party, [KeyPurpose.ServerAuth, KeyPurpose.ClientAuth], host);

    /// <summary>A user's certificate for the gateway's door: CN = <paramref name="user"/>, clientAuth only, no SAN.</summary>
    public X509Certificate2 IssueUser(string user) => Issue(user, [KeyPurpose.ClientAuth], host: null);

    /// <summary>
    /// A leaf certificate with its private key. Public so that tests can make the odd certificate a deployment must
    /// refuse (a missing usage, an expired one).
    /// </summary>
    /// <param name="notBefore">Default: now less <see cref="ClockSkew"/>.</param>
    /// <param name="notAfter">Default: <see cref="LeafValidity"/> after now, but never after the CA expires.</param>
    public X509Certificate2 Issue(string commonName, IReadOnlyList<string> usages, string? host,
        DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        DateTimeOffset now = WholeSeconds(_clock.GetUtcNow());
        DateTimeOffset caEnd = new(_certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);
        DateTimeOffset start = notBefore ?? now - ClockSkew;
        DateTimeOffset end = notAfter ?? (now + LeafValidity < caEnd ? now + LeafValidity : caEnd);

        using RSA key = RSA.Create(KeyBits);
        var request = new CertificateRequest(Subject(commonName), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        // keyEncipherment too: TLS 1.2 RSA key exchange is still offered by some peers.
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        var oids = new OidCollection();
        foreach (string usage in usages) oids.Add(new Oid(usage));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, critical: false));
        if (host is not null)
        {
            var san = new SubjectAlternativeNameBuilder();
            if (IPAddress.TryParse(host, out IPAddress? ip)) san.AddIpAddress(ip);
            else san.AddDnsName(host);
            request.CertificateExtensions.Add(san.Build(critical: false));
        }
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        using X509Certificate2 issued = request.Create(_certificate, start, end, SerialNumber());
        return issued.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        _certificate.Dispose();
        Certificate.Dispose();
    }

    /// <summary>CN = <paramref name="commonName"/>, encoded by the builder: a name with ',' or '=' stays one CN.</summary>
    private static X500DistinguishedName Subject(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        return builder.Build();
    }

    /// <summary>A random positive 128-bit serial (RFC 5280 asks for unique serials of at most 20 bytes).</summary>
    private static byte[] SerialNumber()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // positive
        serial[0] |= 0x01; // no leading zero byte for DER to strip
        return serial;
    }

    /// <summary>Certificates store whole seconds; starting from whole seconds keeps a leaf's dates inside its CA's.</summary>
    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, time.Offset);
}
