using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Seco.Bench;

/// <summary>
/// "MB/s" = payload bytes per operation / mean time per operation (MB = 10^6 bytes). By default the byte count of each
/// benchmark comes from <see cref="PayloadBytesAttribute"/> resolved through a static property of the benchmark class;
/// <see cref="OfMiBParameter"/> takes it from the case's <c>MiB</c> parameter (the transport benchmarks).
/// </summary>
public sealed class ThroughputColumn(Func<BenchmarkCase, long?> bytesOf, string legend, string format) : IColumn
{
    public ThroughputColumn()
        : this(c => PayloadBytesAttribute.Resolve(c.Descriptor.WorkloadMethod),
            "Payload megabytes (10^6 bytes) encoded or decoded per second: bytes per op / mean time", "N0")
    {
    }

    /// <summary>Bytes per operation = the case's <c>MiB</c> parameter × 2^20.</summary>
    public static ThroughputColumn OfMiBParameter() =>
        new(c => c.Parameters["MiB"] is int mib ? (long)mib << 20 : null, "Payload megabytes (10^6 bytes) per second: MiB parameter × 2^20 / mean time", "N1");

    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "MB/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        long? bytes = bytesOf(benchmarkCase);
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (bytes is null || meanNs is null or <= 0)
        {
            return "-";
        }
        double mbPerSecond = bytes.Value / meanNs.Value * 1e9 / 1e6;
        return mbPerSecond.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public override string ToString() => ColumnName;
}

/// <summary>Names the static property (of the benchmark's class) that gives the bytes processed per operation.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PayloadBytesAttribute(string propertyName) : Attribute
{
    public string PropertyName { get; } = propertyName;

    public static long? Resolve(System.Reflection.MethodInfo method)
    {
        if (method.GetCustomAttributes(typeof(PayloadBytesAttribute), inherit: false) is not [PayloadBytesAttribute attribute])
        {
            return null;
        }
        object? value = method.DeclaringType?.GetProperty(attribute.PropertyName)?.GetValue(null);
        return value is null ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
