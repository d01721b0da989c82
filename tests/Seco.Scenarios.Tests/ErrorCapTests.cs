using System.Text;
using Seco.Scenarios.Loading;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests;

/// <summary>At most ScenarioLimits.MaxErrors errors are kept, the first by position; the rest are counted.</summary>
[Collection(TimedCollection.Name)]
public sealed class ErrorCapTests : IDisposable
{
    private readonly ScenarioFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string UnknownKeys(int count)
    {
        var yaml = new StringBuilder(Yaml.Minimal).Append('\n');
        for (int i = 0; i < count; i++)
            yaml.Append("zz").Append(i).Append(": 1\n");
        return yaml.ToString();
    }

    [Fact]
    public void The_first_twenty_errors_are_kept_and_the_rest_counted()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => _folder.Load(UnknownKeys(30)));
        Assert.Equal(20, e.Errors.Count);
        Assert.Equal(10, e.Omitted);
        Assert.Equal(Enumerable.Range(8, 20), e.Errors.Select(x => x.Line));
        Assert.Equal("… and 10 more errors", e.OmittedLine);
        Assert.EndsWith("scenarios/x.yaml:27:1: zz19: unknown key (expected one of: version, name, description, workload, protocol, model, split, hierarchy, network, parties, failures, queries, load, crypto, seed)\n… and 10 more errors", e.Message);
    }

    [Fact]
    public void Errors_found_late_but_placed_early_displace_later_ones()
    {
        // "required key is missing" is found after the unknown keys but placed at the mapping (1:1).
        string yaml = "version: 1\n" + string.Concat(Enumerable.Range(0, 30).Select(i => $"zz{i}: 1\n"));
        var e = Assert.Throws<ScenarioValidationException>(() => _folder.Load(yaml));
        Assert.Equal(["model", "split", "hierarchy"], e.Errors.Take(3).Select(x => x.Path));
        Assert.Equal("zz16", e.Errors[^1].Path);
        Assert.Equal(13, e.Omitted);
    }

    [Fact]
    public void One_omitted_error_is_singular_and_none_adds_no_line()
    {
        var limits = new ScenarioLimits { MaxErrors = 2 };
        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load(UnknownKeys(3), "x.yaml", _folder.Scenarios, limits));
        Assert.Equal("… and 1 more error", e.OmittedLine);
        var all = Assert.Throws<ScenarioValidationException>(() => _folder.Load(UnknownKeys(3)));
        Assert.Equal(0, all.Omitted);
        Assert.Null(all.OmittedLine);
        Assert.DoesNotContain("more error", all.Message);
    }

    [Fact]
    public void The_list_keeps_the_smallest_positions_whatever_the_order_they_arrive_in()
    {
        var list = new ErrorList(20);
        var positions = Enumerable.Range(1, 1000).Select(i => (Line: i / 3 + 1, Column: i % 3 + 1)).ToList();
        foreach (var (line, column) in positions.OrderBy(_ => Random.Shared.Next()))
            list.Add(new ScenarioError("f", line, column, "", $"{line}:{column}"));
        Assert.Equal(positions.Order().Take(20).Select(p => $"{p.Line}:{p.Column}"), list.Sorted().Select(e => e.Message));
        Assert.Equal(980, list.Omitted);
        Assert.Equal(1000, list.Count);
    }

    [Fact]
    public void Same_position_errors_keep_the_order_they_were_found_in()
    {
        var list = new ErrorList(3);
        foreach (string m in new[] { "a", "b", "c", "d" })
            list.Add(new ScenarioError("f", 1, 1, "", m));
        Assert.Equal(["a", "b", "c"], list.Sorted().Select(e => e.Message));
    }

    [Fact]
    public void Eighty_thousand_unknown_keys_load_quickly_into_twenty_errors()
    {
        // About as many as fit in the 1 MiB limit.
        string yaml = UnknownKeys(80_000);
        ScenarioValidationException? e = null;
        TimeSpan best = ThreadCpuClock.Best(2, () => e = Assert.Throws<ScenarioValidationException>(() => _folder.Load(yaml)));
        Assert.Equal(20, e!.Errors.Count);
        Assert.Equal(79_980, e.Omitted);
        Assert.True(best < TimeSpan.FromSeconds(1), $"took {best.TotalMilliseconds:0} ms of CPU");
    }
}
