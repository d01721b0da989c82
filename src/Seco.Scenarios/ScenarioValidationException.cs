namespace Seco.Scenarios;

/// <summary>
/// A scenario file that cannot be used. <see cref="Errors"/> holds every problem found (the loader
/// collects them instead of stopping at the first), sorted by position; the message is their
/// one-line forms joined by newlines.
/// </summary>
public sealed class ScenarioValidationException : Exception
{
    public ScenarioValidationException(IReadOnlyList<ScenarioError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    public IReadOnlyList<ScenarioError> Errors { get; }

    private static string Describe(IReadOnlyList<ScenarioError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
            throw new ArgumentException("a validation exception needs at least one error", nameof(errors));
        return string.Join("\n", errors);
    }
}
