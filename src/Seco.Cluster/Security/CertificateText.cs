using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Seco.Cluster.Security;

/// <summary>
/// Certificates named in one-line messages. A presented certificate's names are chosen by whoever presents it, so
/// they are shortened and their control characters escaped before they reach a log line.
/// </summary>
internal static class CertificateText
{
    private const int MaxName = 80;

    /// <summary>"certificate &lt;sha256&gt; (CN=…)".</summary>
    public static string Describe(X509Certificate2 certificate) =>
        $"certificate {CertificateFingerprint.Of(certificate)} (CN={CommonName(certificate)})";

    /// <summary>The subject's common name, shortened and escaped ("" when it has none).</summary>
    public static string CommonName(X509Certificate2 certificate) =>
        Safe(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));

    public static string IssuerName(X509Certificate2 certificate) =>
        Safe(certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: true));

    /// <summary>The subject alternative names: "IP 10.0.0.2", "DNS gateway.example"; "none" when absent.</summary>
    public static string AlternativeNames(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (X509SubjectAlternativeNameExtension san in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.AddRange(san.EnumerateIPAddresses().Select(ip => $"IP {ip}"));
            names.AddRange(san.EnumerateDnsNames().Select(dns => $"DNS {Safe(dns)}"));
        }
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    public static string Safe(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder();
        foreach (char c in text.Length <= MaxName ? text : text[..(MaxName - 3)])
            sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        if (text.Length > MaxName) sb.Append("...");
        return sb.ToString();
    }

    public static string Utc(DateTime time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
