using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;

namespace Seco.Bench;

/// <summary>
/// Oblivious transfer through <see cref="OtLoopback"/> (sender and receiver in one process, single thread, every
/// message serialized and parsed): 128 Chou–Orlandi base OTs over P-256, and IKNP extension of m = 2^20 OTs in the
/// three output modes. Reference (emp-ot, same machine class, one core): chosen-message IKNP 15.4 M OT/s, random
/// correlated OT ≈ 52 M OT/s.
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
        _ot = OtLoopback.Create(_delta);
        _choices = new byte[M / 8];
        rng.FillBytes(_choices);
        _x0 = new Block[M]; _x1 = new Block[M];
        rng.Fill(_x0); rng.Fill(_x1);
        _senderOut = new Block[M]; _receiverOut = new Block[M];
    }

    /// <summary>Setup of a fresh pair: 128 base OTs (one A, 128 B_i, 3 scalar multiplications per OT).</summary>
    [Benchmark, OtCount(128)]
    public OtLoopback BaseOt128() => OtLoopback.Create();

    [Benchmark, OtCount(M)]
    public void IknpChosen() => _ot.Chosen(_x0, _x1, _choices, _receiverOut);

    [Benchmark, OtCount(M)]
    public void IknpCorrelated() => _ot.Correlated(_delta, _choices, _senderOut, _receiverOut);

    [Benchmark, OtCount(M)]
    public void IknpRandomCorrelated() => _ot.RandomCorrelated(_choices, _senderOut, _receiverOut);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new OtRateColumn());
    }
}

/// <summary>Number of OTs one benchmark operation performs.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OtCountAttribute(int count) : Attribute
{
    public int Count { get; } = count;
}

/// <summary>"M OT/s" = OTs per operation / mean time per operation, in millions.</summary>
public sealed class OtRateColumn : IColumn
{
    public string Id => nameof(OtRateColumn);
    public string ColumnName => "M OT/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Millions of OTs per second: OTs per operation / mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var attribute = benchmarkCase.Descriptor.WorkloadMethod.GetCustomAttributes(typeof(OtCountAttribute), false);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (attribute is not [OtCountAttribute ots] || meanNs is null or <= 0) return "-";
        return (ots.Count / meanNs.Value * 1e3).ToString("N3", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public override string ToString() => ColumnName;
}
