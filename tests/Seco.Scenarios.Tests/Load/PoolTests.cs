using Seco.Actors.Runtime;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Load;

/// <summary>
/// Preprocessing pools (issue 22): with a pool deep enough for the arrival rate no query waits for its preparation —
/// the user's and the servers' F_BC preparation are done before its input arrives — and without one every query's
/// waiting includes its preparation; the report shows both.
/// </summary>
public class PoolTests
{
    private static (SecureRunResult Run, LoadReport Report) Run(string load)
    {
        Scenario scenario = LoadScenario.Load("pool", 8, load);
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly);
        return (run, LoadReport.Of(scenario, run));
    }

    [Fact]
    public void With_a_pool_deep_enough_no_query_waits_for_preparation()
    {
        // 2 users, a query every 2 s on average, each user keeping 2 queries prepared: two preparations run at once per
        // user (their label OTs with A in one queue), and each finishes long before its input comes.
        (SecureRunResult run, LoadReport r) = Run("{ users: 2, arrivals: open, rate_per_s: 0.5, pool: 2 }");

        Assert.All(run.Queries, q => Assert.True(q.BitExact, q.FailureReason));
        Assert.Equal((8, 0), (r.Pool.ReadyAtArrival, r.Pool.WaitedForPreparation));
        Assert.Equal(0, r.Preparation.Max, precision: 9);
        Assert.True(r.Pool.MeanOccupancyAtArrival >= 1, $"mean occupancy at arrival {r.Pool.MeanOccupancyAtArrival}");
        Assert.True(r.Pool.RefillPerS > 0);
        // Each user had two queries preparing at once at the start.
        for (int u = 0; u < 2; u++)
            Assert.True(run.Timeline.Preprocessing[u + 2] < run.Timeline.Prepared[u], $"user {u}'s second query began before its first was prepared");
        // The occupancy never went past the two users' pools.
        Assert.All(r.Pool.Occupancy, o => Assert.InRange(o.Occupancy, 0, 4));
    }

    [Fact]
    public void Without_a_pool_every_querys_waiting_includes_its_preparation()
    {
        (SecureRunResult run, LoadReport r) = Run("{ users: 2, arrivals: open, rate_per_s: 0.5 }");

        Assert.All(run.Queries, q => Assert.True(q.BitExact, q.FailureReason));
        Assert.Equal((0, 8), (r.Pool.ReadyAtArrival, r.Pool.WaitedForPreparation));
        Assert.True(r.Preparation.P50 > 0.001, $"preparation p50 {r.Preparation.P50} s");
        Assert.True(r.Latency.P50 > r.Online.P50 + 0.001);
        Assert.Equal(0, r.Pool.MeanOccupancyAtArrival);
    }
}
