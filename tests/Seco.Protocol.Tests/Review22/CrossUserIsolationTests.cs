using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22, questions 1 and 5 (defence holds): a hostile user (1) and a party that never joined (user session 7)
/// watch user 0's traffic and, each time A sends user 0 something, send A every message that could name user 0's query
/// — by user 0's own query number and by the server query A gave it: label requests, masked inputs, circuit outputs,
/// aborts, and the servers' messages (mask shares, provider labels, output shares, evaluator-ready). A refuses each for
/// the sender's own session only: user 0's and user 2's queries all finish bit-exact; A never sends user 1 anything
/// of a query not its own (no second preprocessing, label batch or output of any query), and tells the party that
/// never joined only why its own messages were refused.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class CrossUserIsolationTests
{
    [Fact]
    public void A_user_naming_another_users_queries_reaches_nothing_of_theirs()
    {
        var run = new MultiUserRun(users: 3, queriesPerUser: 2);
        Party hostile = Party.UserOf(1), outsider = Party.UserOf(7);
        var done = new HashSet<(int, string)>();
        run.Inject = (from, to, m) =>
        {
            if (!from.IsGateway || to != Party.UserOf(0) || m is not QueryMessage qm || !done.Add((qm.Query, m.GetType().Name)))
                return [];
            int own = qm.Query, server = run.ServerQueryOf(0, own);
            var junk = new List<SecoMessage>();
            foreach (int n in new[] { own, server })
            {
                junk.Add(new OtRequest(n, OtPurpose.UserLabels, 1, [1, 2, 3, 4]));
                junk.Add(new MaskedActivation(n, 1, new ulong[run.P.Block(1).Columns]));
                junk.Add(new GatewayCircuitOutput(n, 1, new ulong[run.P.Block(1).Rows]));
                junk.Add(new MaskShares(n, []));
                junk.Add(new OtResponse(n, OtPurpose.ProviderLabels, 2, [1, 2, 3]));
                junk.Add(new OutputCiphertext(n, [1, 2, 3]));
                junk.Add(new EvaluatorReady(n));
                junk.Add(new QueryAborted(n, ProtocolPhase.Online, "hostile"));
            }
            return junk.SelectMany(j => new[] { (hostile, Party.Gateway, j), (outsider, Party.Gateway, j) });
        };
        run.Run();

        run.AssertAllExact(0);
        run.AssertAllExact(2);
        // Every refusal was of a message of the hostile user or the outsider, at A.
        Assert.All(run.Failures, f => Assert.True(f.At.IsGateway && (f.From == hostile || f.From == outsider), $"{f.At} <- {f.From}: {f.Error.Message}"));
        // A sent the hostile user only messages of its own two queries, each at most once per kind (and block).
        var toHostile = run.Delivered.Where(d => d.To == hostile).Select(d => d.Message).OfType<QueryMessage>().ToList();
        Assert.All(toHostile, m => Assert.InRange(m.Query, 0, 1));
        foreach (var g in toHostile.Where(m => m is not QueryAborted and not GarbledCircuits).GroupBy(m => (m.Query, m.GetType(), (m as OtResponse)?.Block, (m as GarblerInput)?.Block)))
            Assert.Single(g);
        // The party that never joined is told only why its own messages were refused: nothing of anyone's query.
        Assert.All(run.Delivered.Where(d => d.To == outsider), d =>
        {
            QueryAborted refusal = Assert.IsType<QueryAborted>(d.Message);
            Assert.True(refusal.Reason.Contains("has not joined", StringComparison.Ordinal) || refusal.Reason.Contains("does not take", StringComparison.Ordinal), refusal.Reason);
        });
        // Every server query went to one user query.
        var assigned = run.Events[Party.Gateway].OfType<QueryAssigned>().ToList();
        Assert.Equal(assigned.Count, assigned.Select(a => a.ServerQuery).Distinct().Count());
    }
}
