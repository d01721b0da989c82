using System.Buffers.Binary;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Nn.Field;
using Seco.Protocol.Model;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests;

/// <summary>
/// Whatever reaches a node's ports — the user door or the Akka port — from a client that is not a party: garbage
/// instead of TLS, the wrong certificate, an absurd length prefix, a malformed frame. Each ends that connection (or
/// that user's run) and nothing else: afterwards the same nodes serve a user bit-exact.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Garbage_and_oversized_lengths_at_the_door_and_the_node_port_do_not_take_a_node_down()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp();
        ModelSplit split = SecureRun.Deploy(prepared.Scenario, prepared.FixedModel, SecureRun.ContextFor(prepared.Scenario));
        var log = new List<string>();
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = l => { lock (log) log.Add(l); } });
        int door = cluster.Door.Port;
        NodeHost gateway = cluster.Hosts[0];

        // 1. Not TLS at all, at the door and at every node's Akka port.
        await SendRaw(door, RandomBytes(4096));
        foreach (NodeHost n in cluster.Hosts)
        {
            await SendRaw(n.Settings.Self.Port, RandomBytes(4096));
            // A 4-byte length prefix of 2 GiB, as Akka's framing reads it, then nothing.
            await SendRaw(n.Settings.Self.Port, [0x7f, 0xff, 0xff, 0xff, 1, 2, 3]);
        }

        // 2. TLS with a certificate the door must refuse: a server's (another CA than the users'), and none.
        X509Certificate2 serverCert = cluster.Certificates.Servers[1].Certificate;
        Assert.True(await Refused(door, serverCert), "the door accepted a server's certificate");
        Assert.True(await Refused(door, null), "the door accepted a client without a certificate");
        // … and a user's certificate at a node's Akka port.
        Assert.True(await Refused(cluster.Hosts[1].Settings.Self.Port, cluster.User.Certificate), "a node's Akka port accepted a user's certificate");

        // 3. The pinned user, then a length prefix over the door's limit: the door hangs up without allocating it.
        await using (SslStream tls = await DoorProbe.Handshake(door, cluster.User.Certificate))
        {
            var prefix = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(prefix, uint.MaxValue);
            await tls.WriteAsync(prefix);
            await tls.FlushAsync();
            Assert.True(await ClosedWithin(tls, TimeSpan.FromSeconds(20)), "the door kept a connection that announced a 4 GiB frame");
        }

        // 4. The pinned user sends a well-framed message that is not SECO: its run fails, the door says why.
        await using (SslStream tls = await DoorProbe.Handshake(door, cluster.User.Certificate))
        {
            await DoorFrames.WriteAsync(tls, RandomBytes(300), default);
            byte[]? reply = await DoorProbe.ReadUntilClosedFrame(tls, TimeSpan.FromSeconds(30));
            Assert.NotNull(reply);
            Assert.Contains("malformed", DoorFrames.ClosedReason(reply!));
        }

        // The nodes are still up and serve a user, bit-exact.
        Assert.All(cluster.Hosts, n => Assert.False(n.WhenTerminated.IsCompleted, $"{n.Settings.Self} terminated"));
        ulong[][] inputs = prepared.Queries.Take(1).Select(q => q.Input.Select(v => PrimeField.FromSigned(prepared.FixedModel.Format.Encode(v))).ToArray()).ToArray();
        UserSessionResult session = await cluster.RunUserAsync(inputs);
        lock (log) foreach (string line in log) output.WriteLine(line);
        Assert.Null(session.SessionFailure);
        Assert.Equal(Nn.FixedPoint.FixedPointReference.Forward(prepared.FixedModel, prepared.Queries[0].Input).Logits,
            session.Queries[0].Logits!.Select(PrimeField.ToSigned).ToArray());
        lock (log) Assert.Contains(log, l => l.Contains("door: refused", StringComparison.Ordinal));
    }

    private static byte[] RandomBytes(int n) => System.Security.Cryptography.RandomNumberGenerator.GetBytes(n);

    private static async Task SendRaw(int port, byte[] bytes)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        try
        {
            await tcp.GetStream().WriteAsync(bytes);
            var buffer = new byte[1024];
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (await tcp.GetStream().ReadAsync(buffer, wait.Token) > 0) { }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // Refused or reset: what a node should do with garbage.
        }
    }

    /// <summary>
    /// True if the server refuses this client certificate: the handshake fails, or (TLS 1.3 reports a refused client
    /// certificate after the handshake) the connection is closed or reset on the first read.
    /// </summary>
    private static async Task<bool> Refused(int port, X509Certificate2? certificate)
    {
        try
        {
            await using SslStream tls = await DoorProbe.Handshake(port, certificate);
            return await ClosedWithin(tls, TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is AuthenticationException or IOException or SocketException)
        {
            return true;
        }
    }

    private static async Task<bool> ClosedWithin(Stream stream, TimeSpan limit)
    {
        var buffer = new byte[4096];
        using var wait = new CancellationTokenSource(limit);
        try
        {
            while (await stream.ReadAsync(buffer, wait.Token) > 0) { }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
