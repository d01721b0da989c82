using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// One colour per phase, assigned in first-appearance order from a fixed palette (Tableau 10: distinct on
/// white, readable in print). Both charts use it, so "online" has the same colour in costs.svg and
/// timeline.svg when they are given the same phase order.
/// </summary>
internal sealed class PhasePalette
{
    private static readonly string[] Colors =
    [
        "#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
    ];

    private const double Swatch = 12, Gap = 16, FontSize = 12;

    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _phases = [];

    /// <param name="preferred">Phases to number first, in this order (a caller's fixed order across charts).</param>
    /// <param name="seen">Phases in the order the data shows them; those not in <paramref name="preferred"/> follow.</param>
    public PhasePalette(IEnumerable<string>? preferred, IEnumerable<string> seen)
    {
        foreach (string phase in (preferred ?? []).Concat(seen))
        {
            if (_index.TryAdd(phase, _phases.Count))
                _phases.Add(phase);
        }
    }

    /// <summary>Every phase, in colour order.</summary>
    public IReadOnlyList<string> Phases => _phases;

    /// <summary>Beyond ten phases colours repeat; the legend and tooltips still name each one.</summary>
    public string ColorOf(string phase) =>
        _index.TryGetValue(phase, out int i) ? Colors[i % Colors.Length] : "#888888";

    /// <summary>
    /// The legend as a row of swatches and names starting at (<paramref name="x"/>, <paramref name="y"/>),
    /// wrapped at <paramref name="width"/>; <paramref name="height"/> is how much vertical space it took.
    /// Only the phases in <paramref name="only"/> are listed when given (those that drew something).
    /// </summary>
    /// <param name="dataAttribute">What each item names, for tools: data-phase, or data-series when the palette colours a sweep's series.</param>
    public XElement Legend(double x, double y, double width, out double height, IReadOnlyCollection<string>? only = null, string dataAttribute = "data-phase")
    {
        var g = Svg.El("g", Svg.A("class", "legend"));
        double cx = x, cy = y, row = Swatch + 6;
        foreach (string phase in _phases.Where(p => only is null || only.Contains(p)))
        {
            double w = Swatch + 4 + Svg.TextWidth(phase.Length, FontSize) + Gap;
            if (cx > x && cx + w > x + width)
            {
                cx = x;
                cy += row;
            }
            g.Add(Svg.El("g", Svg.A("class", "legend-item"), Svg.A(dataAttribute, phase),
                Svg.Rect(cx, cy, Swatch, Swatch, ColorOf(phase)),
                Svg.Text(cx + Swatch + 4, cy + Swatch - 1, phase, size: FontSize)));
            cx += w;
        }
        height = cy - y + row;
        return g;
    }
}
