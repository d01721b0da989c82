namespace Seco.Scenarios.Loading;

/// <summary>
/// The first <c>capacity</c> errors by position (line, column, then the order they were found),
/// kept in bounded memory however many are added: a file of a million unknown keys must not
/// hold a million errors. The rest are only counted (<see cref="Omitted"/>).
/// </summary>
internal sealed class ErrorList(int capacity)
{
    // A max-heap on position: its top is the last kept error, the first to give way.
    private readonly PriorityQueue<ScenarioError, (int Line, int Column, int Order)> _kept =
        new(Comparer<(int Line, int Column, int Order)>.Create((a, b) => b.CompareTo(a)));

    private int _added;

    /// <summary>How many errors were added, kept or not (a file within the size limit cannot hold 2^31).</summary>
    public int Count => _added;

    /// <summary>How many errors were added but not kept.</summary>
    public int Omitted => _added - _kept.Count;

    /// <summary>
    /// Whether an error at <paramref name="at"/> would be kept; lets callers skip composing an
    /// expensive message (a spelling hint) that would be dropped.
    /// </summary>
    public bool WouldKeep(SourceLocation at) =>
        _kept.Count < capacity || (_kept.TryPeek(out _, out var last) && (at.Line, at.Column, _added).CompareTo(last) < 0);

    public void Add(ScenarioError error)
    {
        var key = (error.Line, error.Column, _added++);
        if (_kept.Count < capacity)
            _kept.Enqueue(error, key);
        else if (_kept.TryPeek(out _, out var last) && key.CompareTo(last) < 0)
            _kept.DequeueEnqueue(error, key);
    }

    /// <summary>Forgets every error (a syntax error replaces what was found before it).</summary>
    public void Clear()
    {
        _kept.Clear();
        _added = 0;
    }

    /// <summary>The kept errors in position order.</summary>
    public IReadOnlyList<ScenarioError> Sorted() =>
        [.. _kept.UnorderedItems.OrderBy(e => e.Priority).Select(e => e.Element)];
}
