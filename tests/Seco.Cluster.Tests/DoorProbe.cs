using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Door;

namespace Seco.Cluster.Tests;

/// <summary>A bare client of the gateway's door for tests that send it what no <see cref="UserClient"/> would.</summary>
internal static class DoorProbe
{
    /// <summary>A TLS connection to 127.0.0.1:<paramref name="port"/> presenting <paramref name="certificate"/> (any server certificate is accepted).</summary>
    public static async Task<SslStream> Handshake(int port, X509Certificate2? certificate)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = certificate is null ? null : [certificate],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        });
        return tls;
    }

    /// <summary>Reads frames until the door's closing frame (returned), the end of the stream or <paramref name="limit"/> (null).</summary>
    public static async Task<byte[]?> ReadUntilClosedFrame(Stream stream, TimeSpan limit)
    {
        using var wait = new CancellationTokenSource(limit);
        while (await DoorFrames.ReadAsync(stream, DoorFrames.DefaultMaxBytes, wait.Token) is { } frame)
            if (DoorFrames.KindOf(frame) == DoorFrames.ClosedKind) return frame;
        return null;
    }
}
