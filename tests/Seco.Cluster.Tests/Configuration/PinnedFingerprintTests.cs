using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Xunit;

namespace Seco.Cluster.Tests.Configuration;

public sealed class PinnedFingerprintTests
{
    private static readonly string Hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    [Theory]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08")]
    [InlineData("9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08")]
    public void A_fingerprint_is_normalized_to_64_lowercase_hex_digits(string text)
    {
        Assert.Equal(Hex, PinnedFingerprint.Normalize(text));
        Assert.Equal(Hex, new PeerPin.Fingerprint(text).Sha256());
    }

    [Theory]
    [InlineData("")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a088")]
    [InlineData("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0g")]
    [InlineData("9f 86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")]
    [InlineData("paste-the-fingerprint-from-fingerprints.txt")]
    public void Anything_else_is_not_a_fingerprint(string text)
    {
        Assert.Null(PinnedFingerprint.Normalize(text));
        Assert.Throws<ArgumentException>(() => new PeerPin.Fingerprint(text));
    }

    [Fact]
    public void A_certificate_pin_is_the_SHA256_of_the_certificates_DER_encoding()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 certificate = new CertificateRequest("CN=B", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        string file = Path.Combine(Path.GetTempPath(), $"seco-pin-{Guid.NewGuid():N}.crt");
        try
        {
            File.WriteAllText(file, certificate.ExportCertificatePem());
            string expected = certificate.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant();

            Assert.Equal(expected, PinnedFingerprint.OfPemFile(file));
            Assert.Equal(expected, new PeerPin.Certificate(file).Sha256());

            File.WriteAllText(file, "not a certificate\n");
            Assert.ThrowsAny<CryptographicException>(() => new PeerPin.Certificate(file).Sha256());
        }
        finally
        {
            File.Delete(file);
        }
    }
}
