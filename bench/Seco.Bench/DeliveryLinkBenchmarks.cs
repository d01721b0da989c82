using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Mathematics.OutlierDetection;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;

namespace Seco.Bench;

/// <summary>
/// Issue 17, (a): goodput of one server-to-server Delivery link (docs/cluster.md, "Transport measurements"). Two nodes
/// configured as the product configures them (<see cref="DeliveryLinkPair"/>); one operation hands one seco.mask-shares
/// message of <see cref="MiB"/> MiB to the producer on A and ends when B's consumer holds it reassembled and decoded
/// (the SECO serializer's FromBinary ran). Both ends share this process's two cores. MB/s = body bytes / mean time.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class DeliveryLinkBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private DeliveryLinkPair _pair = null!;
    private EncodedSecoMessage _payload = null!;

    /// <summary>Transport and Delivery settings (<see cref="LinkCases"/>): "tcp" and "tls" are the product's settings.</summary>
    [Params("tcp", "tls", "tls-w32", "tls-w64", "tls-c80k", "tls-w64-c80k", "tcp-noretry", "tls-noretry", "tls-w64-noretry")]
    public string Case { get; set; } = "tls";

    [Params(1, 64)]
    public int MiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (bool tls, DeliveryTuning tuning) = LinkCases.Of(Case);
        _pair = DeliveryLinkPair.StartAsync(tls, tuning, links: 1).GetAwaiter().GetResult();
        _payload = DeliveryLinkPair.MaskShares(MiB << 20);
    }

    [Benchmark]
    public async Task<int> Transfer() => (await _pair.SendAndWaitAsync(0, _payload, Timeout).ConfigureAwait(false)).BodyBytes;

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Case}, {MiB} MiB: unreachable events during the run: {_pair.UnreachableEvents}");
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

/// <summary>
/// Issue 17, (b): how long a small SECO message (seco.query-ready, 19 bytes) takes on its own Delivery link while
/// another link of the same node pair carries back-to-back <see cref="LoadMiB"/>-MiB messages (0: the pair is idle) —
/// the delay ../shared/cluster.md found that whole messages ruin. One invocation is one small message, so Median, P95
/// and Max are over single messages; <see cref="GapMs"/> is the pause before each (0: back to back, a burst).
/// </summary>
[Config(typeof(Config))]
public class DeliveryLinkDelayBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    private readonly CancellationTokenSource _stop = new();
    private DeliveryLinkPair _pair = null!;
    private EncodedSecoMessage _small = null!;
    private Task[] _load = [];
    private long _loadBytes;
    private DateTime _loadStart;

    [Params("tcp", "tls", "tls-w64", "tcp-noretry", "tls-noretry", "tls-w64-noretry")]
    public string Case { get; set; } = "tls";

    [Params(0, 64)]
    public int LoadMiB { get; set; }

    [Params(0, 20)]
    public int GapMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (bool tls, DeliveryTuning tuning) = LinkCases.Of(Case);
        _pair = DeliveryLinkPair.StartAsync(tls, tuning, links: 2).GetAwaiter().GetResult();
        _small = EncodedSecoMessage.Of(new QueryReady(1));
        if (LoadMiB > 0)
        {
            EncodedSecoMessage bulk = DeliveryLinkPair.MaskShares(LoadMiB << 20);
            _loadStart = DateTime.UtcNow;
            // Two senders keep a second big message queued behind the one in flight: the link never idles.
            _load = [.. Enumerable.Range(0, 2).Select(_ => Task.Run(() => Load(bulk)))];
        }
    }

    private async Task Load(EncodedSecoMessage bulk)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _pair.SendAsync(0, bulk).WaitAsync(Timeout, _stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            Interlocked.Add(ref _loadBytes, bulk.Body.Length);
        }
    }

    [IterationSetup]
    public void Gap()
    {
        if (GapMs > 0) Thread.Sleep(GapMs);
    }

    [Benchmark]
    public async Task<int> SmallMessage() => (await _pair.SendAndWaitAsync(1, _small, Timeout).ConfigureAwait(false)).BodyBytes;

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_load.Length > 0)
        {
            double seconds = (DateTime.UtcNow - _loadStart).TotalSeconds;
            Console.WriteLine($"// {Case}, gap {GapMs} ms: {Interlocked.Read(ref _loadBytes) / (LoadMiB << 20)} background messages of {LoadMiB} MiB delivered in {seconds:F1} s");
        }
        Console.WriteLine($"// {Case}, load {LoadMiB} MiB: unreachable events during the run: {_pair.UnreachableEvents}");
        _stop.Cancel();
        Task.WhenAll(_load).GetAwaiter().GetResult();
        _pair.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(10).WithIterationCount(100)
                .WithInvocationCount(1).WithUnrollFactor(1).WithGcForce(false).WithOutlierMode(OutlierMode.DontRemove));
            AddColumn(StatisticColumn.Median, StatisticColumn.P95, StatisticColumn.Max);
        }
    }
}

