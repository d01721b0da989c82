using Seco.Actors.Runtime;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// Issue 16, item 5: a query that did not finish says where it stopped. Runs are timed by charged compute only, so
/// virtual times repeat exactly: a first run finds when query 1 is under way, a second stops a server then.
/// </summary>
public class StallDiagnosisTests
{
    private static Scenario Mlp(string failures) => MlpScenario.Load("mlp-stall", extra: failures);

    [Fact]
    public void A_server_that_stops_mid_query_leaves_a_stuck_query_that_says_where_it_stopped()
    {
        SecureRunResult clean = SecureRun.Run(PreparedScenario.Prepare(Mlp("")), timing: ComputeTiming.ChargedOnly);
        Assert.True(clean.AllBitExact);
        double q1Online = clean.Report.Queries.Single(q => q.Query == "q1").BeginMs;

        // B stops just after q1's online phase began: q0 is done, q1 cannot finish, q2 never starts.
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(Mlp($"failures:\n  - {{ at_ms: {q1Online + 0.001:R}, stop: B }}")),
            timing: ComputeTiming.ChargedOnly);

        Assert.True(run.Queries[0].BitExact);
        Assert.False(run.Queries[1].Completed);
        Assert.False(run.Interrupted);
        Assert.Null(StallDiagnosis.Describe(run, 0));
        string q1 = StallDiagnosis.Describe(run, 1)!;
        Assert.Matches(@"^stuck in (online|output): .*\bB\b", q1);
        Assert.Contains("which had stopped", q1);
        Assert.StartsWith("stuck before it began: queries run one after another, and an earlier one did not finish", StallDiagnosis.Describe(run, 2));
        Assert.EndsWith("; injected: party B stopped at " + $"{q1Online + 0.001:0.###} ms", StallDiagnosis.Describe(run, 2));
    }

    [Fact]
    public void A_server_that_stops_during_setup_leaves_every_query_unstarted()
    {
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(Mlp("failures:\n  - { at_ms: 1, stop: B }")), timing: ComputeTiming.ChargedOnly);

        Assert.All(run.Queries, q => Assert.False(q.Completed));
        Assert.StartsWith("stuck before it began: setup did not finish; ", StallDiagnosis.Describe(run, 0));
        Assert.EndsWith("; injected: party B stopped at 1 ms", StallDiagnosis.Describe(run, 0));
    }

    [Fact]
    public void A_cancelled_run_is_interrupted_and_says_so()
    {
        using var cancel = new CancellationTokenSource();
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(Mlp("")), p =>
        {
            if (p is QueryFinished { Query: 0 }) cancel.Cancel();
        }, ComputeTiming.ChargedOnly, cancel.Token);

        Assert.True(run.Interrupted);
        Assert.True(run.Queries[0].BitExact);
        Assert.False(run.Queries[2].Completed);
        Assert.StartsWith("interrupted ", StallDiagnosis.Describe(run, 2));
    }
}
