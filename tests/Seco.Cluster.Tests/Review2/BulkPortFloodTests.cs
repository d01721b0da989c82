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

using Seco.Cluster.Tests.Bulk;

namespace Seco.Cluster.Tests.Review2;

/// <summary>
/// Security review 2 (bulk lane): attacks on C's real bulk listener (TLS, dev PKI) by strangers and by the pinned
/// garbler B. Each test asserts the secure behaviour, so it fails while the hole exists.
/// </summary>
[Trait("Category", "SecurityReview2")]
public sealed class BulkPortFloodTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<object> _delivered = new();
    private readonly ConcurrentQueue<string> _log = new();
    private readonly BulkLaneServers _lane = new();
    private BulkListener _listener = null!;

    private ServerEndpoint[] Servers => _lane.Servers;

    private NodeSettings SettingsOf(string name) => _lane.SettingsOf(name);

    private ServerEndpoint C => Servers[2];

    public Task InitializeAsync()
    {
        _listener = BulkListener.Start(SettingsOf("C"), _delivered.Enqueue, _log.Enqueue);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _listener.DisposeAsync();

    /// <summary>
    /// A stranger (no certificate at all) opens 16 TCP connections to C's bulk port and sends nothing. The listener
    /// serves at most 16 connections and gives each 10 s for its handshake: while they are open, gateway A's honest
    /// bulk connection for the run is closed on arrival and A fails the run ("the bulk lane to evaluator C … failed").
    /// Reconnecting every 10 s keeps every run from starting, at no cost to the stranger.
    /// </summary>
    [Fact]
    public async Task Strangers_holding_idle_connections_do_not_lock_a_server_out_of_the_bulk_lane()
    {
        var idle = new List<TcpClient>();
        try
        {
            for (int i = 0; i < BulkListener.MaxPending; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", C.BulkPort);
                idle.Add(tcp);
            }
            await Task.Delay(500);

            string? failure = await HonestAToC();
            Assert.True(failure is null, $"gateway A's bulk connection to C failed while strangers held {BulkListener.MaxPending} idle connections: {failure}");
        }
        finally
        {
            foreach (TcpClient t in idle) t.Dispose();
        }
    }

    /// <summary>
    /// The pinned garbler B completes 16 handshakes with its real certificate and sends valid hellos for a run far in
    /// the future (run 1 000 000), then nothing. A hello for another run is "ignored", but the connection is kept and
    /// read forever (no limit per server, no idle timeout after the hello): after the handshake timeout has long
    /// passed, gateway A still cannot open its bulk connection to C and the run fails in A's name, not B's.
    /// The same 16 connections can each hold a partly sent 512 MiB frame (up to 8 GiB in C's memory).
    /// </summary>
    [Fact]
    public async Task A_pinned_server_cannot_hold_the_bulk_port_with_hellos_for_future_runs()
    {
        var held = new List<(TcpClient, SslStream)>();
        try
        {
            for (int i = 0; i < BulkListener.MaxPending; i++)
            {
                var tcp = new TcpClient();
                await tcp.ConnectAsync("127.0.0.1", C.BulkPort);
                var tls = new SslStream(tcp.GetStream());
                await tls.AuthenticateAsClientAsync(BulkTls.Dialling(SettingsOf("B").Tls!, C, _ => { }));
                await BulkFrames.WriteAsync(tls, BulkFrames.Hello("B", 1_000_000 + i, "guess"), default);
                held.Add((tcp, tls));
            }
            // Well past the listener's 10 s for a handshake and hello.
            await Task.Delay(TimeSpan.FromSeconds(11));

            string? failure = await HonestAToC();
            Assert.True(failure is null, $"gateway A's bulk connection to C failed while B held {BulkListener.MaxPending} connections for future runs: {failure}");
        }
        finally
        {
            foreach ((TcpClient tcp, SslStream tls) in held)
            {
                await tls.DisposeAsync();
                tcp.Dispose();
            }
        }
    }

    /// <summary>
    /// While the listener is full, a stranger connects and resets at once (SO_LINGER 0), many times, and garbage-TLS
    /// connections arrive: the accept loop must survive (an exception there would end it for good, and with it the node's
    /// bulk lane). Once the idle connections go, an honest connection is served.
    /// </summary>
    [Fact]
    public async Task The_accept_loop_survives_resets_while_the_listener_is_full()
    {
        var idle = new List<TcpClient>();
        for (int i = 0; i < BulkListener.MaxPending; i++)
        {
            var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", C.BulkPort);
            idle.Add(tcp);
        }
        await Task.Delay(300);
        for (int i = 0; i < 200; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync("127.0.0.1", C.BulkPort);
            tcp.Client.LingerState = new LingerOption(true, 0);
            tcp.Close();
        }
        await Task.Delay(300);
        foreach (TcpClient t in idle) t.Dispose();
        await Task.Delay(500);

        string? failure = await HonestAToC();
        Assert.True(failure is null, $"after resets on a full listener, an honest connection failed: {failure}; log: {string.Join(" | ", _log.TakeLast(3))}");
    }

    /// <summary>Gateway A's honest sender sends one body to C: null if it arrived, else why it failed.</summary>
    private async Task<string?> HonestAToC()
    {
        var failed = new TaskCompletionSource<string>();
        await using var honest = new BulkSender(SettingsOf("A"), C, run: 1, r => failed.TrySetResult(r));
        honest.Send([1, 2, 3]);
        honest.Open("offer");
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < end)
        {
            if (_delivered.OfType<BulkBody>().Any(b => b.From == "A")) return null;
            if (failed.Task.IsCompleted) return failed.Task.Result;
            await Task.Delay(50);
        }
        return "neither delivered nor failed within 20 s";
    }
}
