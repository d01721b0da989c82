using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>What a bar panel's values are, so an axis can pick display units for them.</summary>
internal enum Quantity
{
    Seconds,
    Bytes,

    /// <summary>A plain number (messages, rounds): no unit.</summary>
    Count,
}

/// <summary>
/// A bar panel's y axis over values in base units (seconds, bytes): where a value sits as a fraction of
/// the axis height, which ticks to draw and how to label them and the bars.
/// </summary>
internal abstract class ValueAxis
{
    /// <summary>The axis title, e.g. "compute (ms)" or "sent (log scale)".</summary>
    public abstract string Title { get; }

    /// <summary>0 at the baseline, 1 at the top; values outside the axis are clamped to it.</summary>
    public abstract double Fraction(double value);

    /// <summary>Tick positions in base units with their labels, bottom to top.</summary>
    public abstract IReadOnlyList<(double Value, string Label)> Ticks { get; }

    /// <summary>A short label for a bar (the unit is in the title when the axis has a single unit).</summary>
    public abstract string BarLabel(double value);

    /// <summary>The value with its unit, for tooltips.</summary>
    public string WithUnit(double value) => Format(Kind, value);

    protected Quantity Kind { get; init; }

    private const double TickSize = 11, TitleSize = 12;

    /// <summary>
    /// Gridlines and tick labels across the plot area (<paramref name="px"/>, <paramref name="py"/>, <paramref name="pw"/>,
    /// <paramref name="ph"/>), the axis line, and the rotated title at the panel's left edge <paramref name="x"/>.
    /// </summary>
    public void Draw(XElement g, double x, double px, double py, double pw, double ph)
    {
        var ticks = Ticks;
        // Skip every other label when they would overlap (many decades on a short log axis).
        int every = ticks.Count > 1 && ph / (ticks.Count - 1) < TickSize + 3 ? 2 : 1;
        for (int i = 0; i < ticks.Count; i++)
        {
            double ty = py + ph - ph * Fraction(ticks[i].Value);
            g.Add(Svg.Line(px, ty, px + pw, ty, i == 0 ? "#444444" : "#e3e3e3"));
            if (i % every == 0)
                g.Add(Svg.Text(px - 6, ty + 4, ticks[i].Label, "end", TickSize, Svg.A("class", "tick")));
        }
        g.Add(Svg.Line(px, py, px, py + ph, "#444444"));
        double ay = py + ph / 2;
        g.Add(Svg.Text(x + 14, ay, Title, "middle", TitleSize, Svg.A("class", "axis-title"),
            Svg.A("transform", $"rotate(-90 {Svg.N(x + 14)} {Svg.N(ay)})")));
    }

    public static DisplayUnit UnitFor(Quantity kind, double max) => kind switch
    {
        Quantity.Seconds => DisplayUnit.ForSeconds(max),
        Quantity.Bytes => DisplayUnit.ForBytes(max),
        _ => new DisplayUnit("", 1),
    };

    public static string Format(Quantity kind, double value)
    {
        DisplayUnit u = UnitFor(kind, value);
        return u.Name.Length == 0 ? NiceScale.Short(value) : $"{NiceScale.Short(value / u.Scale)} {u.Name}";
    }
}

/// <summary>A linear axis from 0 with "nice" ticks, in the one unit that suits the largest value.</summary>
internal sealed class LinearAxis : ValueAxis
{
    private readonly DisplayUnit _unit;
    private readonly NiceScale _scale;
    private readonly string _name;

    public LinearAxis(string name, Quantity kind, double max)
    {
        Kind = kind;
        _name = name;
        _unit = UnitFor(kind, max);
        _scale = NiceScale.For(0, max / _unit.Scale);
    }

    public override string Title => _unit.Name.Length == 0 ? _name : $"{_name} ({_unit.Name})";

    public override double Fraction(double value) => Math.Clamp(value / _unit.Scale / _scale.Max, 0, 1);

    public override IReadOnlyList<(double Value, string Label)> Ticks =>
        [.. _scale.Ticks.Select(t => (t * _unit.Scale, _scale.Label(t)))];

    public override string BarLabel(double value) => NiceScale.Short(value / _unit.Scale);
}

/// <summary>
/// A log axis with a tick at every power of ten, each labelled with its own unit (1 kB, 10 kB, 100 kB, 1 MB),
/// so values three orders of magnitude apart are both readable on one axis. The baseline is the power of ten
/// strictly below the smallest value, so every non-zero bar has a visible height.
/// </summary>
internal sealed class LogAxis : ValueAxis
{
    private readonly string _name;
    private readonly int _lo, _hi;

    /// <param name="minPositive">The smallest non-zero value (its decade sets the baseline).</param>
    public LogAxis(string name, Quantity kind, double minPositive, double max)
    {
        Kind = kind;
        _name = name;
        if (!(minPositive > 0) || !double.IsFinite(minPositive)) minPositive = 1;
        if (!(max >= minPositive) || !double.IsFinite(max)) max = minPositive;
        // The tolerance keeps an exact power of ten (Log10(1000) may be 2.9999…) above the baseline and at a tick.
        _lo = (int)Math.Floor(Math.Log10(minPositive) - 1e-9);
        _hi = Math.Max(_lo + 1, (int)Math.Ceiling(Math.Log10(max) - 1e-9));
    }

    public override string Title => $"{_name} (log scale)";

    public override double Fraction(double value) =>
        value > 0 ? Math.Clamp((Math.Log10(value) - _lo) / (_hi - _lo), 0, 1) : 0;

    public override IReadOnlyList<(double Value, string Label)> Ticks =>
        [.. Enumerable.Range(_lo, _hi - _lo + 1).Select(e => Math.Pow(10, e)).Select(v => (v, Format(Kind, v)))];

    public override string BarLabel(double value) => Format(Kind, value);
}
