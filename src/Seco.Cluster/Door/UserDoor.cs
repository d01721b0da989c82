using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Door;

/// <summary>The gateway's user door: where it listens, its certificate, the users' CA and pins, and its limits.</summary>
/// <param name="Users">User name → pinned certificate fingerprint: who may come in.</param>
public sealed record DoorSettings(string Host, int Port, X509Certificate2 Certificate, X509Certificate2 UserCa, IReadOnlyDictionary<string, string> Users)
{
    public int MaxFrameBytes { get; init; } = DoorFrames.DefaultMaxBytes;

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The gateway's user door (docs/cluster.md, "User door"): users never join the cluster — they reach A over mutual TLS
/// on their own port, with certificates from their own CA, and speak length-prefixed SECO frames. Whatever a client
/// sends — no TLS, a wrong certificate, garbage, an over-long length — ends that connection only.
/// </summary>
public sealed class UserDoor : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly NodeHost _node;
    private readonly DoorSettings _settings;
    private readonly Action<string> _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private UserDoor(NodeHost node, DoorSettings settings, Action<string> log)
    {
        _node = node;
        _settings = settings;
        _log = log;
        _listener = new TcpListener(IPAddress.Parse(settings.Host), settings.Port);
        _listener.Start();
        _accepting = Task.Run(() => AcceptLoop.Run(_listener, "door", client => _ = Task.Run(() => Serve(client)), _log, _stop.Token));
    }

    /// <summary>The port the door listens on (the configured one, or the one the OS chose for port 0).</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static UserDoor Open(NodeHost gateway, DoorSettings settings, Action<string>? log = null) =>
        new(gateway, settings, log ?? (_ => { }));

    private async Task Serve(TcpClient client)
    {
        string who = client.Client.RemoteEndPoint?.ToString() ?? "a client";
        using (client)
        {
            string? refusal = null;
            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false,
                DoorTls.UserValidator(_settings.UserCa, _settings.Users, problem => refusal = problem));
            try
            {
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                handshake.CancelAfter(_settings.HandshakeTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _settings.Certificate,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                }, handshake.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or SocketException)
            {
                _log($"door: refused {who}: {refusal ?? (e is OperationCanceledException ? "the TLS handshake timed out" : e.Message)}");
                return;
            }
            string user = tls.RemoteCertificate is X509Certificate2 c ? c.GetNameInfo(X509NameType.SimpleName, false) : "?";
            await ServeUser(tls, $"user {user} from {who}").ConfigureAwait(false);
        }
    }

    private async Task ServeUser(SslStream tls, string who)
    {
        var connection = new DoorConnection();
        Task<UserAdmission> admitted = _node.AdmitUser(connection);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        Task writer = connection.WriteLoop(tls, stop.Token);
        if (await Task.WhenAny(admitted, connection.Closed).ConfigureAwait(false) != admitted)
        {
            _log($"door: turned {who} away: {await connection.Closed.ConfigureAwait(false)}");
            await Finish(writer).ConfigureAwait(false);
            // The user may be writing its join (keys of megabytes) already: read and drop it, so it reads the reason.
            await Drain(tls, DoorFrames.ReadAsync(tls, _settings.MaxFrameBytes, stop.Token).AsTask(), stop).ConfigureAwait(false);
            return;
        }
        (IActorRef host, long run, int user) = admitted.Result;
        who = $"{who} (session {user})";
        _log($"door: {who} admitted (run {run})");
        string? problem = null;
        Task<byte[]?>? reading = null;
        try
        {
            while (!connection.Closed.IsCompleted)
            {
                reading = DoorFrames.ReadAsync(tls, _settings.MaxFrameBytes, stop.Token).AsTask();
                if (await Task.WhenAny(reading, connection.Closed).ConfigureAwait(false) != reading) break;
                byte[]? frame = await reading.ConfigureAwait(false);
                reading = null;
                if (frame is null) break;
                string kind = DoorFrames.KindOf(frame) ?? "?";
                host.Tell(new FromUser(user, SecoSerializer.Receive(frame, kind)));
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            problem = e.Message;
            reading = null;
        }
        if (!connection.Closed.IsCompleted) _node.UserLeft(run, user, problem);
        connection.Abandon();
        await Finish(writer).ConfigureAwait(false);
        if (reading is not null) await Drain(tls, reading, stop).ConfigureAwait(false);
        _log($"door: {who} left (run {run}){(problem is null ? "" : $": {problem}")}");
    }

    /// <summary>
    /// The run ended the session while the user may still be writing (a failure can end a run in the middle of the
    /// user's preprocessing upload): keep reading, and dropping, what it sends for a little while, so its writes finish
    /// and it reads the closing frame with the reason — instead of a reset that loses it.
    /// </summary>
    private async Task Drain(SslStream tls, Task<byte[]?> reading, CancellationTokenSource stop)
    {
        stop.CancelAfter(LingerAfterClose);
        try
        {
            while (await reading.ConfigureAwait(false) is not null)
                reading = DoorFrames.ReadAsync(tls, _settings.MaxFrameBytes, stop.Token).AsTask();
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The user hung up, or the linger is over.
        }
    }

    /// <summary>How long the door keeps reading after the run closed a session (<see cref="Drain"/>).</summary>
    private static readonly TimeSpan LingerAfterClose = TimeSpan.FromSeconds(5);

    private static async Task Finish(Task writer)
    {
        try
        {
            await writer.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or TimeoutException or ObjectDisposedException)
        {
            // The user is gone or stopped reading; nothing more to tell it.
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
