using Seco.Scenarios.Sweeps;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Baselines;

/// <summary>
/// Every shipped sweep (scenarios/sweeps/, scenarios/paper/, scenarios/load/) loads — its base scenario, grid, charts and published
/// values — and the small ones are admitted point by point as `seco sweep` would (the ResNet-32 sweeps' admission
/// reads the model once per point: minutes, so only their loading is checked here).
/// </summary>
public class ShippedSweepTests
{
    public static TheoryData<string> Sweeps() =>
        [.. new[] { "sweeps", "paper", "load" }.SelectMany(d => Directory.GetFiles(Path.Combine(TestHost.Root, "scenarios", d), "*.yaml"))
            .Where(f => File.ReadAllText(f).Contains("\ngrid:", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(TestHost.Root, f)).Order()];

    [Theory]
    [MemberData(nameof(Sweeps))]
    public void A_shipped_sweep_loads_and_a_small_one_is_admitted(string file)
    {
        Sweep sweep = SweepLoader.LoadFile(Path.Combine(TestHost.Root, file));
        if (sweep.PaperPath is not null)
        {
            Assert.NotEmpty(sweep.Published);
            // Each claim names a protocol the grid (or the base) runs, and a model the sweep has.
            var protocols = sweep.Axis(AxisKind.Protocol)?.Values.Cast<ProtocolValue>().Select(v => v.Protocol).ToHashSet() ?? [sweep.Base.Protocol];
            var models = SweepGrid.Models(sweep).Select(ModelValue.LabelOf).ToHashSet();
            Assert.All(sweep.Published, c => Assert.True(protocols.Contains(c.Protocol) && (c.Versus is null || protocols.Contains(c.Versus.Value))
                && (c.Model is null || models.Contains(c.Model)), $"{file}: claim '{c.Claim}' names what the sweep does not run"));
        }
        if (!file.Contains("paper", StringComparison.Ordinal) || file.Contains("table2", StringComparison.Ordinal))
            Assert.NotEmpty(SweepPlan.Build(sweep).Points);
    }
}
