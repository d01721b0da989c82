using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Seco.Cluster.Security;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>Issue 17: which certificates a node accepts from a peer, and the one-line reason when it does not.</summary>
[Collection(DevDeploymentFixture.Collection)]
public sealed class PeerCertificateValidatorTests(DevDeploymentFixture fixture)
{
    private DevDeployment Deployment => fixture.Deployment;

    private PeerCertificateValidator Servers(string usage, TimeProvider? clock = null) =>
        new(Deployment.DeploymentCa, Deployment.ServerPins, usage, clock);

    [Theory]
    [InlineData(KeyPurpose.ServerAuth)]
    [InlineData(KeyPurpose.ClientAuth)]
    public void APinnedServerOfTheDeploymentIsAcceptedByName(string usage)
    {
        foreach (IssuedCertificate server in Deployment.Servers)
        {
            PeerValidation result = Servers(usage).Validate(server.Certificate);
            Assert.True(result.Accepted, result.Reason);
            Assert.Equal(server.Name, result.Peer);
            Assert.Equal($"certificate {server.Fingerprint} (CN={server.Name}) is pinned peer {server.Name}", result.Reason);
        }
    }

    [Fact]
    public void NoCertificateIsRefused()
    {
        PeerValidation result = Servers(KeyPurpose.ClientAuth).Validate(null);
        Assert.Equal(new PeerValidation(false, null, "no certificate presented"), result);
    }

    [Fact]
    public void ACertificateFromAnotherCaIsRefusedNamingTheCaProblem()
    {
        // The other deployment also has a server A; pin it too, so that only the chain can refuse it.
        IssuedCertificate stranger = fixture.Other.Servers.Single();
        var pins = new Dictionary<string, string>(Deployment.ServerPins) { ["A2"] = stranger.Fingerprint };
        PeerValidation result = new PeerCertificateValidator(Deployment.DeploymentCa, pins, KeyPurpose.ServerAuth).Validate(stranger.Certificate);
        Assert.False(result.Accepted);
        Assert.Null(result.Peer);
        Assert.StartsWith($"certificate {stranger.Fingerprint} (CN=A), issued by CN={fixture.Other.DeploymentCa.GetNameInfo(X509NameType.SimpleName, false)}, " +
                          $"does not chain to the deployment CA CN={Deployment.DeploymentCa.GetNameInfo(X509NameType.SimpleName, false)}: ", result.Reason);
        Assert.DoesNotContain('\n', result.Reason);
    }

    [Fact]
    public void AUserCertificateWhereAServerIsExpectedIsRefusedEvenIfPinned()
    {
        IssuedCertificate alice = fixture.User("alice");
        var pins = new Dictionary<string, string>(Deployment.ServerPins) { ["alice"] = alice.Fingerprint };
        PeerValidation result = new PeerCertificateValidator(Deployment.DeploymentCa, pins, KeyPurpose.ClientAuth).Validate(alice.Certificate);
        Assert.False(result.Accepted);
        Assert.Contains("(CN=alice), issued by CN=Seco dev user CA ", result.Reason);
        Assert.Contains("does not chain to the deployment CA", result.Reason);
    }

    [Fact]
    public void AtTheDoorAUserIsAcceptedAndAServerIsNot()
    {
        var door = new PeerCertificateValidator(Deployment.UserCa, Deployment.UserPins, KeyPurpose.ClientAuth);
        Assert.Equal("alice", door.Validate(fixture.User("alice").Certificate).Peer);
        PeerValidation server = door.Validate(fixture.Server("A").Certificate);
        Assert.False(server.Accepted);
        Assert.Contains("does not chain to the deployment CA CN=Seco dev user CA", server.Reason);
    }

    [Fact]
    public void AnUnpinnedCertificateThatChainsIsRefusedNamingItsFingerprint()
    {
        IssuedCertificate c = fixture.Server("C");
        var pins = Deployment.ServerPins.Where(p => p.Key != "C").ToDictionary();
        PeerValidation result = new PeerCertificateValidator(Deployment.DeploymentCa, pins, KeyPurpose.ServerAuth).Validate(c.Certificate);
        Assert.Equal(new PeerValidation(false, null, $"certificate {c.Fingerprint} (CN=C) is not one of the pinned peers A, B"), result);
    }

    [Fact]
    public void AServerCertificateWithoutClientAuthIsRefusedWhereClientAuthIsRequired()
    {
        using DevCertificateAuthority ca = DevCertificateAuthority.Create("test CA");
        using X509Certificate2 serverOnly = ca.Issue("S", [KeyPurpose.ServerAuth], "127.0.0.1");
        var pins = new Dictionary<string, string> { ["S"] = CertificateFingerprint.Of(serverOnly) };

        PeerValidation asClient = new PeerCertificateValidator(ca.Certificate, pins, KeyPurpose.ClientAuth).Validate(serverOnly);
        Assert.False(asClient.Accepted);
        Assert.EndsWith("(CN=S) lacks extended key usage clientAuth (it has serverAuth)", asClient.Reason);

        Assert.True(new PeerCertificateValidator(ca.Certificate, pins, KeyPurpose.ServerAuth).Validate(serverOnly).Accepted);

        // And the Akka callback, which needs both, refuses it.
        var akka = AkkaCertificateValidation.ForClusterPeers(ca.Certificate, pins, requireHostNameMatch: false);
        Assert.False(akka(serverOnly, null!, "akka.ssl.tcp://seco@127.0.0.1:4053", SslPolicyErrors.None, NoLogger.Instance));
    }

