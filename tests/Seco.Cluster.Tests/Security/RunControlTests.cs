using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Seco.Cluster.Hosting;
using Seco.Cluster.Security;
using Seco.Cluster.Wire;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>
/// The signatures of run-control messages without a cluster: what a recipient accepts (its claimed sender's key, for
/// itself, this run, deployment and gateway incarnation) and what it refuses; RSA and ECDSA keys; no TLS, no checks;
/// and the gateway's bookkeeping of unacknowledged stops.
/// </summary>
public sealed class RunControlTests(DevDeploymentFixture pki) : IClassFixture<DevDeploymentFixture>
{
    private static readonly ServerEndpoint[] Servers =
    [
        new("A", Party.Gateway, "127.0.0.1", 1), new("B", Party.Garbler, "127.0.0.1", 2), new("C", Party.Evaluator, "127.0.0.1", 3),
    ];

    private NodeSettings Settings(string name, bool configured = true) =>
        new(name, Servers, new ServerTls(pki.Deployment.Servers.Single(s => s.Name == name).Certificate, pki.Deployment.DeploymentCa, pki.Deployment.ServerPins,
            configured ? [.. pki.Deployment.Servers.Select(s => s.Certificate)] : null), FailureSettings.Default);

    [Fact]
    public void The_recipient_accepts_exactly_what_its_claimed_sender_signed_for_it()
    {
        var a = new RunControl(Settings("A"));
        var b = new RunControl(Settings("B"));
        var c = new RunControl(Settings("C"));
        Assert.Null(a.KeyProblem);
        RunStart start = a.Sealed(new RunStart(7, "dep"), Party.Evaluator, 42, "dep");
        Assert.Null(c.Problem(start, 42, "dep"));
        Assert.Contains("does not verify", b.Problem(start, 42, "dep"));                       // meant for C
        Assert.Contains("another incarnation", c.Problem(start, 43, "dep"));                  // another gateway
        Assert.Contains("does not verify", c.Problem(start with { Run = 8 }, 42, "dep"));     // another run
        Assert.Contains("does not verify", c.Problem(start, 42, "other"));                    // another deployment
        Assert.Contains("it is not signed", c.Problem(new RunStart(7, "dep"), 42, "dep"));
        Assert.Contains("claims to come from this server", a.Problem(start, 42, "dep"));

        RunStop stop = a.Sealed(new RunStop(7, Party.Gateway, "the user finished"), Party.Evaluator, 42, "dep");
        Assert.Null(c.Problem(stop, 42, "dep"));
        Assert.Contains("does not verify", c.Problem(stop with { Reason = "something else" }, 42, "dep"));
        // B signs in A's name: verified against A's certificate, it fails.
        Assert.Contains("does not verify against A's pinned certificate", c.Problem(b.Sealed(new RunStop(7, Party.Gateway, "x"), Party.Evaluator, 42, "dep"), 42, "dep"));
        RunStopped ack = c.Sealed(new RunStopped(7, Party.Evaluator), Party.Gateway, 42, "dep");
        Assert.Null(a.Problem(ack, 42, "dep"));
        Assert.Contains("does not verify", a.Problem(ack with { From = Party.Garbler }, 42, "dep"));

        // A flipped bit in the signature; a signature of garbage length: a problem, never an exception.
        byte[] flipped = (byte[])start.Seal.Signature.Clone();
        flipped[10] ^= 1;
        Assert.Contains("does not verify", c.Problem(start with { Seal = start.Seal with { Signature = flipped } }, 42, "dep"));
        Assert.NotNull(c.Problem(start with { Seal = start.Seal with { Signature = [1, 2, 3] } }, 42, "dep"));
    }

