using Seco.Scenarios.Running;

namespace Seco.Scenarios.Sweeps;

/// <summary>
/// One point of a sweep: its values (aligned with <see cref="Sweep.Axes"/>), the scenario built from the base
/// with them, and that scenario as admitted by every check `seco run` makes (<see cref="RunAdmission"/>).
/// </summary>
/// <param name="Label">"model=minionn, split=2" (<see cref="LabelOf"/>).</param>
public sealed record SweepPoint(int Index, IReadOnlyList<AxisValue> Values, string Label, Scenario Scenario, AdmittedRun Admitted)
{
    /// <summary>1-based, as printed and written to results.csv.</summary>
    public int Number => Index + 1;

    public static string LabelOf(IReadOnlyList<SweepAxis> axes, IReadOnlyList<AxisValue> values) =>
        string.Join(", ", axes.Zip(values, (a, v) => $"{a.Name}={v.Label}"));
}
