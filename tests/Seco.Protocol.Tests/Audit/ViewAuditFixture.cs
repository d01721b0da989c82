using Seco.Nn.FixedPoint;
using Seco.Protocol.Model.Planning;

namespace Seco.Protocol.Tests.Audit;

/// <summary>Audited runs of one model, one per split point, made on first use and shared by a test class (each run is seconds).</summary>
public abstract class ViewAuditFixture
{
    /// <summary>Queries per run: the same image every time, so a mask that repeated would show as repeated values.</summary>
    public const int Queries = 3;

    private readonly Dictionary<int, Lazy<AuditedRun>> _runs = [];

    protected ViewAuditFixture(string file, params int[] splits)
        : this(file, FormPolicy.Matrix, splits)
    {
    }

    /// <param name="forms">How the deployments compute their blocks (<see cref="FormPolicy"/>).</param>
    protected ViewAuditFixture(string file, FormPolicy forms, params int[] splits)
    {
        Model = EndToEndTests.Model(file);
        ulong[] image = EndToEndTests.Inputs(Model, 1)[0];
        foreach (int split in splits)
            _runs[split] = new Lazy<AuditedRun>(() => new AuditedRun(Model, split, [.. Enumerable.Repeat(image, Queries)], forms: forms));
    }

    public FixedPointModel Model { get; }

    internal AuditedRun At(int split) => _runs[split].Value;
}
