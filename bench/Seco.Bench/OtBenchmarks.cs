using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Seco.MessagePack;

namespace Seco.Bench;

/// <summary>
/// Oblivious transfer through <see cref="OtLoopback"/> (sender and receiver in one process, single thread, every
/// message serialized and parsed): 128 Chou–Orlandi base OTs over P-256, and IKNP extension of m = 2^20 OTs in the
/// three output modes. Reference (emp-ot, same machine class, one core): chosen-message IKNP 15.4 M OT/s, random
/// correlated OT ≈ 52 M OT/s. Means are per OT (OperationsPerInvoke); M/s is millions of OTs per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class OtBenchmarks
{
    /// <summary>OTs per extension benchmark operation.</summary>
    public const int M = 1 << 20;

    private OtLoopback _ot = null!;
    private byte[] _choices = [];
    private Block[] _x0 = [], _x1 = [], _senderOut = [], _receiverOut = [];
    private Block _delta;

    [GlobalSetup]
    public void Setup()
    {
        var rng = Prg.ForTests(42);
        _delta = rng.Next().WithLsbSet();
        // Messages in pooled arrays, given back once consumed: as the protocol's OT messages are (issue 19) and as emp
        // reuses its buffers.
        _ot = OtLoopback.Create(_delta);
        _ot.Allocate = ExactArrayPool.Shared.Rent;
        _ot.GiveBack = ExactArrayPool.Shared.Return;
        _choices = new byte[M / 8];
        rng.FillBytes(_choices);
        _x0 = new Block[M]; _x1 = new Block[M];
        rng.Fill(_x0); rng.Fill(_x1);
        _senderOut = new Block[M]; _receiverOut = new Block[M];
    }

    /// <summary>Setup of a fresh pair: 128 base OTs (one A, 128 B_i, 3 scalar multiplications per OT).</summary>
    [Benchmark(OperationsPerInvoke = 128)]
    public OtLoopback BaseOt128() => OtLoopback.Create();

    [Benchmark(OperationsPerInvoke = M)]
    public void IknpChosen() => _ot.Chosen(_x0, _x1, _choices, _receiverOut);

    [Benchmark(OperationsPerInvoke = M)]
    public void IknpCorrelated() => _ot.Correlated(_delta, _choices, _senderOut, _receiverOut);

    [Benchmark(OperationsPerInvoke = M)]
    public void IknpRandomCorrelated() => _ot.RandomCorrelated(_choices, _senderOut, _receiverOut);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn());
    }
}
