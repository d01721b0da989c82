using Seco.Actors.Runtime;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Load;

/// <summary>
/// Issue 22's acceptance in the simulator: many users through one gateway at once, every query bit-exact against its
/// own reference, nobody's prediction going to anyone else, and one user's failure leaving the others finishing.
/// </summary>
public class ManyUsersTests
{
    [Fact]
    public void Thirty_two_users_at_once_each_get_their_own_bit_exact_prediction()
    {
        Scenario scenario = LoadScenario.Load("users-32", 32, "{ users: 32 }");
        var prepared = PreparedScenario.Prepare(scenario);
        SecureRunResult run = SecureRun.Run(prepared, null, ComputeTiming.ChargedOnly);

        Assert.Equal(32, run.Queries.Count);
        Assert.All(run.Queries, q => Assert.True(q.BitExact, $"{q.Query.Source}: {q.FailureReason}"));
        // No cross-talk: the users had different images, and each got the logits of its own (a swapped reply would be
        // another image's logits, which differ).
        Assert.Equal(32, run.Queries.Select(q => string.Join(',', q.ReferenceLogits)).Distinct().Count());
        Assert.Equal([.. Enumerable.Range(0, 32)], run.UserOfQuery);
        // They ran at once: every query went online before the first one ended, and the servers ran one setup for all.
        long firstEnd = run.Timeline.Finish.Min();
        Assert.All(run.Timeline.Online, t => Assert.True(t < firstEnd));
        Assert.Equal(32, run.Timeline.ServerQuery.Distinct().Count());
        Assert.Single(run.KeySets);
        // Each user is a machine of its own and talked only to A.
        foreach (string user in run.UserNames)
            Assert.All(run.Simulator.Messages.Where(m => m.From == user), m => Assert.Equal("A", m.To));
    }

    [Fact]
    public void A_failure_in_one_users_session_leaves_the_others_finishing_bit_exact()
    {
        Scenario scenario = LoadScenario.Load("users-broken", 16, "{ users: 8 }");
        int users = 0;
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly,
            role => role.Self.IsUser && users++ == 3 ? new RewritingUser(role, m => m is UserPreprocessing p ? p with { TransitionMask = p.TransitionMask[1..] } : m) : role);

        // User 3 (user-4) sent queries 3 and 11: both fail at A with the reason, and the user goes on after the first.
        foreach (int q in new[] { 3, 11 })
        {
            Assert.False(run.Queries[q].Completed);
            Assert.Contains("transition-mask ciphertexts", run.Queries[q].FailureReason, StringComparison.Ordinal);
        }
        Assert.All(run.Queries.Where((_, i) => i % 8 != 3), q => Assert.True(q.BitExact, $"{q.Query.Source}: {q.FailureReason}"));
        // The failures stayed in user 3's sessions: nobody else's session failed anywhere.
        var failed = run.Simulator.Parties.SelectMany(p => p.Failures).Select(f => f.Session).Distinct().OrderBy(s => s.Value).ToList();
        Assert.Equal([RoleActor.UserSessionOf(3, 0), RoleActor.UserSessionOf(3, 1)], failed);
    }

    [Fact]
    public void Open_loop_arrivals_follow_the_seeded_Poisson_stream_round_robin()
    {
        Scenario scenario = LoadScenario.Load("open", 8, "{ users: 4, arrivals: open, rate_per_s: 2, seed: 7 }");
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly);

        Assert.All(run.Queries, q => Assert.True(q.BitExact));
        double[] gaps = scenario.Load.OpenArrivalsMs(8);
        // Each user starts its stream at its own welcome (A welcomes all users in one step): within a user the offsets
        // between its arrivals are the stream's exactly.
        for (int u = 0; u < 4; u++)
        {
            long a0 = run.Timeline.Arrival[u], a1 = run.Timeline.Arrival[u + 4];
            Assert.Equal(gaps[u + 4] - gaps[u], (a1 - a0) / 1e6, precision: 3);
        }
        LoadReport report = LoadReport.Of(scenario, run);
        Assert.Equal(8, report.Finished);
        Assert.True(report.ThroughputPerS > 0);
        Assert.True(report.Latency.P50 >= report.Online.P50);
    }

    [Fact]
    public void Preprocessing_ahead_takes_the_preparation_out_of_the_latency_and_on_arrival_keeps_it_in()
    {
        // Closed loop with a long think time: ahead, each user's next query is fully prepared (its own preprocessing and
        // the servers' F_BC preparation) before its input arrives; on arrival, all of that is in the latency.
        LoadReport ahead = Run("{ users: 2, think_ms: 3000, preprocess: ahead }");
        LoadReport onArrival = Run("{ users: 2, think_ms: 3000 }");

        Assert.Equal(6, ahead.Finished);
        Assert.Equal(6, onArrival.Finished);
        Assert.True(onArrival.Preparation.P50 > 0.05, $"on arrival: preparation p50 {onArrival.Preparation.P50} s");
        // The first query of each user has nothing ahead of it; the later ones go online as they arrive.
        Assert.True(ahead.Preparation.P50 < 0.001, $"ahead: preparation p50 {ahead.Preparation.P50} s");
        Assert.True(ahead.Latency.P50 < onArrival.Latency.P50);

        static LoadReport Run(string load)
        {
            Scenario scenario = LoadScenario.Load("think", 6, load);
            return LoadReport.Of(scenario, SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly));
        }
    }

    [Fact]
    public void A_load_past_the_key_sets_budget_is_refused_up_front()
    {
        Scenario scenario = LoadScenario.Load("too-many", 3, "{ users: 3 }", extra: "crypto: { preset: seco-8192, query_budget: 2 }");
        var e = Assert.Throws<ScenarioValidationException>(() => Running.RunAdmission.Admit(scenario));
        Assert.Contains("queries.count: 3 queries under a load exceed the key set's budget of 2 queries", e.Message, StringComparison.Ordinal);
    }
}
