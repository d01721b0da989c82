using Spectre.Console;

namespace Seco.Cli.Output;

/// <summary>
/// A table that stays readable at the console's width (80 columns included): numbers never wrap, headers wrap only
/// between words, and when the columns cannot fit the least important ones are dropped (named in the caption),
/// then the padding is narrowed. Spectre on its own would cut words and numbers ("compu…", "1.2235 / 90").
/// Cells are markup; callers escape user text (<see cref="Cell"/>).
/// </summary>
/// <param name="elsewhere">Where every column can be read in full (said when columns are left out), e.g. "report.json has every figure".</param>
internal sealed class FittedTable(string title, string? elsewhere = null)
{
    private readonly List<Column> _columns = [];
    private readonly List<string[]> _rows = [];
    private bool _headless;

    private sealed record Column(string Header, bool Numeric, int DropOrder);

    /// <summary>A text column (wraps between words).</summary>
    public FittedTable Text(string header, int dropOrder = 0) => Add(new Column(header, false, dropOrder));

    /// <summary>A right-aligned column whose cells never wrap. <paramref name="dropOrder"/> 1 goes first when narrow; 0 never.</summary>
    public FittedTable Number(string header, int dropOrder = 0) => Add(new Column(header, true, dropOrder));

    /// <summary>No header row (a two-column summary of fields and values).</summary>
    public FittedTable Headless()
    {
        _headless = true;
        return this;
    }

    private FittedTable Add(Column column)
    {
        if (_rows.Count > 0) throw new InvalidOperationException("columns come before rows");
        _columns.Add(column);
        return this;
    }

    public FittedTable Row(params string[] cells)
    {
        if (cells.Length != _columns.Count)
            throw new ArgumentException($"a row of {cells.Length} cells for {_columns.Count} columns", nameof(cells));
        _rows.Add(cells);
        return this;
    }

    /// <summary>User text as a cell: control characters escaped, markup characters escaped.</summary>
    public static string Cell(string? text) => Markup.Escape(Seco.Scenarios.Printable.Escape(text));

    public void Write(IAnsiConsole console)
    {
        int width = console.Profile.Width;
        var kept = Enumerable.Range(0, _columns.Count).ToList();
        var dropped = new List<string>();
        bool compact = false;
        foreach (int c in Enumerable.Range(0, _columns.Count).Where(c => _columns[c].DropOrder > 0).OrderBy(c => _columns[c].DropOrder))
        {
            if (MinWidth(kept, compact) <= width) break;
            kept.Remove(c);
            dropped.Add(_columns[c].Header);
        }
        if (MinWidth(kept, compact) > width) compact = true;

        int[] widths = Allocate(kept, width - 1 - kept.Count * (compact ? 2 : 3));
        var table = new Table { Title = new TableTitle(title) };
        if (_headless) table.HideHeaders();
        if (dropped.Count > 0)
            table.Caption = new TableTitle($"(at {width} columns, left out: {string.Join(", ", dropped)}; " +
                                           (elsewhere ?? "a wider terminal or COLUMNS shows them") + ")");
        for (int k = 0; k < kept.Count; k++)
        {
            Column c = _columns[kept[k]];
            // A fixed width per column: Spectre's own layout favours unwrappable columns and squeezes text ones to
            // a letter (or nothing) even when every column could have its longest word.
            var column = new TableColumn(c.Header) { Width = widths[k] };
            if (c.Numeric) column.RightAligned().NoWrap();
            if (compact) column.PadLeft(0);
            table.AddColumn(column);
        }
        foreach (string[] row in _rows)
            table.AddRow(kept.Select(c => row[c]).ToArray());
        console.Write(table);
    }

    /// <summary>
    /// Widths for the kept columns within <paramref name="content"/> characters: each its minimum, then the spare
    /// room a character at a time to the column furthest from its natural width — text columns before headers.
    /// </summary>
    private int[] Allocate(IReadOnlyList<int> kept, int content)
    {
        int[] widths = kept.Select(ColumnMin).ToArray();
        int[] natural = kept.Select(ColumnMax).ToArray();
        int spare = content - widths.Sum();
        // Text cells first (a wrapped "image #0" is harder to read than a header on two lines), then headers.
        foreach (bool textOnly in new[] { true, false })
        {
            for (; spare > 0; spare--)
            {
                int best = -1;
                for (int k = 0; k < widths.Length; k++)
                {
                    if (widths[k] >= natural[k] || (textOnly && _columns[kept[k]].Numeric)) continue;
                    if (best < 0 || natural[k] - widths[k] > natural[best] - widths[best]) best = k;
                }
                if (best < 0) break;
                widths[best]++;
            }
        }
        return widths;
    }

    /// <summary>The width at which no cell of the column wraps.</summary>
    private int ColumnMax(int c)
    {
        int max = _headless ? 0 : _columns[c].Header.Length;
        foreach (string[] row in _rows) max = Math.Max(max, Markup.Remove(row[c]).Length);
        return max;
    }

    /// <summary>The narrowest the kept columns can be without breaking a word or a number: borders + padding + content.</summary>
    internal int MinWidth(IReadOnlyList<int> kept, bool compact = false) =>
        1 + kept.Sum(c => (compact ? 2 : 3) + ColumnMin(c));

    private int ColumnMin(int c)
    {
        Column column = _columns[c];
        int min = _headless ? 0 : LongestWord(column.Header);
        foreach (string[] row in _rows)
        {
            string plain = Markup.Remove(row[c]);
            min = Math.Max(min, column.Numeric ? plain.Length : LongestWord(plain));
        }
        return min;
    }

    private static int LongestWord(string text) =>
        text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Length).DefaultIfEmpty(0).Max();
}
