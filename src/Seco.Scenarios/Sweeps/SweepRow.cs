namespace Seco.Scenarios.Sweeps;

/// <summary>How a point ended, as results.csv's <c>status</c> column says it.</summary>
public enum PointStatus
{
    /// <summary>Every query finished bit-exact and no session failed.</summary>
    Ok,

    /// <summary>A query finished with logits that differ from the plaintext reference.</summary>
    Wrong,

    /// <summary>A query failed or got stuck, or a session failed; every finished query is bit-exact.</summary>
    NotFinished,

    /// <summary>The point threw (its message is in the <c>error</c> column); it has no measures.</summary>
    Error,

    /// <summary>Ctrl-C stopped the point; what it had measured is not a point's cost, so it has no measures.</summary>
    Interrupted,
}

/// <summary>One row of results.csv: the point, how it ended, and its measures by column name (absent = empty cell).</summary>
/// <param name="BitExact">Every query finished and equals the reference; null when the point produced nothing to compare.</param>
public sealed record SweepRow(SweepPoint Point, PointStatus Status, bool? BitExact, IReadOnlyDictionary<string, double> Values, string? Error = null)
{
    public static string StatusText(PointStatus status) => status switch
    {
        PointStatus.Ok => "ok",
        PointStatus.Wrong => "wrong",
        PointStatus.NotFinished => "not-finished",
        PointStatus.Error => "error",
        PointStatus.Interrupted => "interrupted",
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    public double? Value(string column) => Values.TryGetValue(column, out double v) ? v : null;
}
