using System.Reflection;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;
using static Seco.Protocol.Tests.Review22b.PooledQueriesTests;

using Seco.Protocol.Tests.Review22;

namespace Seco.Protocol.Tests.Review22b;

/// <summary>
/// Review 22b, question 2 (defences hold): a pooled user's label OTs with A go through its own
/// <see cref="OtReceiverQueue"/>. Its queries are aborted at the worst moments — one whose batch waits in line, one
/// whose batch is out (its reply arrives late), one whose request A never sees until after the abort, one A aborts
/// (a server failed it) while its batch waits — and a network relabels the reply to the batch out as the reply of a
/// queued query. Every other query of the user finishes bit-exact and the user's IKNP stream with A stays in step.
/// </summary>
[Trait("Category", "SecurityReview22b")]
public class UserOtStreamTests
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    private static Seco.Garbling.Ot.IknpReceiver OtOf(UserRole user) => (Seco.Garbling.Ot.IknpReceiver)typeof(UserRole).GetField("_ot", Private)!.GetValue(user)!;

    /// <summary>Every query of user 0 other than <paramref name="failed"/> finished bit-exact; those failed; nothing hangs.</summary>
    private static void AssertOthersExact(MultiUserRun run, int queries, params int[] failed)
    {
        Assert.Equal(failed.Order(), run.Failed(0).Order());
        Assert.Equal(Enumerable.Range(0, queries).Except(failed), run.Predicted(0).Order());
        run.AssertBitExact(0);
        Assert.Equal(0, ActiveCount(run.Users[0]));
        Assert.Null(Pending(QueueOf(run.Users[0])));
        Assert.Empty(Waiting(QueueOf(run.Users[0])));
        Assert.False(OtOf(run.Users[0]).HasPendingBatch);
        GatewayState.AssertFreed(run.Gateway);
    }

    [Fact]
    public void Aborting_a_queued_batch_then_an_outstanding_one_leaves_the_users_other_queries_exact()
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 5, pool: 3, split: 2);
        run.SubmitAll();
        OtReceiverQueue queue = QueueOf(run.Users[0]);
        OtResponse? held = null;
        int phase = 0, queued = -1, outstanding = -1;
        run.Intercept = (from, to, m) =>
        {
            if (!to.IsUser || m is not OtResponse r || phase is not (0 or 2))
                return false;
            held = r; // A's reply is held back: the user's batch stays out
            if (phase == 2) outstanding = r.Query;
            phase++;
            return true;
        };
        run.Inject = (from, to, m) =>
        {
            if (phase == 1 && Waiting(queue).Length >= 2)
            {
                queued = Waiting(queue)[0]; // first in line behind the held batch
                phase = 2;
                run.AbortAt(Party.UserOf(0), queued, "the user gave up");
                Assert.DoesNotContain(queued, Waiting(queue));
                return [(Party.Gateway, Party.UserOf(0), held!)];
            }
            if (phase == 3)
            {
                Assert.Equal(outstanding, Pending(queue));
                phase = 4;
                run.AbortAt(Party.UserOf(0), outstanding, "the user gave up");
                return [(Party.Gateway, Party.UserOf(0), held!)]; // the late reply: dropped quietly
            }
            return [];
        };
        run.Run();

        Assert.Equal(4, phase);
        Assert.NotEqual(queued, outstanding);
        Assert.True(run.Failures.Count == 0, run.Describe());
        AssertOthersExact(run, 5, queued, outstanding);
    }

    /// <summary>
    /// The user aborts the query whose batch is out before A has read the request (it is held on the wire and arrives
    /// after the user's QueryAborted): A drops it unserved, and the user's next batch starts past the burned indices —
    /// A's sender skips forward to it.
    /// </summary>
    [Fact]
    public void An_aborted_batch_A_never_served_is_skipped_and_the_stream_stays_in_step()
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 4, pool: 2, split: 1);
        run.SubmitAll();
        OtRequest? held = null;
        int victim = -1;
        run.Intercept = (from, to, m) =>
        {
            if (held is not null || victim >= 0 || !from.IsUser || m is not OtRequest { Query: 1 } r)
                return false;
            held = r;
            victim = r.Query;
            return true;
        };
        run.Inject = (from, to, m) =>
        {
            if (held is null)
                return [];
            OtRequest late = held;
            held = null;
            run.AbortAt(Party.UserOf(0), victim, "the user gave up"); // QueryAborted goes out now; the request after it
            return [(Party.UserOf(0), Party.Gateway, late)];
        };
        run.Run();

        Assert.Equal(1, victim);
        Assert.True(run.Failures.Count == 0, run.Describe());
        Assert.DoesNotContain(run.Delivered, d => d.To.IsUser && d.Message is OtResponse { Query: 1 });
        AssertOthersExact(run, 4, 1);
    }

    /// <summary>A aborts a query (a server failed it) whose batch waits in the user's line, and one whose batch is out.</summary>
    [Fact]
    public void Server_failures_of_queued_and_outstanding_batches_leave_the_users_other_queries_exact()
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 5, pool: 3, split: 2);
        run.SubmitAll();
        OtReceiverQueue queue = QueueOf(run.Users[0]);
        OtResponse? held = null;
        int phase = 0, queued = -1, outstanding = -1;
        run.Intercept = (from, to, m) =>
        {
            if (!to.IsUser || m is not OtResponse r || phase is not (0 or 2))
                return false;
            held = r;
            if (phase == 2) outstanding = r.Query;
            phase++;
            return true;
        };
        run.Inject = (from, to, m) =>
        {
            if (phase == 1 && Waiting(queue).Length >= 2)
            {
                queued = Waiting(queue)[0];
                phase = 2;
                run.AbortAt(Party.Server(1, 1), run.ServerQueryOf(0, queued), "an evaluator failed");
                return [(Party.Gateway, Party.UserOf(0), held!)];
            }
            if (phase == 3)
            {
                phase = 4;
                run.AbortAt(Party.Server(1, 0), run.ServerQueryOf(0, outstanding), "a garbler failed");
                return [(Party.Gateway, Party.UserOf(0), held!)];
            }
            return [];
        };
        run.Run();

        Assert.Equal(4, phase);
        Assert.True(run.Failures.Count == 0, run.Describe());
        Assert.All(run.EventsOf(0).OfType<QueryFailed>(), f => Assert.Equal(GatewayRole.RemoteFailure, f.Reason));
        AssertOthersExact(run, 5, queued, outstanding);
    }

    /// <summary>
    /// A network relabels A's reply to the batch out (query a) as the reply of a query queued behind it (query b): the
    /// user takes a reply only for the batch out, so b fails at once and nothing is decoded against the wrong batch;
    /// a's batch stays out until the user's deadline for a; then the rest finish bit-exact.
    /// </summary>
    [Fact]
    public void A_reply_relabelled_for_a_queued_query_is_refused_and_costs_those_two_queries_only()
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 5, pool: 3, split: 1);
        run.SubmitAll();
        OtReceiverQueue queue = QueueOf(run.Users[0]);
        OtResponse? held = null;
        int a = -1, b = -1;
        run.Intercept = (from, to, m) =>
        {
            if (held is not null || a >= 0 || !to.IsUser || m is not OtResponse r)
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
            return [(Party.Gateway, Party.UserOf(0), relabelled)];
        };
        run.Run();

        Assert.True(a >= 0 && b >= 0 && a != b);
        Assert.Equal([b], run.Failed(0));
        Assert.DoesNotContain(a, run.Predicted(0));
        Assert.Equal(a, Pending(queue));
        run.AbortAt(Party.UserOf(0), a, "query a did not finish within the deadline");
        run.Pump();
        AssertOthersExact(run, 5, a, b);
    }
}

