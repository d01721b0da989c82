using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Door;
using Seco.Cluster.Local;
using Seco.Protocol.Model;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests.Review2;

/// <summary>
/// Security review 2: the door's <c>Drain</c> (it keeps reading for a while after the run closed a session). A pinned
/// user whose run was closed must not keep the gateway reading: neither by streaming frames as fast as it can, nor by
/// trickling one huge frame a byte at a time.
/// </summary>
[Collection(ClusterCollection.Name)]
[Trait("Category", "SecurityReview2")]
public sealed class DoorDrainTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_user_cannot_keep_the_gateway_reading_after_its_run_closed_the_session()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp();
        ModelSplit split = SecureRun.Deploy(prepared.Scenario, prepared.FixedModel, SecureRun.ContextFor(prepared.Scenario));
        var log = new List<string>();
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, ["A", "B", "C"], new LoopbackOptions { Log = l => { lock (log) log.Add(l); } });
        X509Certificate2 user = cluster.Certificates.Users[0].Certificate;
        try
        {
            // 1. Streams 1 MiB frames as fast as it can, never reading.
            TimeSpan flood = await TimeUntilCut(cluster.Door.Port, user, async tls =>
            {
                byte[] frame = new byte[1 << 20];
                while (true) await DoorFrames.WriteAsync(tls, frame, default);
            });
            // 2. Announces a 200 MiB frame and trickles it, a byte every 100 ms.
            TimeSpan trickle = await TimeUntilCut(cluster.Door.Port, user, async tls =>
            {
                var prefix = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(prefix, 200 << 20);
                await tls.WriteAsync(prefix);
                while (true)
                {
                    await tls.WriteAsync(new byte[] { 1 });
                    await tls.FlushAsync();
                    await Task.Delay(100);
                }
            });
            output.WriteLine($"flood cut after {flood.TotalSeconds:F1} s, trickle after {trickle.TotalSeconds:F1} s");
            Assert.True(flood < TimeSpan.FromSeconds(25), $"a flooding user kept the gateway reading for {flood.TotalSeconds:F0} s");
            Assert.True(trickle < TimeSpan.FromSeconds(25), $"a trickling user kept the gateway reading for {trickle.TotalSeconds:F0} s");
        }
        finally
        {
            lock (log) foreach (string line in log.Where(l => l.Contains("door", StringComparison.Ordinal))) output.WriteLine(line);
        }
    }

    /// <summary>Admitted, sends a malformed frame (its run fails and the gateway closes the session), then keeps writing:
    /// how long until the gateway cuts the connection (60 s at most).</summary>
    private static async Task<TimeSpan> TimeUntilCut(int port, X509Certificate2 user, Func<SslStream, Task> keepWriting)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [user],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
        await Task.Delay(1000); // admitted
        await DoorFrames.WriteAsync(tls, System.Security.Cryptography.RandomNumberGenerator.GetBytes(300), default);
        var clock = Stopwatch.StartNew();
        Task writing = keepWriting(tls);
        Task limit = Task.Delay(TimeSpan.FromSeconds(60));
        await Task.WhenAny(writing, limit);
        return clock.Elapsed;
    }
}
