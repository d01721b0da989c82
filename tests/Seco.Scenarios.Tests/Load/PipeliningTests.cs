using Seco.Actors.Runtime;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Load;

/// <summary>
/// Pipelined queries (issue 22): a user's next query preprocesses while its last one is online — bit-exact, the
/// overlap really happens, and the same queries end sooner than one after another.
/// </summary>
public class PipeliningTests
{
    private static SecureRunResult Run(string schedule, Func<ISecoRole, ISecoRole>? host = null, int count = 6)
    {
        Scenario scenario = LoadScenario.Load($"pipe-{schedule}", count, $"{{ preprocess: ahead, schedule: {schedule} }}");
        return SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly, host ?? (r => r));
    }

    [Fact]
    public void Pipelined_queries_overlap_and_end_sooner_than_sequential_ones_bit_exact()
    {
        SecureRunResult pipelined = Run("pipelined"), sequential = Run("sequential");

        Assert.All(pipelined.Queries, q => Assert.True(q.BitExact, q.FailureReason));
        Assert.All(sequential.Queries, q => Assert.True(q.BitExact, q.FailureReason));
        QueryTimeline p = pipelined.Timeline, s = sequential.Timeline;
        for (int j = 0; j + 1 < 6; j++)
        {
            // Pipelined: query j+1 began preprocessing once query j was online, before it ended.
            Assert.True(p.Preprocessing[j + 1] >= p.Online[j] && p.Preprocessing[j + 1] < p.Finish[j], $"query {j + 1}");
            // Sequential: only once it ended.
            Assert.True(s.Preprocessing[j + 1] >= s.Finish[j], $"query {j + 1}");
        }
        Assert.True(p.Finish.Max() < s.Finish.Max(), $"pipelined ended at {p.Finish.Max() / 1e9} s, sequential at {s.Finish.Max() / 1e9} s");
    }

    [Fact]
    public void A_pipelined_query_that_fails_online_leaves_the_one_preprocessing_beside_it_finishing()
    {
        SecureRunResult run = Run("pipelined", r => r.Self.IsUser ? new RewritingUser(r, m => m is MaskedActivation { Query: 2, Block: 1 } a ? a with { Values = a.Values[1..] } : m) : r);

        Assert.False(run.Queries[2].Completed);
        Assert.Contains("unexpected masked input for query 2", run.Queries[2].FailureReason, StringComparison.Ordinal);
        Assert.All(run.Queries.Where((_, i) => i != 2), q => Assert.True(q.BitExact, q.FailureReason));
        // Query 3 was in flight beside it (it began preprocessing while query 2 was online).
        Assert.True(run.Timeline.Preprocessing[3] < run.Timeline.Finish[2]);
    }
}
