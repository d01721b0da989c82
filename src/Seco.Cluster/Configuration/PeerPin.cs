namespace Seco.Cluster.Configuration;

/// <summary>
/// How a configuration file pins a peer's certificate (a server, the gateway's door, a user):
/// by the path of the peer's PEM certificate (<c>certificate:</c>), whose SHA-256 is pinned, or
/// by that SHA-256 itself (<c>fingerprint:</c>). The loader checks that a certificate file
/// exists but does not read it; <see cref="Sha256"/> does.
/// </summary>
public abstract record PeerPin
{
    private PeerPin()
    {
    }

    /// <summary>The pinned fingerprint: 64 lowercase hex digits (<see cref="PinnedFingerprint"/>).</summary>
    /// <exception cref="System.Security.Cryptography.CryptographicException">A certificate file that holds no PEM certificate.</exception>
    public abstract string Sha256();

    /// <summary>Pins the certificate in the PEM file at <paramref name="File"/> (an absolute path).</summary>
    public sealed record Certificate(string File) : PeerPin
    {
        public override string Sha256() => PinnedFingerprint.OfPemFile(File);
    }

    /// <summary>Pins a SHA-256 fingerprint, kept normalized (64 lowercase hex digits).</summary>
    public sealed record Fingerprint : PeerPin
    {
        /// <param name="sha256">64 hex digits, either case, ':' separators allowed.</param>
        /// <exception cref="ArgumentException">Not a SHA-256 fingerprint.</exception>
        public Fingerprint(string sha256) =>
            Hex = PinnedFingerprint.Normalize(sha256)
                ?? throw new ArgumentException("expected a SHA-256 fingerprint: 64 hex digits (':' separators allowed)", nameof(sha256));

        public string Hex { get; }

        public override string Sha256() => Hex;
    }
}
