using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Seco.Bench;

/// <summary>
/// "M/s" = millions of operations per second = 1000 / mean ns per operation. Benchmarks that process many items per
/// invocation declare <c>OperationsPerInvoke</c> = items, so the mean is per item (per AND gate, per OT).
/// </summary>
public sealed class RateColumn : IColumn
{
    public string Id => nameof(RateColumn);
    public string ColumnName => "M/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 1;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Millions of items (OperationsPerInvoke) per second: 1000 / mean ns per item";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return meanNs is null or <= 0 ? "-" : (1000.0 / meanNs.Value).ToString("N2", System.Globalization.CultureInfo.InvariantCulture);
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public override string ToString() => ColumnName;
}
