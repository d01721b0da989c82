using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Bulk;

/// <summary>What the bulk lane hands the node actor: a body, the <paramref name="Index"/>-th of connection
/// <paramref name="Connection"/> from server <paramref name="From"/> for run <paramref name="Run"/>.</summary>
internal sealed record BulkBody(string From, long Run, long Connection, long Index, byte[] Body);

/// <summary>A bulk connection ended: cleanly between frames (<paramref name="Problem"/> null) or broken.</summary>
internal sealed record BulkEnded(string From, long Run, long Connection, string? Problem);

/// <summary>
/// A server's bulk lane listener (docs/cluster.md, "Bulk lane"): other servers dial it once per run to send the
/// large bodies they announce on the run's Delivery links. Each connection is authenticated per party (the pin names
/// the server; the hello must name the same one), read frame by frame, and its bodies handed on in order. Whatever
/// arrives — no TLS, a stranger's certificate, a bad hello, an over-long frame — ends that connection only.
/// </summary>
internal sealed class BulkListener : IAsyncDisposable
{
    /// <summary>Connections served at once; more are closed on arrival (each server dials each other once per run).</summary>
    public const int MaxConnections = 16;

    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly NodeSettings _settings;
    private readonly Action<object> _deliver;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private long _connections;
    private int _open;

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
        if (Interlocked.Increment(ref _open) > MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            _log($"bulk lane: refused {client.Client.RemoteEndPoint}: {MaxConnections} connections are open already");
            client.Dispose();
            return;
        }
        _ = Task.Run(async () =>
        {
            try
            {
                await Serve(client).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        });
    }

    private async Task Serve(TcpClient client)
    {
        string who = client.Client.RemoteEndPoint?.ToString() ?? "a peer";
        using (client)
        {
            client.NoDelay = true;
            string? pinned = null, refusal = null;
            Stream stream = client.GetStream();
            SslStream? tls = null;
            (string From, long Run) hello;
            try
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(HandshakeTimeout);
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
                _log($"bulk lane: refused {who}: {refusal ?? (e is OperationCanceledException ? "no TLS handshake and hello within " + Durations.Show(HandshakeTimeout) : e.Message)}");
                if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
                return;
            }
            long connection = Interlocked.Increment(ref _connections);
            string? problem = null;
            try
            {
                for (long index = 0; ; index++)
                {
                    byte[]? body = await BulkFrames.ReadAsync(stream, SecoSerializer.MaxBodyBytes, _stop.Token).ConfigureAwait(false);
                    if (body is null) break;
                    _deliver(new BulkBody(hello.From, hello.Run, connection, index, body));
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or SocketException)
            {
                problem = e.Message;
            }
            finally
            {
                if (tls is not null) await tls.DisposeAsync().ConfigureAwait(false);
            }
            _deliver(new BulkEnded(hello.From, hello.Run, connection, problem));
        }
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
        _stop.Dispose();
    }
}
