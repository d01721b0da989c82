using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Configuration;

/// <summary>
/// The SHA-256 fingerprints that configuration files pin peers with: of a certificate's DER
/// encoding, written as 64 lowercase hex digits. Kept minimal: the TLS validator that checks a
/// peer against its pin lives with the transport.
/// </summary>
public static class PinnedFingerprint
{
    /// <summary>Hex digits in a SHA-256 fingerprint.</summary>
    public const int HexDigits = 64;

    /// <summary>
    /// <paramref name="text"/> as 64 lowercase hex digits: ':' separators are dropped and either
    /// case is accepted (<c>9F:86:D0:…</c> as OpenSSL prints it, or <c>9f86d0…</c>); null if it is
    /// not a SHA-256 fingerprint.
    /// </summary>
    public static string? Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string hex = text.Replace(":", "", StringComparison.Ordinal);
        return hex.Length == HexDigits && hex.All(char.IsAsciiHexDigit) ? hex.ToLowerInvariant() : null;
    }

    /// <summary>The fingerprint of the (first) certificate in the PEM file at <paramref name="path"/>.</summary>
    /// <exception cref="CryptographicException">The file holds no PEM certificate.</exception>
    public static string OfPemFile(string path)
    {
        // CreateFromPemFile would look for a private key in the file too; a pinned peer's file has none.
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        return Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }
}