/// <summary>A's per-user and per-query state, by reflection: freed once every query is over.</summary>
internal static class GatewayState
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    public static int Queries(GatewayRole a) => ((System.Collections.ICollection)typeof(GatewayRole).GetField("_queries", Private)!.GetValue(a)!).Count;

    public static IEnumerable<object> Users(GatewayRole a) => ((System.Collections.IDictionary)typeof(GatewayRole).GetField("_users", Private)!.GetValue(a)!).Values.Cast<object>();

    public static int UserQueries(object user) => ((System.Collections.ICollection)user.GetType().GetProperty("Queries")!.GetValue(user)!).Count;

    public static int Served(object user)
    {
        object ledger = user.GetType().GetProperty("Served")!.GetValue(user)!;
        object set = ledger.GetType().GetField("_served", Private)!.GetValue(ledger)!;
        return (int)set.GetType().GetProperty("Count")!.GetValue(set)!;
    }

    public static void AssertFreed(GatewayRole a)
    {
        Assert.Equal(0, Queries(a));
        foreach (object u in Users(a))
        {
            Assert.Equal(0, UserQueries(u));
            Assert.Equal(0, Served(u));
        }
        Assert.Null(Review22.OtQueueTests.Pending(Review22.OtQueueTests.QueueOf(a)));
        Assert.Empty(Review22.OtQueueTests.Waiting(Review22.OtQueueTests.QueueOf(a)));
    }
}
