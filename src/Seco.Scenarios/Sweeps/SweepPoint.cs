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

    /// <summary>
    /// Which run the point measures: its label, without the split for a DELPHI point — DELPHI runs every block on
    /// the gateway, so its points beside different SECO splits are one run, measured once (results.csv's
    /// <c>measured_at</c> names the point that ran it).
    /// </summary>
    public string RunKey(IReadOnlyList<SweepAxis> axes) => Scenario.Protocol == InferenceProtocol.Delphi
        ? LabelOf([.. axes.Where(a => a.Kind != AxisKind.Split)], [.. axes.Zip(Values).Where(p => p.First.Kind != AxisKind.Split).Select(p => p.Second)])
        : Label;

    public static string LabelOf(IReadOnlyList<SweepAxis> axes, IReadOnlyList<AxisValue> values) =>
        string.Join(", ", axes.Zip(values, (a, v) => $"{a.Name}={v.Label}"));
}
