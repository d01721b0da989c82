using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Seco.Cli.Tests;

/// <summary>Issue 17: `seco certs` writes a development deployment's certificates and prints what to pin.</summary>
public sealed class CertsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seco-certs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CertsWritesTheFilesAndPrintsTheFingerprints()
    {
        string outDir = Path.Combine(_dir, "deploy");
        string passwordFile = Path.Combine(_dir, "password");
        File.WriteAllText(passwordFile, "open sesame\n");

        CliHarness.Result r = CliHarness.Run("certs", "--out", outDir, "--servers", "A,B,C", "--users", "alice",
            "--hosts", "B=10.0.0.2,C=gw.example", "--password-file", passwordFile);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("", r.Error);
        Assert.Equal(
            new[] { "A.crt", "A.pfx", "B.crt", "B.pfx", "C.crt", "C.pfx", "alice.crt", "alice.pfx", "ca.crt", "fingerprints.txt", "user-ca.crt" },
            Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains($"Wrote 11 files to {outDir}", r.Output);

        // Every certificate's fingerprint is printed as fingerprints.txt has it, ready to paste.
        foreach (string line in File.ReadAllLines(Path.Combine(outDir, "fingerprints.txt")).Where(l => !l.StartsWith('#')))
            Assert.Contains("  " + line + "\n", r.Output.ReplaceLineEndings("\n"));
        using X509Certificate2 b = X509CertificateLoader.LoadPkcs12FromFile(Path.Combine(outDir, "B.pfx"), "open sesame");
        Assert.Matches($"B +server +{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(b.RawData))}", r.Output);
        Assert.Equal("10.0.0.2", b.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses().Single().ToString());

        // A second run refuses to overwrite (ca.crt, user-ca.crt, A.pfx, A.crt, fingerprints.txt); with --force it replaces.
        CliHarness.Result again = CliHarness.Run("certs", "--out", outDir, "--servers", "A");
        Assert.Equal(1, again.ExitCode);
        Assert.StartsWith("error: refusing to overwrite 5 existing file(s)", again.Error);
        Assert.Equal(0, CliHarness.Run("certs", "--out", outDir, "--servers", "A", "--force").ExitCode);
    }

    [Fact]
    public void APasswordFileOfMoreThanOneLineIsRefused()
    {
        string passwordFile = Path.Combine(_dir, "password");
        File.WriteAllText(passwordFile, "one\ntwo\n");
        CliHarness.Result r = CliHarness.Run("certs", "--out", Path.Combine(_dir, "never"), "--servers", "A", "--password-file", passwordFile);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: password file {passwordFile} has more than one line; it should hold the password alone\n", r.Error.ReplaceLineEndings("\n"));
        Assert.False(Directory.Exists(Path.Combine(_dir, "never")));
    }

    [Theory]
    [InlineData(new[] { "--servers", "A,B C" }, "error: --servers: name 'B C' has ' '; use letters, digits, '_' and '-'")]
    [InlineData(new[] { "--servers", "A,,B" }, "error: --servers: an empty name in 'A,,B'")]
    [InlineData(new[] { "--servers", "A,a" }, "error: server name 'a' is given twice (names are compared ignoring case)")]
    [InlineData(new[] { "--servers", "A", "--users", "A" }, "error: 'A' is both a server and a user")]
    [InlineData(new[] { "--servers", "A", "--hosts", "A=10.1" }, "error: --hosts: host of A: '10.1' is not an IPv4 address")]
    [InlineData(new[] { "--servers", "A", "--hosts", "B=10.0.0.1" }, "error: a host is given for 'B', which is not one of the servers A")]
    [InlineData(new[] { "--users", "alice" }, "error: Option '--servers' is required.")]
    public void ABadListIsOneErrorLineAndExitCode1(string[] options, string expected)
    {
        string outDir = Path.Combine(_dir, "never");
        CliHarness.Result r = CliHarness.Run(["certs", "--out", outDir, .. options]);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith(expected, r.Error);
        Assert.False(Directory.Exists(outDir));
    }
}
