using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Seco.Cluster.Security;

/// <summary>
/// The SHA-256 fingerprint a node pins for each peer: lowercase hex of the SHA-256 of the certificate's DER bytes,
/// 64 digits, no separators. SHA-256 rather than <see cref="X509Certificate2.Thumbprint"/> (SHA-1, which Akka's own
/// <c>CertificateValidation.PinnedCertificate</c> compares): a pin must not rest on a broken hash.
/// </summary>
public static class CertificateFingerprint
{
    public const int HexDigits = 2 * SHA256.HashSizeInBytes;

    /// <summary>The fingerprint of <paramref name="certificate"/>: 64 lowercase hex digits.</summary>
    public static string Of(X509Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return Convert.ToHexStringLower(SHA256.HashData(certificate.GetRawCertData()));
    }

    /// <summary>
    /// A fingerprint as written in a config or copied from a tool: 64 hex digits, upper or lower case, either run
    /// together or in pairs separated by ':' (as openssl prints them). Surrounding white space is ignored.
    /// </summary>
    /// <returns>The normalised form (<see cref="Of"/>'s).</returns>
    /// <exception cref="FormatException">Anything else, with a message naming what is wrong.</exception>
    public static string Parse(string text) =>
        TryParse(text, out string? fingerprint, out string? problem) ? fingerprint : throw new FormatException(problem);

    public static bool TryParse(string? text, [NotNullWhen(true)] out string? fingerprint, [NotNullWhen(false)] out string? problem)
    {
        fingerprint = null;
        problem = Problem(text);
        if (problem is not null) return false;
        fingerprint = text!.Trim().Replace(":", "", StringComparison.Ordinal).ToLowerInvariant();
        return true;
    }

    private static string? Problem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "a SHA-256 fingerprint is required (64 hex digits); got an empty value";
        string trimmed = text.Trim();
        // Quoted shortened: the value may be anything a config file holds.
        string shown = trimmed.Length <= 100 ? trimmed : trimmed[..97] + "...";
        string prefix = $"'{Printable(shown)}' is not a SHA-256 fingerprint";
        bool separated = trimmed.Contains(':');
        string digits = trimmed.Replace(":", "", StringComparison.Ordinal);
        if (digits.FirstOrDefault(c => !char.IsAsciiHexDigit(c)) is var bad and not '\0')
            return $"{prefix}: '{Printable(bad.ToString())}' is not a hex digit";
        if (digits.Length != HexDigits)
        {
            // 40 digits is what Windows, Akka and openssl's default print: the SHA-1 thumbprint.
            string hint = digits.Length == 40 ? " (40 is a SHA-1 thumbprint; use the SHA-256 fingerprint, e.g. from fingerprints.txt)" : "";
            return $"{prefix}: {HexDigits} hex digits required, got {digits.Length}{hint}";
        }
        if (separated && !IsPairs(trimmed))
            return $"{prefix}: with ':' separators every pair of hex digits is separated by exactly one ':'";
        return null;
    }

    /// <summary>"ab:cd:…": 32 pairs, one ':' between each.</summary>
    private static bool IsPairs(string text)
    {
        if (text.Length != HexDigits + HexDigits / 2 - 1) return false;
        for (int i = 2; i < text.Length; i += 3)
            if (text[i] != ':') return false;
        return true;
    }

    private static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
