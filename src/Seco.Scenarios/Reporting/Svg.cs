using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Seco.Scenarios.Reporting;

/// <summary>
/// The few SVG building blocks both charts share. Elements are built with <see cref="XElement"/> so that
/// escaping is never done by hand; numbers go through <see cref="N"/> so a chart never contains a
/// culture-dependent decimal separator, NaN or Infinity (which SVG renderers reject or misdraw).
/// </summary>
internal static class Svg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    public const string Font = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

    /// <summary>Rough width of <paramref name="chars"/> characters of sans-serif text, for layout decisions only.</summary>
    public static double TextWidth(int chars, double fontSize) => chars * fontSize * 0.6;

    /// <summary>An SVG number: invariant culture, at most 2 decimals; a non-finite value becomes 0 rather than an invalid attribute.</summary>
    public static string N(double value) =>
        double.IsFinite(value) ? Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture) : "0";

    /// <summary>The root element with width, height and viewBox set, a white background and an accessible title.</summary>
    public static XElement Root(double width, double height, string title)
    {
        var root = new XElement(Ns + "svg",
            new XAttribute("width", N(width)),
            new XAttribute("height", N(height)),
            new XAttribute("viewBox", $"0 0 {N(width)} {N(height)}"),
            new XAttribute("font-family", Font),
            new XAttribute("font-size", "12"),
            new XElement(Ns + "title", Clean(title)));
        root.Add(Rect(0, 0, width, height, "#ffffff"));
        return root;
    }

    /// <summary>An SVG element; a later attribute of the same name replaces an earlier one, so callers can override defaults (a text's fill).</summary>
    public static XElement El(string name, params object?[] content)
    {
        var e = new XElement(Ns + name);
        Add(e, content);
        return e;
    }

    private static void Add(XElement e, object? content)
    {
        switch (content)
        {
            case null:
                break;
            case XAttribute a:
                e.SetAttributeValue(a.Name, a.Value);
                break;
            case object?[] many:
                foreach (object? item in many) Add(e, item);
                break;
            default:
                e.Add(content);
                break;
        }
    }

    public static XAttribute A(string name, double value) => new(name, N(value));

    public static XAttribute A(string name, string value) => new(name, Clean(value));

    public static XElement Rect(double x, double y, double width, double height, string fill, params object?[] content) =>
        El("rect", A("x", x), A("y", y), A("width", Math.Max(0, width)), A("height", Math.Max(0, height)), A("fill", fill), content);

    public static XElement Line(double x1, double y1, double x2, double y2, string stroke, double strokeWidth = 1, params object?[] content) =>
        El("line", A("x1", x1), A("y1", y1), A("x2", x2), A("y2", y2), A("stroke", stroke), A("stroke-width", strokeWidth), content);

    /// <summary>Text; <paramref name="anchor"/> is start, middle or end.</summary>
    public static XElement Text(double x, double y, string text, string anchor = "start", double size = 12, params object?[] content) =>
        El("text", A("x", x), A("y", y), A("text-anchor", anchor), A("font-size", size), A("fill", "#222222"), content, Clean(text));

    /// <summary>A tooltip: SVG viewers show a child &lt;title&gt; on hover.</summary>
    public static XElement Tooltip(string text) => El("title", Clean(text));

    /// <summary>
    /// <paramref name="text"/> shortened with an ellipsis to about <paramref name="width"/> pixels, so a long
    /// party name cannot run into its neighbour (the full name goes in a tooltip).
    /// </summary>
    public static string Fit(string text, double width, double fontSize)
    {
        int max = Math.Max(1, (int)(width / (fontSize * 0.6)));
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, Math.Max(0, max - 1)), "…");
    }

    /// <summary>A chart with nothing to draw: the title and a "no data" line, still a valid SVG of the usual size.</summary>
    public static XElement NoData(double width, double height, string title, string message)
    {
        XElement root = Root(width, height, title);
        root.Add(Text(width / 2, 30, title, "middle", 16, A("font-weight", "bold")));
        root.Add(Text(width / 2, height / 2, message, "middle", 14, A("fill", "#666666")));
        return root;
    }

    /// <summary>
    /// User text made safe for an SVG: <see cref="Printable.Escape"/> turns control characters, C1 and bidi
    /// overrides into visible escapes (a scenario or party name must not reorder or hide the chart's text,
    /// and XML 1.0 forbids most controls even as character references); whatever XML still cannot carry
    /// (lone surrogates, U+FFFE/U+FFFF) becomes U+FFFD. XElement escapes &amp; and &lt; itself.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = Printable.Escape(text);
        StringBuilder? sb = null;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            bool pair = i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], c);
            if (pair || XmlConvert.IsXmlChar(c))
            {
                sb?.Append(c);
                if (pair) { sb?.Append(text[i + 1]); i++; }
                continue;
            }
            sb ??= new StringBuilder(text, 0, i, text.Length);
            sb.Append('\uFFFD');
        }
        return sb?.ToString() ?? text;
    }

    public static string Serialize(XElement root) =>
        new XDocument(new XDeclaration("1.0", "utf-8", null), root).Declaration + "\n" + root.ToString(SaveOptions.None);

    public static void Write(string path, string svg)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, svg, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }
}
