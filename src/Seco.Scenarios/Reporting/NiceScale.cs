using System.Globalization;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// Axis ticks at 1, 2, 2.5 or 5 times a power of ten (Heckbert's "nice numbers"), so a reader can
/// interpolate between gridlines. <see cref="Max"/> is the data maximum rounded up to a whole step.
/// </summary>
internal readonly record struct NiceScale(double Min, double Max, double Step)
{
    /// <summary>A scale covering [<paramref name="lo"/>, <paramref name="hi"/>] with about <paramref name="ticks"/> intervals; an empty or invalid range becomes [lo, lo + 1].</summary>
    public static NiceScale For(double lo, double hi, int ticks = 5)
    {
        if (!double.IsFinite(lo)) lo = 0;
        if (!double.IsFinite(hi) || hi <= lo) hi = lo + 1;
        double raw = (hi - lo) / Math.Max(1, ticks);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double norm = raw / magnitude;
        double nice = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 2.5 ? 2.5 : norm <= 5 ? 5 : 10;
        double step = nice * magnitude;
        return new NiceScale(Math.Floor(lo / step + 1e-9) * step, Math.Ceiling(hi / step - 1e-9) * step, step);
    }

    /// <summary>The multiples of <see cref="Step"/> inside [<paramref name="lo"/>, <paramref name="hi"/>].</summary>
    public IEnumerable<double> TicksWithin(double lo, double hi)
    {
        long first = (long)Math.Ceiling(lo / Step - 1e-9), last = (long)Math.Floor(hi / Step + 1e-9);
        for (long i = first; i <= last && i - first <= 1000; i++)
            yield return i * Step;
    }

    public IEnumerable<double> Ticks => TicksWithin(Min, Max);

    /// <summary>A tick label with just the decimals the step needs (0.25 steps get two, 0.5 steps one).</summary>
    public string Label(double value)
    {
        int decimals = 0;
        while (decimals < 9 && Math.Abs(Step * Math.Pow(10, decimals) - Math.Round(Step * Math.Pow(10, decimals))) > 1e-6)
            decimals++;
        return (Math.Round(value, decimals) + 0.0).ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    /// <summary>A value label with three significant digits and no exponent (1.23, 12.3, 123, 1234).</summary>
    public static string Short(double value)
    {
        if (!double.IsFinite(value) || value == 0) return "0";
        int digits = Math.Clamp(2 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 9);
        return Math.Round(value, digits).ToString("0." + new string('#', digits), CultureInfo.InvariantCulture).TrimEnd('.');
    }
}

/// <summary>A display unit: a value in base units divided by <see cref="Scale"/> is shown with <see cref="Name"/>.</summary>
internal readonly record struct DisplayUnit(string Name, double Scale)
{
    /// <summary>s, ms or µs, whichever keeps <paramref name="maxSeconds"/> at 1 or more.</summary>
    public static DisplayUnit ForSeconds(double maxSeconds) =>
        maxSeconds >= 1 ? new("s", 1) : maxSeconds >= 1e-3 ? new("ms", 1e-3) : new("µs", 1e-6);

    /// <summary>A duration as "1.23 ms", in the unit that suits it.</summary>
    public static string Seconds(double seconds)
    {
        DisplayUnit u = ForSeconds(seconds);
        return $"{NiceScale.Short(seconds / u.Scale)} {u.Name}";
    }

    /// <summary>Decimal byte units (B, kB, MB, GB), as network bandwidth is quoted.</summary>
    public static DisplayUnit ForBytes(double maxBytes) =>
        maxBytes >= 1e9 ? new("GB", 1e9) : maxBytes >= 1e6 ? new("MB", 1e6) : maxBytes >= 1e3 ? new("kB", 1e3) : new("B", 1);
}
