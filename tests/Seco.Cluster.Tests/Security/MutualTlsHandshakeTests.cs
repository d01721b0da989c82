using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Security;
using Xunit;

namespace Seco.Cluster.Tests.Security;

/// <summary>
/// Issue 17: the certificates work in a real mutual-TLS handshake (SslStream over loopback TCP, both sides'
/// certificates loaded from the PKCS#12 files as Akka.Remote loads them), with the validator deciding on both sides.
/// </summary>
[Collection(DevDeploymentFixture.Collection)]
public sealed class MutualTlsHandshakeTests(DevDeploymentFixture fixture) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<PeerValidation> _serverSaw = new();
    private readonly ConcurrentQueue<PeerValidation> _clientSaw = new();
    private readonly List<X509Certificate2> _loaded = [];

    private X509Certificate2 Pfx(string name)
    {
        X509Certificate2 cert = DevCertificatesTests.LoadAsAkkaDoes(Path.Combine(fixture.Out, name + ".pfx"), "");
        _loaded.Add(cert);
        return cert;
    }

    private PeerCertificateValidator Cluster(string usage) =>
        new(fixture.Deployment.DeploymentCa, fixture.Deployment.ServerPins, usage);

    [Fact]
    public async Task TwoServersCompleteAMutualTlsHandshakeAndEachNamesTheOther()
    {
        // A listens, B connects: each presents its own certificate and checks the other's.
        (Exception? server, Exception? client) = await Handshake(
            Pfx("A"), Cluster(KeyPurpose.ClientAuth),
            Pfx("B"), Cluster(KeyPurpose.ServerAuth), targetHost: "127.0.0.1", requireHostNameMatch: true);
        Assert.Null(server);
        Assert.Null(client);
        Assert.Equal("B", Assert.Single(_serverSaw).Peer);
        Assert.Equal("A", Assert.Single(_clientSaw).Peer);
    }

    [Fact]
    public async Task AUserCompletesAHandshakeAtTheDoor()
    {
        var door = new PeerCertificateValidator(fixture.Deployment.UserCa, fixture.Deployment.UserPins, KeyPurpose.ClientAuth);
        (Exception? server, Exception? client) = await Handshake(
            Pfx("A"), door, Pfx("alice"), Cluster(KeyPurpose.ServerAuth), targetHost: "127.0.0.1", requireHostNameMatch: true);
        Assert.Null(server);
        Assert.Null(client);
        Assert.Equal("alice", Assert.Single(_serverSaw).Peer);
    }

    [Fact]
    public async Task TheConnectingSideRefusesAServerWhoseCertificateDoesNotNameTheDialledHost()
    {
        // B's SAN is DNS localhost; dialled as 127.0.0.1 it does not match.
        (_, Exception? client) = await Handshake(
            Pfx("B"), Cluster(KeyPurpose.ClientAuth),
            Pfx("A"), Cluster(KeyPurpose.ServerAuth), targetHost: "127.0.0.1", requireHostNameMatch: true);
        Assert.IsType<AuthenticationException>(client);
        PeerValidation refused = Assert.Single(_clientSaw);
        Assert.False(refused.Accepted);
        Assert.Contains("of pinned peer B does not name the host this connection was opened to (its names: DNS localhost)", refused.Reason);
    }

    [Fact]
    public async Task TheAcceptingSideRefusesAClientFromAnotherDeployment()
    {
        string otherDir = fixture.NewFolder();
        DevCertificates.Write(fixture.Other, otherDir);
        X509Certificate2 stranger = DevCertificatesTests.LoadAsAkkaDoes(Path.Combine(otherDir, "A.pfx"), "");
        _loaded.Add(stranger);

        (Exception? server, Exception? client) = await Handshake(
            Pfx("A"), Cluster(KeyPurpose.ClientAuth),
            stranger, Cluster(KeyPurpose.ServerAuth), targetHost: "127.0.0.1", requireHostNameMatch: true);
        Assert.IsType<AuthenticationException>(server);
        // Under TLS 1.3 the client may finish its side first and learn of the refusal only when it reads.
        Assert.NotNull(client);
        PeerValidation refused = Assert.Single(_serverSaw);
        Assert.False(refused.Accepted);
        Assert.Contains("does not chain to the deployment CA", refused.Reason);
    }

    /// <summary>
    /// One connection over loopback; after the handshake each side sends one byte and reads the other's, so that a
    /// refusal the client learns of only after its handshake (TLS 1.3) surfaces too. Returns each side's failure.
    /// </summary>
    private async Task<(Exception? Server, Exception? Client)> Handshake(
        X509Certificate2 serverCert, PeerCertificateValidator serverChecks,
        X509Certificate2 clientCert, PeerCertificateValidator clientChecks, string targetHost, bool requireHostNameMatch)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            Task<Exception?> server = Side(async () =>
            {
                using TcpClient accepted = await listener.AcceptTcpClientAsync(cancel.Token);
                await using var tls = new SslStream(accepted.GetStream(), leaveInnerStreamOpen: false);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = serverCert,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = serverChecks.ForSslStream(observe: _serverSaw.Enqueue),
                }, cancel.Token);
                await Exchange(tls, cancel.Token);
            });
            Task<Exception?> client = Side(async () =>
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port, cancel.Token);
                await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = targetHost,
                    // As Akka does: always offer this certificate, whatever CAs the server names.
                    LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCert,
                    RemoteCertificateValidationCallback = clientChecks.ForSslStream(requireHostNameMatch, _clientSaw.Enqueue),
                }, cancel.Token);
                await Exchange(tls, cancel.Token);
            });
            return (await server, await client);
        }
        finally
        {
            listener.Stop();
        }
    }

    private static async Task Exchange(SslStream tls, CancellationToken cancel)
    {
        await tls.WriteAsync(new byte[] { 42 }, cancel);
        byte[] buffer = new byte[1];
        int read = await tls.ReadAsync(buffer, cancel);
        if (read != 1 || buffer[0] != 42) throw new IOException($"the peer closed the connection (read {read} bytes)");
    }

    private static async Task<Exception?> Side(Func<Task> run)
    {
        try
        {
            await run();
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }

    public void Dispose()
    {
        foreach (X509Certificate2 cert in _loaded) cert.Dispose();
    }
}
