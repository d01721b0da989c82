using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22, finding (low, fixed): A refuses a user's bad message for the user's own query and tells the user why —
/// but four of the refusals named the query by its <i>server</i> number (<c>q.Query</c>) instead of the user's own.
/// The server number counts every query of every user since the key set began, so any user could learn, by sending
/// one malformed message per query, how many queries the other users started in between (issue 22: "the servers
/// never see user numbering" — nor should a user see the server numbering). Users 1..4 each send one malformed
/// message for their query 0 (server queries 1..4): a premature masked input, an OT request for a block A does not
/// garble, a second OT request for a served block, a premature circuit output. Each reason must name only the user's
/// own query 0; user 0 runs untouched.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class ServerQueryNumberLeakTests
{
    [Fact]
    public void A_refusal_told_to_a_user_never_names_a_server_query_number()
    {
        var run = new MultiUserRun(users: 5, queriesPerUser: 1);
        var sent = new HashSet<int>();
        run.Inject = (from, to, m) =>
        {
            // Right after A took user k's preprocessing (its query exists at A), user k misbehaves once.
            if (!to.IsGateway || !from.IsUser || from.Index == 0)
                return [];
            int k = from.Index;
            if (m is UserPreprocessing { Query: 0 } && k != 3 && sent.Add(k))
            {
                SecoMessage bad = k switch
                {
                    1 => new MaskedActivation(0, 1, new ulong[run.P.Block(1).Columns]),
                    2 => new OtRequest(0, OtPurpose.UserLabels, 2, [1, 2, 3]),
                    _ => new GatewayCircuitOutput(0, 1, new ulong[run.P.Block(1).Rows]),
                };
                return [(from, Party.Gateway, bad)];
            }
            // User 3 replays its own (served) label request: a second OT request for the block.
            if (k == 3 && m is OtRequest { Purpose: OtPurpose.UserLabels } r && sent.Add(k))
                return [(from, Party.Gateway, r)];
            return [];
        };
        run.Run();

        run.AssertAllExact(0);
        for (int k = 1; k <= 4; k++)
        {
            int server = run.ServerQueryOf(k, 0);
            Assert.NotEqual(0, server);
            QueryAborted told = run.Delivered.Where(d => d.To == Party.UserOf(k)).Select(d => d.Message).OfType<QueryAborted>().Single();
            Assert.Equal(0, told.Query);
            Assert.True(!told.Reason.Contains($"query {server}", StringComparison.Ordinal),
                $"user {k} was told \"{told.Reason}\": its query 0 is server query {server} — the count of every user's queries so far");
            Assert.Equal([0], run.Failed(k));
        }
    }
}
