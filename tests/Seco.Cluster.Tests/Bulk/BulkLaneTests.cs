using System.Collections.Concurrent;
using System.Net.Security;
using System.Net.Sockets;
using Seco.Cluster.Bulk;
using Seco.Cluster.Configuration;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Cluster.Security;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests.Bulk;

/// <summary>
/// The bulk lane over real sockets and TLS (docs/cluster.md, "Bulk lane"): bodies arrive in order, whole, tagged with the
/// server the certificate names; a connection is refused when its hello names another server than its certificate,
/// when it presents a certificate that is not a pinned server's, or when it is not TLS at all — and the listener serves
/// the next connection. A sender that finds another server at the address it dialled refuses it.
/// </summary>
public sealed class BulkLaneTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<object> _delivered = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly BulkLaneServers _lane = new();
    private BulkListener _listener = null!;

    private ServerEndpoint[] Servers => _lane.Servers;

    private NodeSettings SettingsOf(string name) => _lane.SettingsOf(name);

    public Task InitializeAsync()
    {
        _listener = BulkListener.Start(SettingsOf("C"), _delivered.Enqueue, _log.Enqueue);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    [Fact]
    public async Task Bodies_arrive_in_order_whole_and_named_by_the_certificate()
    {
        byte[][] bodies = [new byte[20_000], new byte[3 << 20], new byte[1]];
        foreach (byte[] b in bodies) Random.Shared.NextBytes(b);
        var failures = new ConcurrentQueue<string>();
        await using (var sender = new BulkSender(SettingsOf("B"), Servers[2], run: 7, failures.Enqueue))
        {
            Assert.Equal([0L, 1, 2], bodies.Select(sender.Send).ToArray());
            sender.Open("offer-7");
            await Until(() => _delivered.Count >= 3);
        }
        await Until(() => _delivered.OfType<BulkEnded>().Any());
        BulkBody[] got = [.. _delivered.OfType<BulkBody>()];
        Assert.Equal([0L, 1, 2], got.Select(b => b.Index));
        Assert.All(got, b => Assert.Equal(("B", 7L, "offer-7"), (b.From, b.Run, b.Token)));
        Assert.Single(got.Select(b => b.Connection).Distinct());
        for (int i = 0; i < bodies.Length; i++) Assert.Equal(bodies[i], got[i].Body);
        Assert.Empty(failures);
    }

    [Fact]
    public async Task A_hello_in_another_servers_name_is_refused_and_the_next_connection_served()
    {
        // A dials with its own certificate and claims to be B.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", Servers[2].BulkPort);
            await using var tls = new SslStream(tcp.GetStream());
            await tls.AuthenticateAsClientAsync(BulkTls.Dialling(SettingsOf("A").Tls!, Servers[2], _ => { }));
            await BulkFrames.WriteAsync(tls, BulkFrames.Hello("B", 1, "offer-1"), default);
            await BulkFrames.WriteAsync(tls, new byte[100], default);
            Assert.Null(await BulkFrames.ReadAsync(tls, 16, new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token));
        }
        // Garbage instead of TLS, and a user's certificate.
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync("127.0.0.1", Servers[2].BulkPort);
            await tcp.GetStream().WriteAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
        }
        // (Refusals are logged at most once a second: the first is this one.)
        await Until(() => _log.Any(l => l.Contains("the hello names server 'B' but the certificate is A's", StringComparison.Ordinal)));
        Assert.DoesNotContain(_delivered, m => m is BulkBody);

        await using var honest = new BulkSender(SettingsOf("A"), Servers[2], run: 1, _ => { });
        honest.Send([1, 2, 3]);
        honest.Open("offer-1");
        await Until(() => _delivered.OfType<BulkBody>().Any());
        Assert.Equal("A", _delivered.OfType<BulkBody>().Single().From);
    }

    [Fact]
    public async Task A_sender_refuses_another_server_at_the_address_it_dialled()
    {
        // B means to reach A, but C listens at the address: C's certificate is pinned, yet not A's.
        ServerEndpoint aAtCsPort = Servers[0] with { BulkPort = Servers[2].BulkPort };
        var failed = new TaskCompletionSource<string>();
        await using var sender = new BulkSender(SettingsOf("B"), aAtCsPort, run: 1, r => failed.TrySetResult(r));
        sender.Send([1]);
        sender.Open("offer-7");
        string reason = await failed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains("the bulk lane to gateway A", reason);
        Assert.Contains("is not one of the pinned peers A", reason);
        Assert.DoesNotContain(_delivered, m => m is BulkBody);
    }

    private static async Task Until(Func<bool> condition)
    {
        var limit = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < limit, "timed out");
            await Task.Delay(20);
        }
    }
}
