using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using Seco.Cluster.Door;
using Seco.Cluster.Security;

namespace Seco.Bench;

/// <summary>
/// Issue 17: goodput of the user door's framing (<see cref="DoorFrames"/>) over a loopback SslStream with the door's
/// mutual-TLS handshake and certificate checks (<see cref="DoorTls"/>), user → gateway, for comparison with the
/// Delivery link (<see cref="DeliveryLinkBenchmarks"/>). <see cref="RawSslStream"/> moves the same bytes without
/// framing into a preallocated buffer: what a bulk lane (an SslStream per directed server pair) could reach here.
/// Both ends share this process's two cores. The payload is an encoded seco.mask-shares message of <see cref="MiB"/> MiB.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class DoorBenchmarks
{
    private DevDeployment _pki = null!;
    private TcpListener _listener = null!;
    private TcpClient _userTcp = null!, _gatewayTcp = null!;
    private SslStream _user = null!, _gateway = null!;
    private byte[] _payload = null!, _into = null!;

    [Params(1, 64)]
    public int MiB { get; set; }

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _pki = DevCertificates.Create(DevCertificatePlan.Create(["A"], ["user"]));
        IssuedCertificate gateway = _pki.Servers[0];
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Task<TcpClient> accepted = _listener.AcceptTcpClientAsync();
        _userTcp = new TcpClient();
        await _userTcp.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)_listener.LocalEndpoint).Port);
        _gatewayTcp = await accepted;
        string? refused = null;
        _gateway = new SslStream(_gatewayTcp.GetStream(), false, DoorTls.UserValidator(_pki.UserCa, _pki.UserPins, r => refused = r));
        _user = new SslStream(_userTcp.GetStream(), false, DoorTls.GatewayValidator(_pki.DeploymentCa, gateway.Name, gateway.Fingerprint, r => refused = r));
        Task server = _gateway.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = gateway.Certificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        Task client = _user.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ClientCertificates = [_pki.Users[0].Certificate],
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        try
        {
            await Task.WhenAll(server, client);
        }
        catch (AuthenticationException e)
        {
            throw new InvalidOperationException($"door handshake failed: {refused ?? e.Message}", e);
        }
        Console.WriteLine($"// TLS: {_user.SslProtocol}, {_user.NegotiatedCipherSuite}");
        _payload = DeliveryLinkPair.MaskShares(MiB << 20).Body;
        _into = new byte[_payload.Length];
    }

    /// <summary>One frame: the user writes it (length + body, flushed), the gateway reads it whole.</summary>
    [Benchmark]
    public async Task<int> DoorFrame()
    {
        Task write = DoorFrames.WriteAsync(_user, _payload, CancellationToken.None).AsTask();
        byte[] frame = await DoorFrames.ReadAsync(_gateway, DoorFrames.DefaultMaxBytes, CancellationToken.None).ConfigureAwait(false)
            ?? throw new InvalidOperationException("the stream ended");
        await write.ConfigureAwait(false);
        return frame.Length;
    }

    /// <summary>The same bytes as one write and reads into a preallocated buffer (no framing, no allocation).</summary>
    [Benchmark]
    public async Task<int> RawSslStream()
    {
        Task write = _user.WriteAsync(_payload).AsTask();
        int got = 0;
        while (got < _into.Length)
        {
            int n = await _gateway.ReadAsync(_into.AsMemory(got)).ConfigureAwait(false);
            if (n == 0) throw new InvalidOperationException("the stream ended");
            got += n;
        }
        await write.ConfigureAwait(false);
        return got;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _user.Dispose();
        _gateway.Dispose();
        _userTcp.Dispose();
        _gatewayTcp.Dispose();
        _listener.Stop();
        _pki.Dispose();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithOutlierMode(OutlierMode.DontRemove));
            AddColumn(ThroughputColumn.OfMiBParameter(), StatisticColumn.Median, StatisticColumn.Max);
        }
    }
}
