using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Security;

/// <summary>
/// The pinned servers' certificates (public parts only), by server name: what a node verifies the other servers'
/// signed run-control messages with. A certificate is known from the configuration (a server pinned by its
/// <c>certificate:</c> file) or, for a server pinned by <c>fingerprint:</c> only, from the first TLS handshake in which
/// it presented its pinned certificate: the pin is the SHA-256 of the whole certificate, so only that one certificate
/// can ever be learnt for a name. Thread-safe (the TLS callback runs on the transport's threads).
/// </summary>
public sealed class PinnedCertificates
{
    private readonly Dictionary<string, string> _nameByFingerprint = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, X509Certificate2> _byName = new(StringComparer.Ordinal);

    /// <param name="pins">Server name → SHA-256 fingerprint.</param>
    /// <param name="certificates">Certificates known from the configuration; each must be pinned.</param>
    /// <exception cref="ArgumentException">A malformed pin, or a certificate that no pin names.</exception>
    public PinnedCertificates(IReadOnlyDictionary<string, string> pins, IEnumerable<X509Certificate2>? certificates = null)
    {
        ArgumentNullException.ThrowIfNull(pins);
        foreach ((string name, string pin) in pins)
        {
            if (!CertificateFingerprint.TryParse(pin, out string? fingerprint, out string? problem))
                throw new ArgumentException($"pinned server '{CertificateText.Safe(name)}': {problem}", nameof(pins));
            _nameByFingerprint.TryAdd(fingerprint, name);
        }
        foreach (X509Certificate2 certificate in certificates ?? [])
        {
            if (!Learn(certificate))
                throw new ArgumentException($"{CertificateText.Describe(certificate)} is not the pinned certificate of any server", nameof(certificates));
        }
    }

    /// <summary>Records <paramref name="certificate"/> under the server whose pin it matches; false if none does.</summary>
    public bool Learn(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!_nameByFingerprint.TryGetValue(CertificateFingerprint.Of(certificate), out string? name)) return false;
        // A copy without a private key, which the caller cannot dispose under us.
        _byName.TryAdd(name, X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        return true;
    }

    /// <summary>The pinned certificate of server <paramref name="name"/>, if known yet.</summary>
    public X509Certificate2? Of(string name) => _byName.GetValueOrDefault(name);
}
