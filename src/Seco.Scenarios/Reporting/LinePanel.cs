using System.Globalization;
using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// One line chart: a numeric x axis (a sweep's split point, depth or query count), a y axis from <see cref="Axis"/>,
/// and per series a polyline through its points with a marker at each. A missing value (a point that did not
/// finish) breaks the line there rather than bridging it, so no segment claims a value nobody measured.
/// </summary>
internal sealed class LinePanel
{
    private const double Left = 72, Right = 16, Top = 30, Bottom = 44, LabelSize = 12, TickSize = 11, Marker = 3.5;

    /// <summary>Beyond this many x values, ticks come from a nice scale instead of one per value.</summary>
    private const int MaxValueTicks = 16;

    public required string Heading { get; init; }

    /// <summary>What the panel measures (its data-quantity).</summary>
    public required string Quantity { get; init; }

    public required string XTitle { get; init; }

    /// <summary>The x positions, ascending, and how each is labelled.</summary>
    public required IReadOnlyList<double> X { get; init; }

    public required IReadOnlyList<string> XLabels { get; init; }

    public required IReadOnlyList<string> Series { get; init; }

    /// <summary>values[series][x] in base units; null where nothing was measured.</summary>
    public required double?[][] Values { get; init; }

    public required ValueAxis Axis { get; init; }

    public required PhasePalette Palette { get; init; }

    public XElement Draw(double x, double y, double width, double height)
    {
        var g = Svg.El("g", Svg.A("class", "panel"), Svg.A("data-quantity", Quantity));
        g.Add(Svg.Text(x, y + 16, Svg.Fit(Heading, width, 14), "start", 14, Svg.A("font-weight", "bold"), Svg.A("class", "panel-heading")));
        double px = x + Left, py = y + Top, pw = Math.Max(10, width - Left - Right), ph = Math.Max(10, height - Top - Bottom);
        Axis.Draw(g, x, px, py, pw, ph);

        double lo = X.DefaultIfEmpty(0).Min(), hi = X.DefaultIfEmpty(1).Max();
        if (hi <= lo) { lo -= 1; hi += 1; }
        // A margin at both ends so the first and last markers are not cut by the axes.
        double pad = (hi - lo) * 0.04;
        double Sx(double v) => px + pw * (v - lo + pad) / (hi - lo + 2 * pad);
        double Sy(double v) => py + ph - ph * Axis.Fraction(v);

        IEnumerable<(double Value, string Label)> ticks = X.Count <= MaxValueTicks
            ? X.Zip(XLabels)
            : NiceScale.For(lo, hi) is var scale ? scale.TicksWithin(lo, hi).Select(t => (t, scale.Label(t))) : [];
        foreach ((double value, string label) in ticks)
        {
            g.Add(Svg.Line(Sx(value), py + ph, Sx(value), py + ph + 4, "#444444"));
            g.Add(Svg.Text(Sx(value), py + ph + 16, label, "middle", TickSize, Svg.A("class", "x-tick")));
        }
        g.Add(Svg.Text(px + pw / 2, py + ph + 34, XTitle, "middle", LabelSize, Svg.A("class", "x-title")));

        if (!Values.SelectMany(v => v).Any(v => v is not null))
            g.Add(Svg.Text(px + pw / 2, py + ph / 2, $"no {Quantity} measured", "middle", 13, Svg.A("fill", "#666666")));

        for (int s = 0; s < Series.Count; s++)
        {
            string color = Palette.ColorOf(Series[s]);
            var series = Svg.El("g", Svg.A("class", "series"), Svg.A("data-series", Series[s]));
            var run = new List<string>();
            void Flush()
            {
                if (run.Count > 1)
                    series.Add(Svg.El("polyline", Svg.A("class", "line"), Svg.A("points", string.Join(" ", run)), Svg.A("fill", "none"),
                        Svg.A("stroke", color), Svg.A("stroke-width", 2)));
                run.Clear();
            }
            for (int i = 0; i < X.Count; i++)
            {
                if (Values[s][i] is not { } v)
                {
                    Flush();
                    continue;
                }
                run.Add($"{Svg.N(Sx(X[i]))},{Svg.N(Sy(v))}");
            }
            Flush();
            for (int i = 0; i < X.Count; i++)
            {
                if (Values[s][i] is not { } v) continue;
                series.Add(Svg.El("circle", Svg.A("class", "point"), Svg.A("cx", Sx(X[i])), Svg.A("cy", Sy(v)), Svg.A("r", Marker), Svg.A("fill", color),
                    Svg.A("data-x", XLabels[i]), Svg.A("data-value", v.ToString("R", CultureInfo.InvariantCulture)),
                    Svg.Tooltip($"{Series[s]} · {XTitle} = {XLabels[i]}: {Axis.WithUnit(v)}")));
            }
            g.Add(series);
        }
        return g;
    }
}
