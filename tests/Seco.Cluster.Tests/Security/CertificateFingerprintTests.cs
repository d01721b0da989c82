using System.Security.Cryptography;
using Seco.Cluster.Security;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>Issue 17: the SHA-256 fingerprints nodes pin, and the forms a config may write them in.</summary>
[Collection(DevDeploymentFixture.Collection)]
public sealed class CertificateFingerprintTests(DevDeploymentFixture fixture)
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void AFingerprintIsTheLowercaseHexSha256OfTheDerBytes()
    {
        var cert = fixture.Server("A").Certificate;
        string fp = CertificateFingerprint.Of(cert);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(cert.RawData)).ToLowerInvariant(), fp);
        Assert.Matches("^[0-9a-f]{64}$", fp);
    }

    public static TheoryData<string> Accepted() => new()
    {
        Hex,
        Hex.ToUpperInvariant(),
        string.Join(':', Enumerable.Range(0, 32).Select(i => Hex.Substring(2 * i, 2))),
        string.Join(':', Enumerable.Range(0, 32).Select(i => Hex.Substring(2 * i, 2).ToUpperInvariant())),
        "  " + Hex + "\n",
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void HexWithOrWithoutColonsInEitherCaseIsAccepted(string text) =>
        Assert.Equal(Hex, CertificateFingerprint.Parse(text));

    public static TheoryData<string?, string> Refused() => new()
    {
        { null, "a SHA-256 fingerprint is required (64 hex digits); got an empty value" },
        { "  ", "a SHA-256 fingerprint is required" },
        { Hex[..63], $"'{Hex[..63]}' is not a SHA-256 fingerprint: 64 hex digits required, got 63" },
        { Hex + "0", "64 hex digits required, got 65" },
        { Hex[..40], "got 40 (40 is a SHA-1 thumbprint; use the SHA-256 fingerprint" },
        { "g" + Hex[1..], "'g' is not a hex digit" },
        { "sha256:" + Hex, "'s' is not a hex digit" },
        { Hex[..32] + " " + Hex[32..], "' ' is not a hex digit" },
        { Hex[..3] + ":" + Hex[3..], "with ':' separators every pair of hex digits is separated by exactly one ':'" },
        { ":" + Hex, "with ':' separators" },
        { Hex[..10] + "\u001b" + Hex[10..], "'\\u001b' is not a hex digit" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void AnythingElseIsRefusedWithAClearMessage(string? text, string expected)
    {
        Assert.False(CertificateFingerprint.TryParse(text, out string? fp, out string? problem));
        Assert.Null(fp);
        Assert.Contains(expected, problem);
        Assert.Contains(expected, Assert.Throws<FormatException>(() => CertificateFingerprint.Parse(text!)).Message);
    }
}
