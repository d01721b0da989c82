using System.Reflection;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22, questions 4 and 5 (defences hold): A's IKNP stream with the garbler is shared by every user's queries
/// (<see cref="OtReceiverQueue"/>: one batch out, the rest queued). Users abort their queries at the worst moments —
/// one while its batch waits first in line, one while its batch is out (its reply then arrives late) — and a garbler's
/// or the network's malformed reply fails one user's query on each of the three IKNP streams; every other user's query
/// finishes bit-exact and the streams stay in step.
/// </summary>
[Trait("Category", "SecurityReview22")]
public class OtQueueTests
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    /// <summary>A's label queue with tier 1's garbler.</summary>
    internal static OtReceiverQueue QueueOf(GatewayRole gateway)
    {
        object keys = ((Array)typeof(GatewayRole).GetField("_tiers", Private)!.GetValue(gateway)!).GetValue(0)!;
        return (OtReceiverQueue)keys.GetType().GetProperty("Batches")!.GetValue(keys)!;
    }

    internal static int[] Waiting(OtReceiverQueue queue) =>
        [.. ((System.Collections.IEnumerable)typeof(OtReceiverQueue).GetField("_waiting", Private)!.GetValue(queue)!).Cast<object>()
            .Select(e => (int)e.GetType().GetField("Item1")!.GetValue(e)!)];

    internal static int? Pending(OtReceiverQueue queue) => (int?)typeof(OtReceiverQueue).GetField("_pending", Private)!.GetValue(queue);

    [Fact]
    public void Aborting_a_queued_batch_and_an_outstanding_one_leaves_every_other_query_exact()
    {
        var run = new MultiUserRun(users: 4, queriesPerUser: 1);
        OtReceiverQueue queue = QueueOf(run.Gateway);
        OtResponse? held = null;
        int phase = 0, queued = -1, outstanding = -1;
        run.Intercept = (from, to, m) =>
        {
            if (from != Party.Garbler || !to.IsGateway || m is not OtResponse { Purpose: OtPurpose.ProviderLabels } r || phase is not (0 or 2))
                return false;
            held = r; // the garbler's reply is held back: A's batch stays out
            phase++;
            if (phase == 3) outstanding = r.Query;
            return true;
        };
        run.Inject = (from, to, m) =>
        {
            if (phase == 1 && Waiting(queue).Length >= 3)
            {
                // Three batches wait behind the held one: the user of the first in line aborts its query.
                queued = Waiting(queue)[0];
                (int user, int query) = run.OwnerOf(queued)!.Value;
                phase = 2;
                run.AbortAt(Party.UserOf(user), query, "the user gave up");
                return [(Party.Garbler, Party.Gateway, held!)];
            }
            if (phase == 3)
            {
                // The next batch is out and its reply held: its user aborts, then the reply arrives late.
                Assert.Equal(outstanding, Pending(queue));
                (int user, int query) = run.OwnerOf(outstanding)!.Value;
                phase = 4;
                run.AbortAt(Party.UserOf(user), query, "the user gave up");
                return [(Party.Garbler, Party.Gateway, held!)];
            }
            return [];
        };
        run.Run();

        Assert.Equal(4, phase);
        Assert.NotEqual(queued, outstanding);
        Assert.True(run.Failures.Count == 0, run.Describe()); // the late reply is dropped quietly, nothing refused
        int[] aborted = [run.OwnerOf(queued)!.Value.User, run.OwnerOf(outstanding)!.Value.User];
        for (int k = 0; k < 4; k++)
        {
            if (aborted.Contains(k))
                Assert.Equal([0], run.Failed(k));
            else
                run.AssertAllExact(k);
        }
        Assert.Null(Pending(queue));
        Assert.Empty(Waiting(queue));
        Assert.False(Hierarchy.ReceiverOf(run.Gateway).HasPendingBatch);
    }

    /// <summary>
    /// A truncated reply on each IKNP stream (A ← garbler, evaluator ← garbler offline and online), for the server query
    /// of user 1 while user 0's and user 2's queries are in flight on the same streams: user 1's query fails (told
    /// without details), the others finish bit-exact.
    /// </summary>
    [Theory]
    [InlineData(OtPurpose.ProviderLabels)]
    [InlineData(OtPurpose.EvaluatorMasks)]
    [InlineData(OtPurpose.EvaluatorShare)]
    public void A_malformed_reply_for_one_users_query_fails_that_query_only(OtPurpose purpose)
    {
        MultiUserRun? run = null;
        bool cut = false;
        run = new MultiUserRun(users: 3, queriesPerUser: 1, seed: 7, wrap: (address, role) => address != Party.Garbler ? role : new HostileRole(role)
        {
            Rewrite = (to, m) =>
            {
                if (cut || m is not OtResponse r || r.Purpose != purpose || run!.OwnerOf(r.Query) is not (1, 0))
                    return m;
                cut = true;
                return r with { Payload = r.Payload[..^16] };
            },
        });
        run.Run();

        Assert.True(cut);
        Assert.Equal([0], run.Failed(1));
        Assert.Equal(GatewayRole.RemoteFailure, run.EventsOf(1).OfType<QueryFailed>().Single().Reason);
        run.AssertAllExact(0);
        run.AssertAllExact(2);
    }

    /// <summary>
    /// A hostile garbler (or network) relabels its reply to the batch out (query a) as the reply of a query whose batch
    /// is still queued at A (query b). A takes a reply only for the batch out (review 22's hardening, after this test
    /// showed A decoding it against a's batch as b's labels): b fails at once, and a's batch stays out — the stream
    /// waits for a's reply, as it would for a garbler that never replied, until a host's deadline ends a. Then every
    /// other user's query finishes bit-exact.
    /// </summary>
    [Fact]
    public void A_reply_relabelled_for_a_queued_query_is_refused_and_costs_those_two_queries_only()
    {
        var run = new MultiUserRun(users: 4, queriesPerUser: 1);
        OtReceiverQueue queue = QueueOf(run.Gateway);
        OtResponse? held = null;
        int a = -1, b = -1;
        run.Intercept = (from, to, m) =>
        {
            if (held is not null || a >= 0 || from != Party.Garbler || m is not OtResponse { Purpose: OtPurpose.ProviderLabels } r)
                return false;
            held = r;
            a = r.Query;
            return true;
        };
        run.Inject = (from, to, m) =>
        {
            if (held is null || Waiting(queue).Length == 0)
                return [];
            b = Waiting(queue)[0];
            OtResponse relabelled = held with { Query = b };
            held = null;
            return [(Party.Garbler, Party.Gateway, relabelled)];
        };
        run.Run();

        Assert.True(a >= 0 && b >= 0 && a != b);
        (int userA, _) = run.OwnerOf(a)!.Value;
        (int userB, _) = run.OwnerOf(b)!.Value;
        Assert.Equal([0], run.Failed(userB));
        Assert.Empty(run.Failed(userA));
        Assert.Empty(run.Predicted(userA)); // it hangs: its reply never came
        // The host's deadline for a: A aborts it, its batch is given up, and the queries behind it go on.
        run.AbortAt(Party.Gateway, a, "query a did not finish within the deadline");
        run.Pump();
        Assert.Equal([0], run.Failed(userA));
        for (int k = 0; k < 4; k++)
            if (k != userA && k != userB)
                run.AssertAllExact(k);
    }
}
