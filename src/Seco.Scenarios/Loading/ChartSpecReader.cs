using Seco.Scenarios.Sweeps;

namespace Seco.Scenarios.Loading;

/// <summary>
/// Reads a sweep's <c>charts</c>: a list of <c>{ x, y, by, scale, title }</c>. Axes must be the grid's; measures
/// must be results.csv columns (whether a per-party column's party exists is checked once the points are built).
/// </summary>
internal static class ChartSpecReader
{
    public const int MaxTitleLength = 200;

    private static readonly string[] Scales = ["auto", "linear", "log"];

    private static readonly string[] Styles = ["auto", "bars"];

    /// <param name="axes">The grid's axes, or null if the grid could not be read (then axis names are only checked to be axes).</param>
    public static IReadOnlyList<SweepChartSpec>? Read(LoadContext context, SourceNode node, string path, IReadOnlyList<SweepAxis>? axes)
    {
        if (context.ExpectSequence(node, path) is not { } list)
            return null;
        int before = context.ErrorCount;
        var charts = new List<SweepChartSpec>();
        for (int i = 0; i < list.Items.Count; i++)
        {
            string chartPath = FieldPath.Index(path, i);
            context.Record(chartPath, list.Items[i]);
            if (ReadChart(context, list.Items[i], chartPath, axes) is { } chart)
                charts.Add(chart);
        }
        return context.ErrorCount > before ? null : charts;
    }

    private static SweepChartSpec? ReadChart(LoadContext context, SourceNode node, string path, IReadOnlyList<SweepAxis>? axes)
    {
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        int before = context.ErrorCount;
        var fields = new MappingReader(context, mapping, path, "x", "y", "by", "scale", "style", "title");
        AxisKind? x = fields.Require("x") is { } xNode ? ReadAxis(context, xNode, fields.PathOf("x"), axes) : null;
        var y = fields.Require("y") is { } yNode ? ReadList(context, yNode, fields.PathOf("y"), ReadMeasure) : null;
        List<AxisKind>? by = null;
        if (fields.Get("by") is { } byNode
            && ReadList(context, byNode, fields.PathOf("by"), (c, n, p) => ReadAxis(c, n, p, axes) is { } k ? AxisNames.Of(k) : null) is { } byNames)
        {
            by = [.. byNames.Select(n => AxisNames.Find(n)!.Value)];
            for (int i = 0; i < by.Count; i++)
            {
                string at = byNode is SourceSequence ? FieldPath.Index(fields.PathOf("by"), i) : fields.PathOf("by");
                SourceLocation where = context.SourceMap().Locate(at);
                if (by[i] == x)
                    context.Error(where, at, $"'{AxisNames.Of(by[i])}' is the chart's x axis; series are made of the other axes");
                else if (by.IndexOf(by[i]) < i)
                    context.Error(where, at, $"'{AxisNames.Of(by[i])}' repeated");
            }
        }
        var scale = (ChartScale)ReadOption(context, fields, "scale", Scales);
        var style = (ChartStyle)ReadOption(context, fields, "style", Styles);
        string? title = fields.Get("title") is { } t ? context.ReadText(t, fields.PathOf("title"), MaxTitleLength, "", "printable text on one line") : null;
        if (context.ErrorCount > before || x is null || y is null)
            return null;
        return new SweepChartSpec(x.Value, y, by, scale, title, path) { Style = style };
    }

    /// <summary>The index of the key's value among <paramref name="options"/> (0, the first, when absent or unknown: the error is reported).</summary>
    private static int ReadOption(LoadContext context, MappingReader fields, string key, string[] options)
    {
        if (fields.Get(key) is not { } node || context.ReadString(node, fields.PathOf(key)) is not { } value)
            return 0;
        int k = Array.IndexOf(options, value);
        if (k < 0)
            context.Error(node.Location, fields.PathOf(key), $"unknown {key} '{SourceScalar.Shorten(value)}'" + Spelling.Hint(value, options));
        return Math.Max(k, 0);
    }

    /// <summary>One item or a non-empty list of them; items are recorded at <c>path[i]</c>.</summary>
    private static List<T>? ReadList<T>(LoadContext context, SourceNode node, string path, Func<LoadContext, SourceNode, string, T?> read) where T : class
    {
        var items = new List<T>();
        int before = context.ErrorCount;
        if (node is SourceSequence list)
        {
            if (list.Items.Count == 0)
                context.Error(node.Location, path, "needs at least one entry");
            for (int i = 0; i < list.Items.Count; i++)
            {
                string itemPath = FieldPath.Index(path, i);
                context.Record(itemPath, list.Items[i]);
                if (read(context, list.Items[i], itemPath) is { } item) items.Add(item);
            }
        }
        else if (read(context, node, path) is { } single)
            items.Add(single);
        return context.ErrorCount > before ? null : items;
    }

    private static AxisKind? ReadAxis(LoadContext context, SourceNode node, string path, IReadOnlyList<SweepAxis>? axes)
    {
        if (context.ReadString(node, path) is not { } name)
            return null;
        AxisKind? kind = AxisNames.Find(name);
        if (kind is null)
        {
            context.Error(node.Location, path, $"unknown axis '{SourceScalar.Shorten(name)}'" + Spelling.Hint(name, AxisNames.All, "axes"));
            return null;
        }
        if (axes is not null && axes.All(a => a.Kind != kind))
        {
            context.Error(node.Location, path, $"'{name}' is not an axis of this sweep's grid (grid axes: {string.Join(", ", axes.Select(a => a.Name))})");
            return null;
        }
        return kind;
    }

    private static string? ReadMeasure(LoadContext context, SourceNode node, string path)
    {
        if (context.ReadString(node, path) is not { } name)
            return null;
        if (SweepMeasures.Find(name) is not null)
            return name;
        context.Error(node.Location, path, () => $"unknown measure '{SourceScalar.Shorten(name)}'"
            + Spelling.Hint(name, [.. SweepMeasures.PointMeasures.Select(m => m.Name)], "measures")
            + $"; per party: <party>.{{{string.Join(", ", SweepMeasures.PartyMeasures.Select(m => m.Name))}}} (docs/sweeps.md)");
        return null;
    }
}