    [Fact]
    public void A_server_pinned_by_fingerprint_is_verified_once_its_certificate_was_seen()
    {
        var a = new RunControl(Settings("A", configured: false));
        NodeSettings cSettings = Settings("C", configured: false);
        var c = new RunControl(cSettings);
        RunStart start = a.Sealed(new RunStart(1, "dep"), Party.Evaluator, 5, "dep");
        Assert.Contains("A's certificate is not known yet", c.Problem(start, 5, "dep"));
        Assert.False(cSettings.Tls!.Known.Learn(pki.Deployment.UserCa));
        Assert.True(cSettings.Tls.Known.Learn(pki.Deployment.Servers.Single(s => s.Name == "A").Certificate));
        Assert.Null(c.Problem(start, 5, "dep"));
    }

    [Fact]
    public void A_configured_certificate_must_be_pinned() =>
        Assert.Throws<ArgumentException>(() => new ServerTls(pki.Deployment.Servers[0].Certificate, pki.Deployment.DeploymentCa, pki.Deployment.ServerPins,
            [pki.Deployment.Users[0].Certificate]));

    [Fact]
    public void Ecdsa_keys_sign_and_verify()
    {
        X509Certificate2[] certificates = [.. new[] { "A", "B", "C" }.Select(EcdsaCertificate)];
        var pins = certificates.ToDictionary(CertificateText.CommonName, CertificateFingerprint.Of);
        NodeSettings Of(int i) => new(Servers[i].Name, Servers, new ServerTls(certificates[i], pki.Deployment.DeploymentCa, pins, certificates), FailureSettings.Default);
        var a = new RunControl(Of(0));
        var c = new RunControl(Of(2));
        Assert.Null(a.KeyProblem);
        RunStart start = a.Sealed(new RunStart(3, "dep"), Party.Evaluator, 9, "dep");
        Assert.InRange(start.Seal.Signature.Length, 64, 64);
        Assert.Null(c.Problem(start, 9, "dep"));
        Assert.Contains("does not verify", c.Problem(start with { Run = 4 }, 9, "dep"));
    }

    [Fact]
    public void Without_tls_nothing_is_signed_or_checked()
    {
        NodeSettings plain(string n) => new(n, Servers, null, FailureSettings.Default);
        var a = new RunControl(plain("A"));
        RunStart start = a.Sealed(new RunStart(3, "dep"), Party.Evaluator, 9, "dep");
        Assert.Empty(start.Seal.Signature);
        Assert.Null(new RunControl(plain("C")).Problem(new RunStart(3, "dep"), 1, "x"));
    }

    [Fact]
    public void A_stop_is_resent_until_acknowledged_and_given_up_after_its_sends()
    {
        var stops = new PendingStops(maxSends: 3);
        RunStop b1 = new(1, Party.Gateway, "done"), c1 = new(1, Party.Gateway, "done");
        stops.Sent(Party.Garbler, b1);
        stops.Sent(Party.Evaluator, c1);
        Assert.False(stops.Acknowledged(Party.Garbler, 2));   // another run's acknowledgement
        Assert.True(stops.Acknowledged(Party.Garbler, 1));
        Assert.False(stops.Acknowledged(Party.Garbler, 1));
        var (resend, givenUp) = stops.Tick();
        Assert.Equal([(Party.Evaluator, c1)], resend);       // the lost one, again
        Assert.Empty(givenUp);
        Assert.Single(stops.Tick().Resend);                   // third send
        (resend, givenUp) = stops.Tick();
        Assert.Empty(resend);
        Assert.Equal([(Party.Evaluator, c1)], givenUp);
        Assert.False(stops.Any);
        // A newer stop replaces an older one still pending.
        stops.Sent(Party.Evaluator, c1);
        RunStop c2 = new(2, Party.Gateway, "next");
        stops.Sent(Party.Evaluator, c2);
        Assert.False(stops.Acknowledged(Party.Evaluator, 1));
        Assert.True(stops.Acknowledged(Party.Evaluator, 2));
    }

    private static X509Certificate2 EcdsaCertificate(string name)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using X509Certificate2 made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }
}
