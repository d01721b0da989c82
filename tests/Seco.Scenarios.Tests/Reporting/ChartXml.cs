using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Seco.Scenarios.Tests.Reporting;

/// <summary>Reads a rendered chart back as XML and checks what every chart must satisfy.</summary>
internal static partial class ChartXml
{
    public static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    private static readonly string[] NumericAttributes = ["x", "y", "width", "height", "x1", "y1", "x2", "y2", "font-size", "stroke-width"];

    /// <summary>
    /// Parses <paramref name="svg"/> and checks it is an SVG root with width, height and a matching viewBox,
    /// and that every coordinate is a plain invariant number (no NaN, Infinity or decimal comma).
    /// </summary>
    public static XElement Parse(string svg)
    {
        XElement root = XDocument.Parse(svg).Root!;
        Assert.Equal(SvgNs + "svg", root.Name);
        string w = root.Attribute("width")!.Value, h = root.Attribute("height")!.Value;
        Assert.Equal($"0 0 {w} {h}", root.Attribute("viewBox")!.Value);
        Assert.True(Num(root, "width") > 0 && Num(root, "height") > 0);
        foreach (XAttribute a in root.DescendantsAndSelf().Attributes().Where(a => NumericAttributes.Contains(a.Name.LocalName)))
            Assert.Matches(PlainNumber(), a.Value);
        Assert.DoesNotContain("NaN", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", svg, StringComparison.Ordinal);
        return root;
    }

    public static List<XElement> Rects(XElement root, string cls) =>
        root.Descendants(SvgNs + "rect").Where(r => (r.Attribute("class")?.Value ?? "").Split(' ').Contains(cls)).ToList();

    /// <summary>The bars of a quantity's panel, or of all its per-party panels.</summary>
    public static List<XElement> Panel(XElement root, string quantity) =>
        Panels(root, quantity).SelectMany(g => g.Descendants(SvgNs + "rect"))
            .Where(r => (string?)r.Attribute("class") == "bar").ToList();

    public static List<XElement> Panels(XElement root, string quantity) =>
        root.Descendants(SvgNs + "g").Where(g => (string?)g.Attribute("class") == "panel" && (string?)g.Attribute("data-quantity") == quantity).ToList();

    /// <summary>
    /// Characters that must not reach an SVG from user text: C0 controls (even tab and newline, which would
    /// split a label), DEL, C1 and the bidi overrides that reorder what a reader sees.
    /// </summary>
    public static bool IsControl(char c) =>
        c < ' ' || c is >= '\u007f' and <= '\u009f' || c is >= '\u202a' and <= '\u202e' || c is >= '\u2066' and <= '\u2069';

    /// <summary>Every text node and attribute value of the chart is free of <see cref="IsControl"/> characters.</summary>
    public static void AssertNoControlCharacters(XElement root)
    {
        foreach (XText t in root.DescendantNodes().OfType<XText>())
            Assert.DoesNotContain(t.Value, IsControl);
        foreach (XAttribute a in root.DescendantsAndSelf().Attributes())
            Assert.DoesNotContain(a.Value, IsControl);
    }

    public static XElement Bar(List<XElement> bars, string party, string phase) =>
        bars.Single(b => (string?)b.Attribute("data-party") == party && (string?)b.Attribute("data-phase") == phase);

    public static double Num(XElement e, string attribute) => double.Parse(e.Attribute(attribute)!.Value, CultureInfo.InvariantCulture);

    /// <summary>What each &lt;text&gt; shows: its own text, without the tooltip a child &lt;title&gt; carries.</summary>
    public static IEnumerable<string> Texts(XElement root) => root.Descendants(SvgNs + "text").Select(Shown);

    public static string Shown(XElement text) => string.Concat(text.Nodes().OfType<XText>().Select(t => t.Value));

    public static IEnumerable<string> Labels(XElement root, string cls) =>
        root.Descendants(SvgNs + "text").Where(t => (string?)t.Attribute("class") == cls).Select(Shown);

    [GeneratedRegex(@"^-?\d+(\.\d+)?$")]
    private static partial Regex PlainNumber();
}
