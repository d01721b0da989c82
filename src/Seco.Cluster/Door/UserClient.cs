using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Door;

/// <summary>How the user reaches the gateway's door and whom it trusts there.</summary>
/// <param name="ServerName">The name the gateway's certificate must carry (its SAN: a DNS name or IP address).</param>
/// <param name="GatewayName">The gateway's party name (for messages).</param>
/// <param name="GatewayPin">The gateway certificate's SHA-256 fingerprint.</param>
public sealed record UserClientSettings(string Host, int Port, string ServerName, X509Certificate2 Certificate, X509Certificate2 DeploymentCa,
    string GatewayName, string GatewayPin)
{
    /// <summary>A query with no progress for this long fails the session (the servers' own deadline is the backstop).</summary>
    public TimeSpan QueryDeadline { get; init; } = TimeSpan.FromMinutes(10);

    public int MaxFrameBytes { get; init; } = DoorFrames.DefaultMaxBytes;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);
}

/// <summary>One query as the user saw it, on its wall clock.</summary>
/// <param name="WaitingSeconds">From sending the masked input to decrypting the logits (paper §VIII-C-1).</param>
/// <param name="ParticipationSeconds">The part of the query's life the user spent computing or writing its own frames.</param>
public sealed record UserQueryResult(int Query, ulong[]? Logits, string? Failure, double? PreprocessingSeconds, double? WaitingSeconds, double ParticipationSeconds);

/// <summary>The user's whole session: each query, the failure that ended the session early (if any), and its costs.</summary>
public sealed record UserSessionResult(IReadOnlyList<UserQueryResult> Queries, string? SessionFailure, double SetupSeconds, PartyCosts Costs);

