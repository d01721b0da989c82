using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Threading.Channels;
using Seco.Cluster.Hosting;

namespace Seco.Cluster.Bulk;

/// <summary>
/// One directed bulk connection of a run (docs/cluster.md, "Bulk lane"): this server to <see cref="Peer"/>. Bodies are
/// numbered in the order they are given (the number goes into their announcement on the Delivery link) and written in
/// that order once <see cref="Open"/> says the peer's side of the run exists. The connection is dialled when the first
/// body is queued (a pair of servers that never talks never connects), to the peer's
/// configured bulk port, and the peer must present its own pinned certificate. Until the first body is written a failed
/// attempt is retried (<see cref="Attempts"/>, backing off from 200 ms: a listener busy with strangers may have dropped
/// the first); after that, or when every attempt failed, <c>failed</c> hears why, once.
/// </summary>
internal sealed class BulkSender : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Connection attempts before the first body is written.</summary>
    public const int Attempts = 5;

    private readonly NodeSettings _settings;
    private readonly long _run;
    private readonly Action<string> _failed;
    private readonly Channel<byte[]> _bodies = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource<string> _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private long _next;

    public BulkSender(NodeSettings settings, ServerEndpoint peer, long run, Action<string> failed)
    {
        _settings = settings;
        Peer = peer;
        _run = run;
        _failed = failed;
        _pump = Task.Run(Pump);
    }

    public ServerEndpoint Peer { get; }

    /// <summary>Queues <paramref name="body"/>; returns its index on this connection.</summary>
    public long Send(byte[] body)
    {
        _bodies.Writer.TryWrite(body);
        return _next++;
    }

    /// <summary>
    /// The peer's side of the run exists (its link offer arrived): dial and start writing. <paramref name="token"/> is
    /// the producer id of that offer: the hello carries it, and the peer's run takes bodies only from a connection
    /// that does.
    /// </summary>
    public void Open(string token) => _open.TrySetResult(token);

    private async Task Pump()
    {
        CancellationToken stop = _stop.Token;
        bool wrote = false;
        try
        {
            string token = await _open.Task.WaitAsync(stop).ConfigureAwait(false);
            // Dial on the first body, not at the run's start: in a deep hierarchy most pairs of servers never talk (tier
            // 1 and tier 5), and dialling every pair at once — 16 handshakes into each of 17 listeners — overran the
            // listeners' handshake limits on two cores.
            if (!await _bodies.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
                return;
            for (int attempt = 1; ; attempt++)
            {
                string? refusal = null;
                try
                {
                    await Connection(token, r => refusal = r, () => wrote = true, stop).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (!stop.IsCancellationRequested && e is IOException or SocketException or AuthenticationException
                                              or OperationCanceledException or ObjectDisposedException)
                {
                    string why = refusal ?? (e is OperationCanceledException ? $"no connection within {Durations.Show(ConnectTimeout)}" : e.Message);
                    if (wrote || attempt == Attempts)
                    {
                        _failed($"the bulk lane to {Peer} at {Peer.Host}:{Peer.BulkPort} failed{(wrote ? "" : $" ({attempt} attempts)")}: {why}");
                        return;
                    }
                    await Task.Delay(TimeSpan.FromMilliseconds(200 << (attempt - 1)), stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    /// <summary>One connection: dial, handshake, hello, then bodies until the run ends.</summary>
    private async Task Connection(string token, Action<string> refused, Action wroteBody, CancellationToken stop)
    {
        using var tcp = new TcpClient { NoDelay = true };
        using var connecting = CancellationTokenSource.CreateLinkedTokenSource(stop);
        connecting.CancelAfter(ConnectTimeout);
        await tcp.ConnectAsync(Peer.Host, Peer.BulkPort, connecting.Token).ConfigureAwait(false);
        Stream stream = tcp.GetStream();
        if (_settings.Tls is { } tls)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
            await ssl.AuthenticateAsClientAsync(BulkTls.Dialling(tls, Peer, refused), connecting.Token).ConfigureAwait(false);
            stream = ssl;
        }
        await using (stream.ConfigureAwait(false))
        {
            await BulkFrames.WriteAsync(stream, BulkFrames.Hello(_settings.Name, _run, token), connecting.Token).ConfigureAwait(false);
            while (await _bodies.Reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                // A body leaves the queue only when it is about to be written: a failed attempt before the first loses nothing.
                while (_bodies.Reader.TryPeek(out byte[]? body))
                {
                    wroteBody();
                    await BulkFrames.WriteAsync(stream, body, stop).ConfigureAwait(false);
                    _bodies.Reader.TryRead(out _);
                }
            }
        }
    }

    /// <summary>Stops writing and closes the connection (the run is over; what is still queued is dropped).</summary>
    public async ValueTask DisposeAsync()
    {
        _bodies.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
        _stop.Dispose();
    }
}
