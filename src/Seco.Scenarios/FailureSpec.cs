namespace Seco.Scenarios;

/// <summary>
/// A failure the simulator injects at <see cref="AtMs"/> milliseconds of virtual time
/// (docs/scenarios.md, "failures"): <see cref="StopParty"/> or <see cref="DropLink"/>.
/// </summary>
public abstract record FailureSpec(double AtMs)
{
    /// <summary>Virtual time of the failure in milliseconds from the start of the run, finite and &gt;= 0.</summary>
    public double AtMs { get; } = double.IsFinite(AtMs) && AtMs >= 0
        ? AtMs
        : throw new ArgumentOutOfRangeException(nameof(AtMs), AtMs, "failure time must be a finite number >= 0 ms");

    public TimeSpan At => TimeSpan.FromMilliseconds(AtMs);
}

/// <summary><see cref="Party"/> stops (crashes) at <see cref="FailureSpec.AtMs"/>: it handles no further message and sends none.</summary>
public sealed record StopParty(double AtMs, string Party) : FailureSpec(AtMs)
{
    public string Party { get; } = Party ?? throw new ArgumentNullException(nameof(Party));
}

/// <summary>The link between <see cref="First"/> and <see cref="Second"/> goes down in both directions at <see cref="FailureSpec.AtMs"/>.</summary>
public sealed record DropLink(double AtMs, string First, string Second) : FailureSpec(AtMs)
{
    public string First { get; } = First ?? throw new ArgumentNullException(nameof(First));

    public string Second { get; } = Second is null ? throw new ArgumentNullException(nameof(Second))
        : Second == First ? throw new ArgumentException($"a link needs two different parties, got '{First}' twice", nameof(Second))
        : Second;

    /// <summary>True if this is the link between <paramref name="a"/> and <paramref name="b"/>, in either order.</summary>
    public bool Joins(string a, string b) =>
        (First == a && Second == b) || (First == b && Second == a);
}
