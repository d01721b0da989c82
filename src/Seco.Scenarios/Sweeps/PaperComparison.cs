using System.Globalization;
using System.Text;

namespace Seco.Scenarios.Sweeps;

/// <summary>One published number beside ours: comparison.csv's row.</summary>
/// <param name="Ours">Null when no point with status ok measured it.</param>
/// <param name="Split">The split our number is at (the one with the largest ratio, for a "max" claim).</param>
public sealed record ComparisonRow(PublishedClaim Claim, string Network, string Model, int? Split, double Paper, double? Ours)
{
    /// <summary>Ours over the paper's; for a ratio claim, above 1 means our protocol gains more than the paper's did.</summary>
    public double? OursOverPaper => Ours / Paper;
}

/// <summary>
/// Sets a sweep's results beside the published values of its <c>paper:</c> file (docs/sweeps.md, "Published values"):
/// for each claim, network and model (and split, where the claim leaves it open), our number from the points that
/// finished bit-exact, computed as the claim is stated — a value, or a ratio of two protocols at one split, or the
/// largest such ratio over the splits.
/// </summary>
public static class PaperComparison
{
    public const string FileName = "comparison.csv";

    public static IReadOnlyList<ComparisonRow> Compare(SweepPlan plan, IReadOnlyList<SweepRow> rows, IReadOnlyList<PublishedClaim> claims)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(claims);
        Sweep sweep = plan.Sweep;
        var ok = rows.Where(r => r.Status == PointStatus.Ok).ToList();
        string Label(SweepPoint p, AxisKind kind, string fallback) =>
            sweep.Axes.Select((a, i) => (a, i)).Where(x => x.a.Kind == kind).Select(x => p.Values[x.i].Label).FirstOrDefault() ?? fallback;
        string ModelOf(SweepPoint p) => Label(p, AxisKind.Model, ModelValue.LabelOf(sweep.Base.Model!.Path));
        string NetworkOf(SweepPoint p) => Label(p, AxisKind.Network, sweep.Base.Network.Profile.Name);
        int SplitOf(SweepPoint p) => int.Parse(Label(p, AxisKind.Split, p.Scenario.Split.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var result = new List<ComparisonRow>();
        var networks = plan.Points.Select(NetworkOf).Distinct().ToList();
        var models = plan.Points.Select(ModelOf).Distinct().ToList();
        var splits = plan.Points.Select(SplitOf).Distinct().Order().ToList();
        foreach (PublishedClaim c in claims)
        {
            foreach (string network in networks)
            {
                foreach (string model in c.Model is null ? models : [c.Model])
                {
                    double? At(InferenceProtocol protocol, int split) => ok
                        .Where(r => NetworkOf(r.Point) == network && ModelOf(r.Point) == model && SplitOf(r.Point) == split && r.Point.Scenario.Protocol == protocol)
                        .Select(r => r.Value(c.Measure)).FirstOrDefault(v => v is not null);
                    double? Ours(int split) => c.Versus is { } versus
                        ? At(versus, split) is { } num && At(c.Protocol, split) is { } den && den > 0 ? num / den : null
                        : At(c.Protocol, split);
                    if (c.MaxOverSplits)
                    {
                        var best = splits.Select(s => (Split: s, Ratio: Ours(s))).Where(x => x.Ratio is not null).MaxBy(x => x.Ratio);
                        result.Add(new ComparisonRow(c, network, model, best.Ratio is null ? null : best.Split, c.Value, best.Ratio));
                    }
                    else
                    {
                        foreach (int split in c.Split is { } s ? [s] : splits)
                            result.Add(new ComparisonRow(c, network, model, split, c.Value, Ours(split)));
                    }
                }
            }
        }
        return result;
    }

    /// <summary>comparison.csv: one row per comparison, the paper's number and ours in the measure's base units (or a ratio).</summary>
    public static void Write(string path, IReadOnlyList<ComparisonRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var text = new StringBuilder(Csv.Record(["claim", "measure", "protocol", "versus", "network", "model", "split", "paper", "ours", "ours_over_paper", "source"]));
        foreach (ComparisonRow r in rows)
        {
            PublishedClaim c = r.Claim;
            text.Append(Csv.Record([c.Claim, c.Measure, InferenceProtocols.Name(c.Protocol), c.Versus is { } v ? InferenceProtocols.Name(v) : null, r.Network, r.Model,
                r.Split?.ToString(CultureInfo.InvariantCulture), Number(r.Paper), Number(r.Ours), Number(r.OursOverPaper), c.Source]));
        }
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(false));
    }

    private static string? Number(double? v) => v is { } x && double.IsFinite(x) ? x.ToString("G6", CultureInfo.InvariantCulture) : null;
}
