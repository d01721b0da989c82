using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Bulk;

/// <summary>What the bulk lane hands the node actor: a body, the <paramref name="Index"/>-th of connection
/// <paramref name="Connection"/> from server <paramref name="From"/> for run <paramref name="Run"/>, whose hello carried
/// <paramref name="Token"/> (the producer id the receiving run offered that server: it binds the connection to one run).</summary>
internal sealed record BulkBody(string From, long Run, long Connection, long Index, byte[] Body, string Token = "");

/// <summary>A bulk connection ended: cleanly between frames (<paramref name="Problem"/> null) or broken.</summary>
internal sealed record BulkEnded(string From, long Run, long Connection, string? Problem, string Token = "");

/// <summary>
/// A server's bulk lane listener (docs/cluster.md, "Bulk lane"): other servers dial it once per run to send the
/// bodies they announce on the run's Delivery links. Each connection is authenticated per party (the pin names the
/// server; the hello must name the same one), read frame by frame, and its bodies handed on in order. Whatever arrives —
/// no TLS, a stranger's certificate, a bad hello, an empty or over-long frame — ends that connection only.
/// <para>
/// Limits (review 2): connections that have not yet said hello are few (<see cref="PendingLimit"/>) and short-lived
/// (<see cref="HandshakeTimeout"/>), and a new one evicts the oldest, so strangers holding idle sockets cannot lock a
/// server out; each server may hold at most <see cref="MaxPerServer"/> authenticated connections, so one pinned server
/// cannot take another's place. Refusals are logged at most once a second.
/// </para>
/// </summary>
internal sealed class BulkListener : IAsyncDisposable
{
    /// <summary>Connections still in their TLS handshake or hello, at least; the oldest is dropped to make room.</summary>
    public const int MaxPending = 16;

    /// <summary>
    /// This listener's limit on connections in their handshake: <see cref="MaxPending"/>, or twice the other servers
    /// when the deployment is larger (every peer may dial at once, a retry each), so that a deep hierarchy's own
    /// servers never evict one another.
    /// </summary>
    public static int PendingLimit(int servers) => Math.Max(MaxPending, 2 * (servers - 1));

    /// <summary>Authenticated connections one server may hold (one per run; runs overlap only briefly).</summary>
    public const int MaxPerServer = 4;

    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener;
    private readonly NodeSettings _settings;
    private readonly Action<object> _deliver;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly LinkedList<CancellationTokenSource> _pending = new();
    private readonly Dictionary<string, int> _perServer = [];
    private readonly object _gate = new();
    private long _connections;
    private DateTime _lastRefusalLog;
    private int _refusalsUnlogged;

    private BulkListener(NodeSettings settings, Action<object> deliver, Action<string> log)
    {
        _settings = settings;
        _deliver = deliver;
        _log = log;
        ServerEndpoint me = settings.Self;
        _listener = new TcpListener(IPAddress.TryParse(me.Host, out IPAddress? ip) ? ip : IPAddress.Any, me.BulkPort);
        try
        {
            _listener.Start();
        }
        catch (SocketException e)
        {
            throw new IOException($"{me}: cannot listen for the bulk lane at {me.Host}:{me.BulkPort}: {e.Message}", e);
        }
        _accepting = Task.Run(() => AcceptLoop.Run(_listener, "bulk lane", Accepted, _log, _stop.Token));
    }

    /// <param name="deliver">Takes each <see cref="BulkBody"/> and <see cref="BulkEnded"/> (the node actor's Tell).</param>
    public static BulkListener Start(NodeSettings settings, Action<object> deliver, Action<string> log) => new(settings, deliver, log);

    private void Accepted(TcpClient client)
    {
        var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        handshake.CancelAfter(HandshakeTimeout);
        LinkedListNode<CancellationTokenSource> slot;
        lock (_gate)
        {
            if (_pending.Count >= PendingLimit(_settings.Servers.Count))
            {
                try
                {
                    _pending.First!.Value.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // That connection is already done.
                }
                _pending.RemoveFirst();
            }
            slot = _pending.AddLast(handshake);
        }
        _ = Task.Run(() => Serve(client, handshake, slot));
    }