/// <summary>The transport and Delivery settings the link benchmarks compare; "tcp" and "tls" are exactly the product's.</summary>
internal static class LinkCases
{
    public static (bool Tls, DeliveryTuning Tuning) Of(string name)
    {
        DeliveryTuning product = DeliveryTuning.Product;
        return name switch
        {
            "tcp" => (false, product),
            "tls" => (true, product),
            "tls-w32" => (true, product with { FlowControlWindow = 32 }),
            "tls-w64" => (true, product with { FlowControlWindow = 64 }),
            // 80 KiB = 81,920 bytes: the largest round chunk below the 85,000-byte large-object-heap threshold.
            "tls-c80k" => (true, product with { ChunkBytes = 80 * 1024 }),
            "tls-w64-c80k" => (true, product with { FlowControlWindow = 64, ChunkBytes = 80 * 1024 }),
            // Akka.NET's defaults for the consumer's retry: 2 s, backing off to 30 s.
            "tls-resend2s" => (true, product with { ResendIntervalMin = TimeSpan.FromSeconds(2), ResendIntervalMax = TimeSpan.FromSeconds(30) }),
            // The consumer's retry never fires within a benchmark, so the link never leaves its initial request pattern.
            "tcp-noretry" => (false, NoRetry(product)),
            "tls-noretry" => (true, NoRetry(product)),
            "tls-w64-noretry" => (true, NoRetry(product) with { FlowControlWindow = 64 }),
            _ => throw new ArgumentException($"unknown link case '{name}'", nameof(name)),
        };
    }

    private static DeliveryTuning NoRetry(DeliveryTuning t) => t with { ResendIntervalMin = TimeSpan.FromHours(1), ResendIntervalMax = TimeSpan.FromHours(1) };
}

/// <summary>
/// Issue 17: the consumer's retry interval on one 64 MiB transfer, measured once per case (the Akka.NET default of 2 s
/// makes a transfer take minutes): the product's 100 ms, Akka.NET's 2 s (backing off to 30 s), and a retry that never
/// fires. Each link first sits idle for three retry intervals, as a run's links do between protocol steps.
/// </summary>
[Config(typeof(Config))]
public class DeliveryStallBenchmarks
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(20);

    private DeliveryLinkPair _pair = null!;
    private EncodedSecoMessage _payload = null!;

    [Params("tls", "tls-resend2s", "tls-noretry")]
    public string Case { get; set; } = "tls";

    [Params(64)]
    public int MiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (bool tls, DeliveryTuning tuning) = LinkCases.Of(Case);
        _payload = DeliveryLinkPair.MaskShares(MiB << 20);
        _pair = DeliveryLinkPair.StartAsync(tls, tuning, links: 1).GetAwaiter().GetResult();
    }

    [Benchmark]
    public async Task<int> Transfer() => (await _pair.SendAndWaitAsync(0, _payload, Timeout).ConfigureAwait(false)).BodyBytes;

    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Case}, {MiB} MiB: unreachable events during the run: {_pair.UnreachableEvents}");
        _pair.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithStrategy(RunStrategy.ColdStart).WithLaunchCount(1).WithWarmupCount(0).WithIterationCount(1)
                .WithInvocationCount(1).WithUnrollFactor(1));
            AddColumn(ThroughputColumn.OfMiBParameter());
        }
    }
}
