using System.Globalization;

namespace Seco.Scenarios;

/// <summary>
/// A scenario file (or a cluster configuration file, Seco.Cluster.Configuration) that cannot be
/// used. <see cref="Errors"/> holds the problems found (the loader collects them instead of
/// stopping at the first), sorted by position: the first <see cref="ScenarioLimits.MaxErrors"/>
/// of them, with <see cref="Omitted"/> counting the rest. The message is their one-line forms
/// joined by newlines, then <see cref="OmittedLine"/> if any were left out.
/// </summary>
public sealed class ScenarioValidationException : Exception
{
    public ScenarioValidationException(IReadOnlyList<ScenarioError> errors, int omitted = 0)
        : base(Describe(errors, omitted))
    {
        Errors = errors;
        Omitted = omitted;
    }

    public IReadOnlyList<ScenarioError> Errors { get; }

    /// <summary>How many further errors were found but not kept (0 when <see cref="Errors"/> is all of them).</summary>
    public int Omitted { get; }

    /// <summary>"… and 1,234 more errors", the last line of a report that left errors out; null when none were.</summary>
    public string? OmittedLine => OmittedText(Omitted);

    private static string Describe(IReadOnlyList<ScenarioError> errors, int omitted)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentOutOfRangeException.ThrowIfNegative(omitted);
        if (errors.Count == 0)
            throw new ArgumentException("a validation exception needs at least one error", nameof(errors));
        string all = string.Join("\n", errors);
        return OmittedText(omitted) is { } more ? $"{all}\n{more}" : all;
    }

    private static string? OmittedText(int omitted) => omitted switch
    {
        0 => null,
        1 => "… and 1 more error",
        _ => $"… and {omitted.ToString("N0", CultureInfo.InvariantCulture)} more errors",
    };
}