    private async Task Serve(TcpClient client, CancellationTokenSource handshake, LinkedListNode<CancellationTokenSource> slot)
    {
        string who = client.Client.RemoteEndPoint?.ToString() ?? "a peer";
        using (client)
        using (handshake)
        {
            client.NoDelay = true;
            string? pinned = null, refusal = null;
            Stream stream = client.GetStream();
            SslStream? tls = null;
            (string From, long Run, string Token) hello;
            try
            {
                if (_settings.Tls is { } serverTls)
                {
                    tls = new SslStream(stream, leaveInnerStreamOpen: false);
                    await tls.AuthenticateAsServerAsync(BulkTls.Accepting(serverTls, _settings.Name, p => pinned = p, r => refusal = r), handshake.Token)
                        .ConfigureAwait(false);
                    stream = tls;
                }
                byte[] first = await BulkFrames.ReadAsync(stream, 1024, handshake.Token).ConfigureAwait(false)
                               ?? throw new BulkLaneException("the connection closed before its hello");
                hello = BulkFrames.ReadHello(first);
                if (_settings.Tls is not null && hello.From != pinned)
                    throw new BulkLaneException($"the hello names server '{SecoSerializer.Printable(hello.From)}' but the certificate is {pinned}'s");
                if (hello.From == _settings.Name || _settings.Servers.All(s => s.Name != hello.From))
                    throw new BulkLaneException($"the hello names '{SecoSerializer.Printable(hello.From)}', not another server of this deployment");
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException)
            {
                Forget(slot);
                Refused(who, refusal ?? (e is OperationCanceledException ? $"no TLS handshake and hello within {Durations.Show(HandshakeTimeout)}, or evicted by newer connections" : e.Message));
                if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
                return;
            }
            Forget(slot);
            if (!Admit(hello.From))
            {
                Refused(who, $"{hello.From} holds {MaxPerServer} bulk connections already");
                if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
                return;
            }
            try
            {
                await Read(stream, hello).ConfigureAwait(false);
            }
            finally
            {
                lock (_gate) _perServer[hello.From]--;
                if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task Read(Stream stream, (string From, long Run, string Token) hello)
    {
        long connection = Interlocked.Increment(ref _connections);
        string? problem = null;
        try
        {
            for (long index = 0; ; index++)
            {
                byte[]? body = await BulkFrames.ReadAsync(stream, SecoSerializer.MaxBodyBytes, _stop.Token).ConfigureAwait(false);
                if (body is null) break;
                // Every SECO body has at least its kind: an empty frame is never one (and would cost the receiver a
                // queue entry for four bytes on the wire).
                if (body.Length == 0) throw new BulkLaneException($"frame #{index} is empty");
                _deliver(new BulkBody(hello.From, hello.Run, connection, index, body, hello.Token));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
        {
            problem = e.Message;
        }
        _deliver(new BulkEnded(hello.From, hello.Run, connection, problem, hello.Token));
    }

    private void Forget(LinkedListNode<CancellationTokenSource> slot)
    {
        lock (_gate)
            if (slot.List is not null) _pending.Remove(slot);
    }

    private bool Admit(string server)
    {
        lock (_gate)
        {
            int held = _perServer.GetValueOrDefault(server);
            if (held >= MaxPerServer) return false;
            _perServer[server] = held + 1;
            return true;
        }
    }

    /// <summary>A refusal, logged at most once a second (a flood of strangers must not flood the log).</summary>
    private void Refused(string who, string why)
    {
        DateTime now = DateTime.UtcNow;
        int skipped;
        lock (_gate)
        {
            if (now - _lastRefusalLog < TimeSpan.FromSeconds(1))
            {
                _refusalsUnlogged++;
                return;
            }
            _lastRefusalLog = now;
            skipped = _refusalsUnlogged;
            _refusalsUnlogged = 0;
        }
        _log($"bulk lane: refused {who}: {why}{(skipped > 0 ? $" (and {skipped} more refusals in the last second, not shown)" : "")}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _accepting.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