/// <summary>
/// The user's side of cluster mode: connects to the gateway's door over mutual TLS and runs the sans-IO
/// <see cref="UserRole"/> over length-prefixed frames. The user is not an Akka member and sees nothing of the
/// hierarchy behind the gateway — only its messages.
/// </summary>
public static class UserClient
{
    /// <exception cref="UserSessionException">The door could not be reached or refused us.</exception>
    public static async Task<UserSessionResult> RunAsync(UserClientSettings settings, UserView view, ulong[][] inputs,
        Action<ProtocolEvent>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var tcp = new TcpClient();
        try
        {
            using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            connect.CancelAfter(settings.ConnectTimeout);
            await tcp.ConnectAsync(settings.Host, settings.Port, connect.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancel.IsCancellationRequested)
        {
            throw new UserSessionException($"cannot reach the gateway's door at {settings.Host}:{settings.Port}: {e.Message}");
        }
        string? refusal = null;
        await using var tls = new SslStream(tcp.GetStream(), false, DoorTls.GatewayValidator(settings.DeploymentCa, settings.GatewayName, settings.GatewayPin, p => refusal = p));
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = settings.ServerName,
                ClientCertificates = [settings.Certificate],
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            }, cancel).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            throw new UserSessionException($"the TLS handshake with the gateway's door failed: {refusal ?? e.Message}");
        }
        return await new Session(settings, view, inputs, progress, tls).Run(cancel).ConfigureAwait(false);
    }

    private sealed class Session(UserClientSettings settings, UserView view, ulong[][] inputs, Action<ProtocolEvent>? progress, Stream stream)
    {
        private readonly UserRole _role = new(view, inputs);
        private readonly RunMeter _meter = new("user");
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly double?[] _prepStart = new double?[inputs.Length];
        private readonly double?[] _prep = new double?[inputs.Length];
        private readonly double?[] _onlineStart = new double?[inputs.Length];
        private readonly double?[] _waiting = new double?[inputs.Length];
        private readonly double[] _busy = new double[inputs.Length];
        private readonly ulong[]?[] _logits = new ulong[]?[inputs.Length];
        private readonly string?[] _failures = new string?[inputs.Length];
        private double _setup;
        private int _done;

        public async Task<UserSessionResult> Run(CancellationToken cancel)
        {
            string? failure = null;
            try
            {
                await Step(null, o => _role.Start(o), ProtocolPhase.Setup, cancel).ConfigureAwait(false);
                while (_done < inputs.Length)
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                    deadline.CancelAfter(settings.QueryDeadline);
                    byte[]? frame;
                    try
                    {
                        frame = await DoorFrames.ReadAsync(stream, settings.MaxFrameBytes, deadline.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                    {
                        failure = $"no word from the gateway for {Durations.Show(settings.QueryDeadline)} (the query deadline)";
                        break;
                    }
                    if (frame is null)
                    {
                        failure = "the gateway closed the connection";
                        break;
                    }
                    string? kind = DoorFrames.KindOf(frame);
                    if (kind == DoorFrames.ClosedKind)
                    {
                        failure = DoorFrames.ClosedReason(frame) ?? "the gateway ended the session";
                        break;
                    }
                    ReceivedSecoMessage received = SecoSerializer.Receive(frame, kind ?? "?");
                    if (received.Message is not { } m)
                    {
                        failure = received.Why("the gateway");
                        break;
                    }
                    _meter.Received(m.Phase, received.BodyBytes);
                    await Step(m as QueryMessage, o => _role.Handle(Party.Gateway, m, o), m.Phase, cancel).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or ProtocolViolationException or InvalidDataException or DoorFrameException)
            {
                failure = e.Message;
            }
            var queries = Enumerable.Range(0, inputs.Length).Select(q =>
                new UserQueryResult(q, _logits[q], _failures[q] ?? (_logits[q] is null ? failure ?? "not run" : null), _prep[q], _waiting[q], _busy[q])).ToArray();
            return new UserSessionResult(queries, failure, _setup, _meter.Snapshot());
        }

        /// <summary>Runs the role, sends what it emitted, and books the time on the query it served.</summary>
        private async Task Step(QueryMessage? about, Action<Outbox> act, ProtocolPhase phase, CancellationToken cancel)
        {
            using var outbox = new Outbox(); // disposed once every message is encoded: pooled payloads go back
            double begin = Now;
            act(outbox);
            _meter.Computed(phase, TimeSpan.FromSeconds(Now - begin));
            foreach ((Party _, SecoMessage message) in outbox.Messages)
            {
                EncodedSecoMessage e = EncodedSecoMessage.Of(message);
                _meter.Sent(message.Phase, e.Kind, e.Body.Length);
                await DoorFrames.WriteAsync(stream, e.Body, cancel).ConfigureAwait(false);
            }
            double spent = Now - begin;
            int? query = about?.Query ?? outbox.Messages.Select(m => m.Message).OfType<QueryMessage>().Select(m => (int?)m.Query).FirstOrDefault();
            if (phase == ProtocolPhase.Setup && query is null) _setup += spent;
            foreach (ProtocolEvent e in outbox.Events) Record(e);
            if (query is int q && q >= 0 && q < inputs.Length) _busy[q] += spent;
        }

        private void Record(ProtocolEvent e)
        {
            switch (e)
            {
                case PreprocessingStarted s:
                    _prepStart[s.Query] = Now;
                    break;
                case OnlineStarted s:
                    _onlineStart[s.Query] = Now;
                    _prep[s.Query] = Now - _prepStart[s.Query];
                    break;
                case PredictionReady r:
                    _logits[r.Query] = r.Logits;
                    _waiting[r.Query] = Now - _onlineStart[r.Query];
                    _done++;
                    break;
                case QueryFailed f:
                    _failures[f.Query] = f.Reason;
                    _done++;
                    break;
            }
            progress?.Invoke(e);
        }

        private double Now => _clock.Elapsed.TotalSeconds;
    }
}

/// <summary>The user could not start its session (no door, TLS refused).</summary>
public sealed class UserSessionException(string message) : Exception(message);
