namespace Seco.Cluster.Security;

/// <summary>
/// What <see cref="PeerCertificateValidator"/> decided about one presented certificate.
/// </summary>
/// <param name="Accepted">The certificate chains to the trust anchor, is in date, allows the required use and is pinned.</param>
/// <param name="Peer">The pinned name the certificate belongs to, when accepted.</param>
/// <param name="Reason">One line: which pinned peer it is, or the first problem found (for a log or an error message).</param>
public sealed record PeerValidation(bool Accepted, string? Peer, string Reason)
{
    internal static PeerValidation Accept(string peer, string reason) => new(true, peer, reason);

    internal static PeerValidation Refuse(string reason) => new(false, null, reason);
}
