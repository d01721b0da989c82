namespace Seco.Scenarios.Sweeps;

/// <summary>
/// A sweep file (docs/sweeps.md) as loaded: a base scenario and a grid of axes whose cartesian product, first
/// axis outermost, gives the points; and the charts to draw. Paths are absolute. Nothing about the points is
/// known yet: <see cref="SweepPlan.Build"/> expands the grid and checks every point.
/// </summary>
public sealed record Sweep
{
    public Sweep(string name, string? description, string file, Scenario baseScenario, string basePath,
        IReadOnlyList<SweepAxis> axes, IReadOnlyList<SweepChartSpec>? charts, SourceMap source)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrEmpty(file);
        ArgumentNullException.ThrowIfNull(baseScenario);
        ArgumentException.ThrowIfNullOrEmpty(basePath);
        ArgumentNullException.ThrowIfNull(axes);
        ArgumentNullException.ThrowIfNull(source);
        if (axes.Count == 0)
            throw new ArgumentException("a sweep needs at least one axis", nameof(axes));
        if (axes.Select(a => a.Kind).Distinct().Count() != axes.Count)
            throw new ArgumentException("each axis may appear once", nameof(axes));
        if (baseScenario.Workload is not InferenceWorkload)
            throw new ArgumentException("a sweep's base scenario must be an inference scenario", nameof(baseScenario));
        Name = name;
        Description = description;
        File = file;
        Base = baseScenario;
        BasePath = basePath;
        Axes = axes;
        Charts = charts ?? SweepChartSpec.Defaults(axes.FirstOrDefault(a => a.AllSplits || a.Values.Count > 1)?.Kind ?? axes[0].Kind);
        Source = source;
    }

    public string Name { get; }

    public string? Description { get; }

    /// <summary>The sweep file as given to the loader (used in messages).</summary>
    public string File { get; }

    /// <summary>The scenario every point starts from; each axis replaces one part of it.</summary>
    public Scenario Base { get; }

    /// <summary>Absolute path of the base scenario file.</summary>
    public string BasePath { get; }

    /// <summary>The axes in file order; the first varies slowest.</summary>
    public IReadOnlyList<SweepAxis> Axes { get; }

    /// <summary>The charts to draw: the file's, or <see cref="SweepChartSpec.Defaults"/> when it has no <c>charts</c> key.</summary>
    public IReadOnlyList<SweepChartSpec> Charts { get; }

    /// <summary>Where each field of the sweep file is, for errors about points.</summary>
    public SourceMap Source { get; }

    /// <summary><c>paper</c>: the published-values file (absolute), copied beside results.csv as paper.csv; null if none.</summary>
    public string? PaperPath { get; init; }

    /// <summary>The published values in <see cref="PaperPath"/> (<see cref="PaperComparison"/>).</summary>
    public IReadOnlyList<PublishedClaim> Published { get; init; } = [];

    public SweepAxis? Axis(AxisKind kind) => Axes.FirstOrDefault(a => a.Kind == kind);
}
