using Seco.Tests.Shared;

using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Load;

/// <summary>The <c>load</c> section: defaults, every refusal with its place, and the arrival stream.</summary>
public class LoadSpecTests
{
    [Fact]
    public void Without_a_load_section_a_run_has_one_user_sending_back_to_back()
    {
        Scenario s = LoadScenario.Load("none", 3, "{}");
        Assert.Equal(LoadSpec.Default, s.Load);
        Assert.False(s.Load.IsMultiUser);
    }

    [Fact]
    public void A_full_open_loop_reads_back()
    {
        LoadSpec l = LoadScenario.Load("open", 8, "{ users: 4, arrivals: open, rate_per_s: 2.5, preprocess: ahead, schedule: pipelined, pool: 3, seed: 9 }").Load;
        Assert.Equal((4, ArrivalProcess.Open, 2.5, UserPreprocessingTime.Ahead, QuerySchedule.Pipelined, 3, 9UL),
            (l.Users, l.Arrivals, l.RatePerSecond!.Value, l.Preprocess, l.Schedule, l.Pool, l.Seed));
        Assert.True(l.IsMultiUser);
    }

    [Theory]
    [InlineData("{ arrivals: open }", "load.rate_per_s: required key is missing")]
    [InlineData("{ arrivals: open, rate_per_s: 0 }", "load.rate_per_s: out of range: got 0, must be > 0")]
    [InlineData("{ arrivals: open, rate_per_s: 1, think_ms: 5 }", "load.think_ms: an open loop has no think time")]
    [InlineData("{ rate_per_s: 1 }", "load.rate_per_s: only an open loop ('arrivals: open') has a rate")]
    [InlineData("{ arrivals: poisson }", "load.arrivals: unknown arrival process 'poisson': closed or open")]
    [InlineData("{ preprocess: early }", "load.preprocess: unknown preprocessing time 'early': on-arrival or ahead")]
    [InlineData("{ users: 0 }", "load.users: out of range")]
    [InlineData("{ users: 5 }", "load.users: 5 users for 4 queries")]
    [InlineData("{ think_ms: -1 }", "load.think_ms: out of range")]
    [InlineData("{ crowd: 3 }", "load.crowd: unknown key")]
    [InlineData("{ schedule: parallel }", "load.schedule: unknown schedule 'parallel': sequential or pipelined")]
    [InlineData("{ pool: 65 }", "load.pool: out of range")]
    public void Bad_load_sections_are_refused_by_place(string load, string expected)
    {
        var e = Assert.Throws<ScenarioValidationException>(() => LoadScenario.Load("bad", 4, load));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_echo_workload_takes_no_load()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load("""
            version: 1
            name: echo
            workload: echo
            hierarchy: { tiers: [{ name: r, servers: [B, C] }] }
            load: { users: 2 }
            """, "scenarios/echo.yaml", Path.Combine(TestHost.Root, "scenarios")));
        Assert.Contains("load: the echo workload has one user", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void User_names_of_a_load_are_reserved_for_servers()
    {
        Assert.True(PartyName.IsReserved("user-12"));
        Assert.False(PartyName.IsReserved("user-x"));
        Assert.Equal(["user-1", "user-2"], PartyName.Users(2));
        Assert.Equal(["user"], PartyName.Users(1));
    }

    [Fact]
    public void The_arrival_stream_is_Poisson_at_the_rate_and_fixed_by_its_seed()
    {
        var load = new LoadSpec(4, ArrivalProcess.Open, 0, 4, UserPreprocessingTime.OnArrival, 3);
        double[] at = load.OpenArrivalsMs(20_000);
        Assert.Equal(at, load.OpenArrivalsMs(20_000));
        Assert.NotEqual(at, new LoadSpec(4, ArrivalProcess.Open, 0, 4, UserPreprocessingTime.OnArrival, 4).OpenArrivalsMs(20_000));
        Assert.True(at.Zip(at.Skip(1)).All(p => p.Second > p.First));
        // Mean gap 1/λ = 250 ms, and exponential gaps have a standard deviation equal to their mean.
        double[] gaps = [at[0], .. at.Zip(at.Skip(1), (a, b) => b - a)];
        double mean = gaps.Average(), sd = Math.Sqrt(gaps.Average(g => (g - mean) * (g - mean)));
        Assert.InRange(mean, 245, 255);
        Assert.InRange(sd / mean, 0.97, 1.03);
        Assert.Equal(0, load.UserOf(8));
        Assert.Equal(3, load.UserOf(7));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        Percentiles p = Percentiles.Of([.. Enumerable.Range(1, 100).Select(i => (double)i)]);
        Assert.Equal((50.5, 50.0, 95.0, 99.0, 100.0), (p.Mean, p.P50, p.P95, p.P99, p.Max));
        Assert.Equal(new Percentiles(0, 0, 0, 0, 0), Percentiles.Of([]));
        Assert.Equal(7, Percentiles.Of([7]).P99);
    }
}
