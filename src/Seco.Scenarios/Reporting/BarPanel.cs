using System.Globalization;
using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// One grouped bar chart: a group per party along x, within it a slot per phase (always the same slot for
/// the same phase, so a reader can compare a phase across parties by position), a y axis from
/// <see cref="Axis"/> (linear from 0, or log). With one party it is one small multiple of the per-party layout.
/// </summary>
internal sealed class BarPanel
{
    private const double Left = 72, Right = 16, Top = 30, Bottom = 34, LabelSize = 12, ValueSize = 9;

    public required string Heading { get; init; }

    /// <summary>What the panel measures, without unit ("compute", "sent"); also its data-quantity.</summary>
    public required string Quantity { get; init; }

    public required IReadOnlyList<string> Parties { get; init; }

    public required IReadOnlyList<string> Phases { get; init; }

    /// <summary>values[party][phase] in base units (seconds, bytes); already finite and non-negative.</summary>
    public required double[][] Values { get; init; }

    public required ValueAxis Axis { get; init; }

    public required PhasePalette Palette { get; init; }

    public bool ShowValues { get; init; } = true;

    /// <summary>The attributes naming a bar's group and slot, for tools: a party and a phase, or a sweep's x value and series.</summary>
    public string GroupAttribute { get; init; } = "data-party";

    public string SlotAttribute { get; init; } = "data-phase";

    /// <summary>The panel drawn in the box at (<paramref name="x"/>, <paramref name="y"/>) of the given size.</summary>
    public XElement Draw(double x, double y, double width, double height, params object?[] attributes)
    {
        var g = Svg.El("g", Svg.A("class", "panel"), Svg.A("data-quantity", Quantity), attributes);
        g.Add(Svg.Text(x, y + 16, Svg.Fit(Heading, width, 14), "start", 14, Svg.A("font-weight", "bold"), Svg.A("class", "panel-heading")));

        double px = x + Left, py = y + Top, pw = Math.Max(10, width - Left - Right), ph = Math.Max(10, height - Top - Bottom);
        bool any = Values.SelectMany(v => v).Any(v => v > 0);

        Axis.Draw(g, x, px, py, pw, ph);

        if (!any)
            g.Add(Svg.Text(px + pw / 2, py + ph / 2, $"no {Quantity} recorded", "middle", 13, Svg.A("fill", "#666666")));

        double group = pw / Math.Max(1, Parties.Count);
        // 90% of a group for bars, the rest a gap between groups: wide enough for "42.2 MB" over a bar with 5 phases and 4 parties at 960 px.
        double slot = group * 0.9 / Math.Max(1, Phases.Count);
        for (int p = 0; p < Parties.Count; p++)
        {
            double gx = px + p * group;
            g.Add(Svg.Text(gx + group / 2, py + ph + 18, Svg.Fit(Parties[p], group - 4, LabelSize), "middle", LabelSize,
                Svg.A("class", "party-label"), Svg.Tooltip(Parties[p])));
            for (int f = 0; f < Phases.Count; f++)
            {
                double value = Values[p][f];
                if (value <= 0) continue;
                // At least a pixel: a cost far below the axis maximum is still visibly not zero.
                double bh = Math.Max(1, ph * Axis.Fraction(value));
                double bx = gx + group * 0.05 + f * slot;
                string label = Axis.BarLabel(value);
                g.Add(Svg.Rect(bx + 1, py + ph - bh, slot - 2, bh, Palette.ColorOf(Phases[f]),
                    Svg.A("class", "bar"), Svg.A(GroupAttribute, Parties[p]), Svg.A(SlotAttribute, Phases[f]),
                    Svg.A("data-value", value.ToString("R", CultureInfo.InvariantCulture)),
                    Svg.Tooltip($"{Parties[p]} · {Phases[f]}: {Axis.WithUnit(value)}")));
                // A label only where it fits over its own bar; otherwise the tooltip carries the value.
                if (ShowValues && Svg.TextWidth(label.Length, ValueSize) <= slot + 2)
                    g.Add(Svg.Text(bx + slot / 2, py + ph - bh - 3, label, "middle", ValueSize, Svg.A("class", "value")));
            }
        }
        return g;
    }
}
