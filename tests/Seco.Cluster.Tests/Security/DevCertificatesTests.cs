using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Security;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>Issue 17: what `seco certs` makes — the certificates' contents, their chains and the files.</summary>
[Collection(DevDeploymentFixture.Collection)]
public sealed class DevCertificatesTests(DevDeploymentFixture fixture)
{
    private DevDeployment Deployment => fixture.Deployment;

    [Theory]
    [InlineData("A", "IP 127.0.0.1")]
    [InlineData("B", "DNS localhost")]
    [InlineData("C", "IP ::1")]
    public void AServerCertificateChainsToTheDeploymentCaForBothUsagesAndNamesItsHost(string name, string san)
    {
        X509Certificate2 cert = fixture.Server(name).Certificate;
        Assert.Equal(name, cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal(san, CertificateText.AlternativeNames(cert));
        Assert.True(cert.HasPrivateKey);
        Assert.Equal(DevCertificateAuthority.KeyBits, cert.GetRSAPublicKey()!.KeySize);
        Assert.False(cert.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, cert.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages);
        Assert.Equal([KeyPurpose.ServerAuth, KeyPurpose.ClientAuth], Usages(cert));
        // Valid now and a while before (a peer's clock may be behind), for about two years.
        Assert.InRange(cert.NotBefore.ToUniversalTime(), DateTime.UtcNow.AddHours(-2), DateTime.UtcNow.AddMinutes(-30));
        Assert.InRange(cert.NotAfter.ToUniversalTime(), DateTime.UtcNow.AddDays(700), DateTime.UtcNow.AddDays(731));

        // An independent check of the chain: the OS chain engine with the deployment CA as the only root.
        Assert.Equal("", ChainErrors(cert, Deployment.DeploymentCa, KeyPurpose.ServerAuth, KeyPurpose.ClientAuth));
        Assert.NotEqual("", ChainErrors(cert, Deployment.UserCa, KeyPurpose.ServerAuth));
    }

    [Fact]
    public void AUserCertificateChainsToTheUserCaForClientAuthOnly()
    {
        X509Certificate2 cert = fixture.User("alice").Certificate;
        Assert.Equal("alice", cert.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal([KeyPurpose.ClientAuth], Usages(cert));
        Assert.Equal("none", CertificateText.AlternativeNames(cert));
        Assert.Equal("", ChainErrors(cert, Deployment.UserCa, KeyPurpose.ClientAuth));
        Assert.NotEqual("", ChainErrors(cert, Deployment.UserCa, KeyPurpose.ServerAuth));
        Assert.NotEqual("", ChainErrors(cert, Deployment.DeploymentCa, KeyPurpose.ClientAuth));
    }

    [Fact]
    public void TheTwoCasAreDistinctCasThatSignOnlyLeaves()
    {
        foreach (X509Certificate2 ca in new[] { Deployment.DeploymentCa, Deployment.UserCa })
        {
            X509BasicConstraintsExtension constraints = ca.Extensions.OfType<X509BasicConstraintsExtension>().Single();
            Assert.True(constraints.CertificateAuthority);
            Assert.True(constraints.HasPathLengthConstraint);
            Assert.Equal(0, constraints.PathLengthConstraint);
            Assert.False(ca.HasPrivateKey);
        }
        Assert.NotEqual(Deployment.DeploymentCa.Subject, Deployment.UserCa.Subject);
        Assert.NotEqual(Deployment.DeploymentCa.Subject, fixture.Other.DeploymentCa.Subject);
    }

    [Fact]
    public void WriteProducesEveryFileAndOnlyTheOwnerCanReadTheKeys()
    {
        string[] names = ["ca.crt", "user-ca.crt", "A.pfx", "A.crt", "B.pfx", "B.crt", "C.pfx", "C.crt", "alice.pfx", "alice.crt", "fingerprints.txt"];
        Assert.Equal(names, fixture.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.Equal(names.Order(), Directory.GetFiles(fixture.Out).Select(Path.GetFileName).Order());
        Assert.All(fixture.Files, f => Assert.Equal(f.Path.EndsWith(".pfx"), f.Secret));
        if (!OperatingSystem.IsWindows())
        {
            // Public files: 0644 less the umask.
            foreach (WrittenFile file in fixture.Files)
                Assert.Equal(file.Secret ? Mode("600") : Mode("644") & ~Umask(), File.GetUnixFileMode(file.Path));
            Assert.Equal(Mode("700"), File.GetUnixFileMode(fixture.Out));
        }

        Assert.Equal(Deployment.DeploymentCa.RawData, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(fixture.Out, "ca.crt")).RawData);
        Assert.Equal(Deployment.UserCa.RawData, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(fixture.Out, "user-ca.crt")).RawData);
        foreach (IssuedCertificate issued in Deployment.Servers.Concat(Deployment.Users))
        {
            using X509Certificate2 pfx = LoadAsAkkaDoes(Path.Combine(fixture.Out, issued.Name + ".pfx"), "");
            Assert.True(pfx.HasPrivateKey);
            Assert.Equal(issued.Fingerprint, CertificateFingerprint.Of(pfx));
            Assert.Equal(issued.Certificate.RawData, X509CertificateLoader.LoadCertificateFromFile(Path.Combine(fixture.Out, issued.Name + ".crt")).RawData);
        }
    }

    [Fact]
    public void FingerprintsTxtListsNameRoleAndFingerprintOfEveryCertificate()
    {
        string[] lines = File.ReadAllLines(Path.Combine(fixture.Out, "fingerprints.txt"));
        Assert.Contains(lines, l => l.StartsWith("# deployment CA CN=Seco dev deployment CA ") && l.EndsWith(CertificateFingerprint.Of(Deployment.DeploymentCa)));
        var entries = lines.Where(l => !l.StartsWith('#')).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.Equal(
            Deployment.Servers.Select(s => $"{s.Name} server {s.Fingerprint}").Concat(Deployment.Users.Select(u => $"{u.Name} user {u.Fingerprint}")),
            entries.Select(e => string.Join(' ', e)));
        Assert.All(entries, e => Assert.Equal(e[2], CertificateFingerprint.Parse(e[2])));
    }

    [Fact]
    public void WriteRefusesToOverwriteWithoutForceAndReplacesWithIt()
    {
        string dir = fixture.NewFolder();
        string existing = Path.Combine(dir, "B.pfx");
        File.WriteAllText(existing, "keep me");

        var e = Assert.Throws<DevCertificateException>(() => DevCertificates.Write(Deployment, dir));
        Assert.Contains("refusing to overwrite 1 existing file(s)", e.Message);
        Assert.Contains("B.pfx", e.Message);
        // Nothing was written: the refusal comes before the first file.
        Assert.Equal(["B.pfx"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Equal("keep me", File.ReadAllText(existing));

        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(existing, Mode("666"));
        DevCertificates.Write(Deployment, dir, force: true);
        using X509Certificate2 replaced = LoadAsAkkaDoes(existing, "");
        Assert.Equal(fixture.Server("B").Fingerprint, CertificateFingerprint.Of(replaced));
        // The replaced key file is owner-only even though the old file was world-writable.
        if (!OperatingSystem.IsWindows()) Assert.Equal(Mode("600"), File.GetUnixFileMode(existing));
        Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp"));
    }

    [Fact]
    public void APasswordProtectsThePkcs12Files()
    {
        string dir = fixture.NewFolder();
        DevCertificates.Write(Deployment, dir, password: "s3cret pass");
        string pfx = Path.Combine(dir, "A.pfx");
        using (X509Certificate2 loaded = LoadAsAkkaDoes(pfx, "s3cret pass")) Assert.True(loaded.HasPrivateKey);
        Assert.ThrowsAny<CryptographicException>(() => LoadAsAkkaDoes(pfx, ""));
        Assert.ThrowsAny<CryptographicException>(() => LoadAsAkkaDoes(pfx, "wrong"));
    }

    [Fact]
    public void WriteRefusesAFileWhereTheFolderGoes()
    {
        string file = Path.Combine(fixture.NewFolder(), "not-a-folder");
        File.WriteAllText(file, "");
        var e = Assert.Throws<DevCertificateException>(() => DevCertificates.Write(Deployment, file));
        Assert.Contains("is a file", e.Message);
    }

    public static TheoryData<string[], string[], string?, string> BadPlans() => new()
    {
        { [], [], null, "at least one server is required" },
        { ["A", "a"], [], null, "server name 'a' is given twice" },
        { ["A"], ["a"], null, "'a' is both a server and a user" },
        { ["A"], ["u", "u"], null, "user name 'u' is given twice" },
        { ["A B"], [], null, "server name 'A B' has ' '; use letters, digits, '_' and '-'" },
        { ["A"], ["al.ice"], null, "user name 'al.ice' has '.'" },
        { [""], [], null, "server name is empty" },
        { [new string('x', 33)], [], null, "is longer than 32 characters" },
        { ["ca"], [], null, "server name 'ca' is taken by the CA files" },
        { ["A"], ["User-CA"], null, "user name 'User-CA' is taken by the CA files" },
        { ["A\u001b"], [], null, "has '\\u001b'" },
        { ["A"], [], "Z=1.2.3.4", "a host is given for 'Z', which is not one of the servers A" },
        { ["A"], [], "A=10.1", "'10.1' is not an IPv4 address" },
        { ["A"], [], "A=300.1.1.1", "'300.1.1.1' is not an IPv4 address" },
        { ["A"], [], "A=fe80::1%eth0", "is not an IPv6 address" },
        { ["A"], [], "A=-bad.example", "is neither an IP address nor a DNS name" },
        { ["A"], [], "A=*.example", "is neither an IP address nor a DNS name" },
        { ["A"], [], "A=", "host is empty" },
    };

    [Theory]
    [MemberData(nameof(BadPlans))]
    public void APlanWithABadNameOrHostIsRefusedWithTheReason(string[] servers, string[] users, string? host, string expected)
    {
        Dictionary<string, string>? hosts = host is null ? null : new() { [host.Split('=')[0]] = host.Split('=')[1] };
        var e = Assert.Throws<DevCertificateException>(() => DevCertificatePlan.Create(servers, users, hosts));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void APlanGivesUnnamedServersTheLoopbackAddress()
    {
        DevCertificatePlan plan = DevCertificatePlan.Create(["gw", "g_1", "e-1"], [], new Dictionary<string, string> { ["g_1"] = "node1.example.", ["e-1"] = "0:0::1" });
        Assert.Equal([new DevServer("gw", "127.0.0.1"), new DevServer("g_1", "node1.example"), new DevServer("e-1", "::1")], plan.Servers);
    }

    private static UnixFileMode Mode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);

    /// <summary>The process umask, read from a file created with 0666.</summary>
    [UnsupportedOSPlatform("windows")]
    private static UnixFileMode Umask()
    {
        string probe = Path.GetTempFileName();
        try
        {
            File.Delete(probe);
            using (new FileStream(probe, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = Mode("666") })) { }
            return Mode("666") & ~File.GetUnixFileMode(probe);
        }
        finally
        {
            File.Delete(probe);
        }
    }

    private static string[] Usages(X509Certificate2 cert) =>
        cert.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value!).ToArray();

    /// <summary>The chain status of <paramref name="leaf"/> with <paramref name="root"/> as the only trusted root and the usages required ("" = valid).</summary>
    private static string ChainErrors(X509Certificate2 leaf, X509Certificate2 root, params string[] usages)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (string usage in usages) chain.ChainPolicy.ApplicationPolicy.Add(new Oid(usage));
        return chain.Build(leaf) ? "" : string.Join("; ", chain.ChainStatus.Select(s => s.Status));
    }

    /// <summary>Akka.Remote 1.5.75 loads `ssl.certificate.path` with this constructor (SslSettings), default key flags.</summary>
#pragma warning disable SYSLIB0057 // obsolete in .NET 9, but it is what Akka calls
    internal static X509Certificate2 LoadAsAkkaDoes(string path, string password) => new(path, password, X509KeyStorageFlags.DefaultKeySet);
#pragma warning restore SYSLIB0057
}
