using System.Collections.Immutable;
using System.Globalization;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// One value of a sweep axis. <see cref="Label"/> is how results.csv and the charts show it;
/// <see cref="FieldPath"/> is where it was given in the sweep file (<c>grid.split[2]</c>), so an
/// error about a point made with it can point there.
/// </summary>
public abstract record AxisValue(string Label, string FieldPath)
{
    /// <summary>The value's position on a numeric x axis, or null for a category.</summary>
    public virtual double? Number => null;
}

/// <summary>A whole number: a split point, a tier count, one width for every tier, a query count.</summary>
public sealed record CountValue(int Value, string FieldPath) : AxisValue(Value.ToString(CultureInfo.InvariantCulture), FieldPath)
{
    public override double? Number => Value;
}

/// <summary>A positive real number: an open loop's arrival rate in queries per second.</summary>
public sealed record RateValue(double Value, string FieldPath) : AxisValue(Value.ToString("0.###", CultureInfo.InvariantCulture), FieldPath)
{
    public override double? Number => Value;
}

/// <summary>How a user's queries overlap: <c>sequential</c> or <c>pipelined</c>.</summary>
public sealed record ScheduleValue(QuerySchedule Schedule, string FieldPath) : AxisValue(LoadSpec.NameOf(Schedule), FieldPath);

/// <summary>An ONNX model (absolute path), labelled by its file name without extension.</summary>
public sealed record ModelValue(string Path, string FieldPath) : AxisValue(LabelOf(Path), FieldPath)
{
    public static string LabelOf(string path) => System.IO.Path.GetFileNameWithoutExtension(path);
}

/// <summary><c>servers_per_tier</c> given per tier, nearest the gateway first: <c>[2, 3, 2]</c>, labelled "2,3,2".</summary>
public sealed record WidthsValue(ImmutableArray<int> Widths, string FieldPath)
    : AxisValue(string.Join(",", Widths.Select(w => w.ToString(CultureInfo.InvariantCulture))), FieldPath);

/// <summary>
/// <c>network</c>: one profile for every link, or (<see cref="PerTier"/>) one per remote tier, nearest
/// the gateway first, labelled "lan" or "lan,wan".
/// </summary>
public sealed record NetworkValue(ImmutableArray<NetworkProfile> Profiles, bool PerTier, string FieldPath)
    : AxisValue(string.Join(",", Profiles.Select(p => p.Name)), FieldPath);

/// <summary><c>protocol</c>: SECO or a baseline, labelled by its name in scenario files (seco, delphi).</summary>
public sealed record ProtocolValue(InferenceProtocol Protocol, string FieldPath) : AxisValue(InferenceProtocols.Name(Protocol), FieldPath);