    [Fact]
    public void ACertificateWithoutExtendedKeyUsageIsRefused()
    {
        using DevCertificateAuthority ca = DevCertificateAuthority.Create("test CA");
        using X509Certificate2 any = ca.Issue("S", [], "127.0.0.1");
        var pins = new Dictionary<string, string> { ["S"] = CertificateFingerprint.Of(any) };
        PeerValidation result = new PeerCertificateValidator(ca.Certificate, pins, KeyPurpose.ServerAuth).Validate(any);
        Assert.EndsWith("lacks extended key usage serverAuth (it has none)", result.Reason);
    }

    [Fact]
    public void AnExpiredOrNotYetValidCertificateIsRefusedWithItsDates()
    {
        X509Certificate2 a = fixture.Server("A").Certificate;
        PeerValidation late = Servers(KeyPurpose.ServerAuth, new FixedClock(a.NotAfter.ToUniversalTime().AddDays(1))).Validate(a);
        Assert.False(late.Accepted);
        Assert.Matches(@"\(CN=A\) expired on \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", late.Reason);

        PeerValidation early = Servers(KeyPurpose.ServerAuth, new FixedClock(a.NotBefore.ToUniversalTime().AddDays(-1))).Validate(a);
        Assert.False(early.Accepted);
        Assert.Contains("(CN=A) is not valid before ", early.Reason);
    }

    [Fact]
    public void TheOsTrustDecisionIsIgnoredAndAHostNameMismatchCountsOnlyWhenAsked()
    {
        X509Certificate2 a = fixture.Server("A").Certificate;
        PeerCertificateValidator v = Servers(KeyPurpose.ServerAuth);
        Assert.True(v.ValidateHandshake(a, null, SslPolicyErrors.RemoteCertificateChainErrors, requireHostNameMatch: true).Accepted);
        Assert.True(v.ValidateHandshake(a, null, SslPolicyErrors.RemoteCertificateNameMismatch, requireHostNameMatch: false).Accepted);
        PeerValidation mismatch = v.ValidateHandshake(a, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors, requireHostNameMatch: true);
        Assert.False(mismatch.Accepted);
        Assert.EndsWith("(CN=A) of pinned peer A does not name the host this connection was opened to (its names: IP 127.0.0.1)", mismatch.Reason);
        Assert.Equal("no certificate presented", v.ValidateHandshake(null, null, SslPolicyErrors.RemoteCertificateNotAvailable, false).Reason);
    }

    [Fact]
    public void TheAkkaCallbackAcceptsAPinnedServerAndRefusesAUser()
    {
        var akka = AkkaCertificateValidation.ForClusterPeers(Deployment.DeploymentCa, Deployment.ServerPins, requireHostNameMatch: true);
        Assert.True(akka(fixture.Server("B").Certificate, null!, "akka.ssl.tcp://seco@localhost:4053", SslPolicyErrors.RemoteCertificateChainErrors, NoLogger.Instance));
        Assert.False(akka(fixture.Server("B").Certificate, null!, "akka.ssl.tcp://seco@10.0.0.9:4053", SslPolicyErrors.RemoteCertificateNameMismatch, NoLogger.Instance));
        Assert.False(akka(fixture.User("alice").Certificate, null!, "127.0.0.1:50000", SslPolicyErrors.None, NoLogger.Instance));
        Assert.False(akka(null!, null!, "127.0.0.1:50000", SslPolicyErrors.RemoteCertificateNotAvailable, NoLogger.Instance));
    }

    [Fact]
    public void TheConstructorRefusesAConfigurationThatCannotWork()
    {
        X509Certificate2 ca = Deployment.DeploymentCa;
        Assert.Contains("is not a CA certificate", Assert.Throws<ArgumentException>(() =>
            new PeerCertificateValidator(fixture.Server("A").Certificate, Deployment.ServerPins, KeyPurpose.ServerAuth)).Message);
        Assert.Contains("no peer is pinned", Assert.Throws<ArgumentException>(() =>
            new PeerCertificateValidator(ca, new Dictionary<string, string>(), KeyPurpose.ServerAuth)).Message);
        Assert.Contains("pinned peer 'B': 'abc' is not a SHA-256 fingerprint", Assert.Throws<ArgumentException>(() =>
            new PeerCertificateValidator(ca, new Dictionary<string, string> { ["B"] = "abc" }, KeyPurpose.ServerAuth)).Message);
        string fp = fixture.Server("A").Fingerprint;
        Assert.Contains($"peers 'A' and 'B' pin the same certificate {fp}", Assert.Throws<ArgumentException>(() =>
            new PeerCertificateValidator(ca, new Dictionary<string, string> { ["A"] = fp, ["B"] = fp.ToUpperInvariant() }, KeyPurpose.ServerAuth)).Message);
        Assert.Contains("required usage must be serverAuth", Assert.Throws<ArgumentException>(() =>
            new PeerCertificateValidator(ca, Deployment.ServerPins, "1.3.6.1.5.5.7.3.3")).Message);
    }
}
