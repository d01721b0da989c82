using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Security;

/// <summary>
/// Decides whether a certificate presented in a TLS handshake belongs to one of the peers this node was configured
/// with. A pure function of its inputs (and the clock): no store, no network, no OS trust list.
/// <list type="number">
/// <item>It must chain to <em>this</em> deployment's CA and to nothing else: a certificate from any public CA, or
/// from the user CA when a server is expected, is refused.</item>
/// <item>It must be in date, and allow the use this side needs (serverAuth for the side that connects,
/// clientAuth for the side that accepts).</item>
/// <item>Its SHA-256 fingerprint must be pinned: chaining alone would let any certificate the CA ever issued in.
/// The pin is also what names the peer, since Akka.Remote does not bind a peer's claimed address to its
/// certificate.</item>
/// </list>
/// </summary>
public sealed class PeerCertificateValidator
{
    private readonly X509Certificate2 _trustAnchor;
    private readonly Dictionary<string, string> _peerByFingerprint;
    private readonly TimeProvider _clock;

    /// <param name="trustAnchor">The CA every accepted certificate chains to (only its public part is kept).</param>
    /// <param name="pinnedPeers">Peer name → SHA-256 fingerprint, in any form <see cref="CertificateFingerprint.Parse"/> accepts.</param>
    /// <param name="requiredUsage"><see cref="KeyPurpose.ServerAuth"/> or <see cref="KeyPurpose.ClientAuth"/>.</param>
    /// <param name="clock">The time certificates are checked at (tests pass a fixed one).</param>
    /// <exception cref="ArgumentException">The anchor is not a CA, no peer is pinned, a pin is malformed or shared by two peers, or the usage is neither.</exception>
    public PeerCertificateValidator(X509Certificate2 trustAnchor, IReadOnlyDictionary<string, string> pinnedPeers, string requiredUsage, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(trustAnchor);
        ArgumentNullException.ThrowIfNull(pinnedPeers);
        if (requiredUsage is not (KeyPurpose.ServerAuth or KeyPurpose.ClientAuth))
            throw new ArgumentException($"required usage must be serverAuth ({KeyPurpose.ServerAuth}) or clientAuth ({KeyPurpose.ClientAuth}); got '{requiredUsage}'", nameof(requiredUsage));
        if (trustAnchor.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw new ArgumentException($"trust anchor CN={CertificateText.CommonName(trustAnchor)} is not a CA certificate", nameof(trustAnchor));
        if (pinnedPeers.Count == 0)
            throw new ArgumentException("no peer is pinned: every certificate would be refused", nameof(pinnedPeers));
        _peerByFingerprint = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, string pin) in pinnedPeers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!CertificateFingerprint.TryParse(pin, out string? fingerprint, out string? problem))
                throw new ArgumentException($"pinned peer '{CertificateText.Safe(name)}': {problem}", nameof(pinnedPeers));
            if (!_peerByFingerprint.TryAdd(fingerprint, name))
                throw new ArgumentException($"peers '{CertificateText.Safe(_peerByFingerprint[fingerprint])}' and '{CertificateText.Safe(name)}' pin the same certificate {fingerprint}", nameof(pinnedPeers));
        }
        // A copy the caller cannot dispose under us, and without a private key even if it was given one.
        _trustAnchor = X509CertificateLoader.LoadCertificate(trustAnchor.RawData);
        RequiredUsage = requiredUsage;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The extended key usage every accepted certificate must carry.</summary>
    public string RequiredUsage { get; }

    /// <summary>The pinned peers' names, in order.</summary>
    public IReadOnlyList<string> PinnedPeers => _peerByFingerprint.Values.Order(StringComparer.Ordinal).ToList();

    /// <summary>Checks <paramref name="presented"/>; the first problem found is the reason.</summary>
    /// <param name="chainFromTls">The chain SslStream built, if any: only its intermediates are used, never its trust decision.</param>
    public PeerValidation Validate(X509Certificate2? presented, X509Chain? chainFromTls = null)
    {
        if (presented is null) return PeerValidation.Refuse("no certificate presented");
        string who = CertificateText.Describe(presented);

        DateTime now = _clock.GetUtcNow().UtcDateTime;
        if (now < presented.NotBefore.ToUniversalTime())
            return PeerValidation.Refuse($"{who} is not valid before {CertificateText.Utc(presented.NotBefore)} (now {CertificateText.Utc(now)})");
        if (now > presented.NotAfter.ToUniversalTime())
            return PeerValidation.Refuse($"{who} expired on {CertificateText.Utc(presented.NotAfter)}");

        if (ChainProblem(presented, chainFromTls, now) is { } chainProblem)
            return PeerValidation.Refuse($"{who}, issued by CN={CertificateText.IssuerName(presented)}, does not chain to the deployment CA " +
                                         $"CN={CertificateText.CommonName(_trustAnchor)}: {chainProblem}");

        if (UsageProblem(presented) is { } usageProblem)
            return PeerValidation.Refuse($"{who} {usageProblem}");

        string fingerprint = CertificateFingerprint.Of(presented);
        if (!_peerByFingerprint.TryGetValue(fingerprint, out string? peer))
            return PeerValidation.Refuse($"{who} is not one of the pinned peers {string.Join(", ", PinnedPeers.Select(CertificateText.Safe))}");
        return PeerValidation.Accept(peer, $"{who} is pinned peer {CertificateText.Safe(peer)}");
    }

    /// <summary>
    /// <see cref="Validate(X509Certificate2?, X509Chain?)"/> as a TLS callback needs it. The OS trust decision in
    /// <paramref name="errors"/> (RemoteCertificateChainErrors: the deployment CA is in no OS store) is ignored;
    /// a name mismatch counts only when <paramref name="requireHostNameMatch"/> is set.
    /// </summary>
    /// <param name="requireHostNameMatch">
    /// Refuse a certificate whose SAN does not name the host the connection was opened to. Only the connecting side
    /// knows that host (SslStream's targetHost); the accepting side never sees a mismatch.
    /// </param>
    public PeerValidation ValidateHandshake(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors, bool requireHostNameMatch)
    {
        // SslStream hands out X509Certificate2 on .NET; anything else is copied from its DER bytes.
        X509Certificate2? certificate = presented as X509Certificate2
            ?? (presented is null ? null : X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
        PeerValidation result = Validate(certificate, chain);
        if (result.Accepted && requireHostNameMatch && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            return PeerValidation.Refuse($"{CertificateText.Describe(certificate!)} of pinned peer {CertificateText.Safe(result.Peer)} does not name the host " +
                                         $"this connection was opened to (its names: {CertificateText.AlternativeNames(certificate!)})");
        return result;
    }

    /// <summary>
    /// A callback for <see cref="SslStream"/> (either side) that applies this validation.
    /// </summary>
    /// <param name="requireHostNameMatch">See <see cref="ValidateHandshake"/>; on the connecting side pass the peer's SAN as targetHost.</param>
    /// <param name="observe">Told every decision, so the reason of a refusal reaches a log (SslStream only says "rejected").</param>
    public RemoteCertificateValidationCallback ForSslStream(bool requireHostNameMatch = false, Action<PeerValidation>? observe = null) =>
        (_, certificate, chain, errors) =>
        {
            PeerValidation result = ValidateHandshake(certificate, chain, errors, requireHostNameMatch);
            observe?.Invoke(result);
            return result.Accepted;
        };

    /// <summary>Null when <paramref name="leaf"/> chains to the anchor alone; else the chain status, on one line.</summary>
    private string? ChainProblem(X509Certificate2 leaf, X509Chain? chainFromTls, DateTime now)
    {
        using var chain = new X509Chain();
        X509ChainPolicy policy = chain.ChainPolicy;
        // Only the deployment CA is trusted: not the OS store, not a root the peer sent along.
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(_trustAnchor);
        // A dev CA publishes no revocation list and the nodes may have no route to one; pinning stands in for it.
        policy.RevocationMode = X509RevocationMode.NoCheck;
        // Never fetch an issuer from a URL the presented certificate names.
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now;
        policy.VerificationTimeIgnored = false;
        if (chainFromTls is not null)
        {
            foreach (X509ChainElement element in chainFromTls.ChainElements.Skip(1))
                policy.ExtraStore.Add(element.Certificate);
        }
        try
        {
            bool built = chain.Build(leaf);
            if (built && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(_trustAnchor.RawDataMemory.Span))
                return null;
            string status = string.Join("; ", chain.ChainStatus
                .Where(s => s.Status != X509ChainStatusFlags.NoError)
                .Select(s => $"{s.Status} ({s.StatusInformation.Trim().ReplaceLineEndings(" ")})")
                .Distinct());
            return status.Length > 0 ? status : "the chain ends at another root";
        }
        finally
        {
            foreach (X509ChainElement element in chain.ChainElements)
                element.Certificate.Dispose();
        }
    }

    private string? UsageProblem(X509Certificate2 certificate)
    {
        string needed = KeyPurpose.Name(RequiredUsage);
        X509Extension? extension = certificate.Extensions[X509EnhancedKeyUsage];
        if (extension is null)
            return $"has no extended key usage extension; {needed} is required";
        var usages = new X509EnhancedKeyUsageExtension(extension, extension.Critical).EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()
            .Select(o => o.Value ?? "").ToList();
        if (usages.Contains(RequiredUsage)) return null;
        string has = usages.Count == 0 ? "none" : string.Join(", ", usages.Select(KeyPurpose.Name));
        return $"lacks extended key usage {needed} (it has {has})";
    }

    private const string X509EnhancedKeyUsage = "2.5.29.37";
}
