using System.Collections.Concurrent;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Perfolizer.Mathematics.OutlierDetection;
using Seco.Cluster.Bulk;
using Seco.Cluster.Configuration;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Cluster.Security;
using Seco.Cluster.Wire;
using Seco.Protocol.Roles;

namespace Seco.Bench;

/// <summary>
/// Issue 17, the bulk lane before and after (docs/cluster.md, "Bulk lane"): one seco.mask-shares body of
/// <see cref="MiB"/> MiB from A to B over loopback with mutual TLS, in the same run.
/// <list type="bullet">
/// <item><c>delivery</c> — before: the whole message on the product's Delivery link (64 KiB chunks, window 16, retry
/// 100 ms), ending when B's consumer holds it decoded.</item>
/// <item><c>bulk</c> — after, as PartyHost sends a body of 16 KiB or more: A hashes it (SHA-256), announces it on the
/// Delivery link and writes it on its bulk connection to B; the operation ends when B holds both the announcement and
/// the body and has checked the body's hash.</item>
/// </list>
/// Both ends share this process's two cores.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class BulkLaneBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private DeliveryLinkPair _pair = null!;
    private EncodedSecoMessage _payload = null!;
    private DevDeployment _pki = null!;
    private BulkListener _listener = null!;
    private BulkSender _sender = null!;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<byte[]>> _arrived = new();

    [Params("delivery", "bulk")]
    public string Lane { get; set; } = "bulk";

    [Params(1, 64)]
    public int MiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _pair = DeliveryLinkPair.StartAsync(tls: true, DeliveryTuning.Product, links: 1).GetAwaiter().GetResult();
        _payload = DeliveryLinkPair.MaskShares(MiB << 20);
        if (Lane != "bulk") return;
        _pki = DevCertificates.Create(DevCertificatePlan.Create(["A", "B"]));
        int[] ports = LoopbackCluster.FreePorts(4);
        ServerEndpoint[] servers =
        [
            new("A", Party.Gateway, "127.0.0.1", ports[0]) { BulkPort = ports[2] },
            new("B", Party.Garbler, "127.0.0.1", ports[1]) { BulkPort = ports[3] },
        ];
        NodeSettings Settings(string name) =>
            new(name, servers, new ServerTls(_pki.Servers.Single(s => s.Name == name).Certificate, _pki.DeploymentCa, _pki.ServerPins), FailureSettings.Default);
        _listener = BulkListener.Start(Settings("B"), m =>
        {
            if (m is BulkBody b) Arrival(b.Index).TrySetResult(b.Body);
        }, _ => { });
        _sender = new BulkSender(Settings("A"), servers[1], run: 1, reason => throw new InvalidOperationException(reason));
        _sender.Open("bench");
    }

    private TaskCompletionSource<byte[]> Arrival(long index) =>
        _arrived.GetOrAdd(index, _ => new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously));

    [Benchmark]
    public async Task<int> Transfer()
    {
        if (Lane == "delivery")
            return (await _pair.SendAndWaitAsync(0, _payload, Timeout).ConfigureAwait(false)).BodyBytes;
        byte[] body = _payload.Body;
        byte[] hash = SHA256.HashData(body);
        long index = _sender.Send(body);
        Task announced = _pair.AnnounceAsync(0, new BulkAnnouncement(_payload.Kind, body.Length, hash, index));
        byte[] received = await Arrival(index).Task.WaitAsync(Timeout).ConfigureAwait(false);
        _arrived.TryRemove(index, out _);
        if (!SHA256.HashData(received).AsSpan().SequenceEqual(hash)) throw new InvalidOperationException("the body arrived changed");
        await announced.WaitAsync(Timeout).ConfigureAwait(false);
        return received.Length;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Lane}, {MiB} MiB: unreachable events during the run: {_pair.UnreachableEvents}");
        if (Lane == "bulk")
        {
            _sender.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _listener.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _pki.Dispose();
        }
        _pair.DisposeAsync().AsTask().GetAwaiter().GetResult();
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
