using System.Reflection;
using Seco.Garbling.Ot;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Seco.Protocol.Tests.Review18;
using Xunit;
using static Seco.Protocol.Tests.Review22b.PooledQueriesTests;

using Seco.Protocol.Tests.Review22;

namespace Seco.Protocol.Tests.Review22b;

/// <summary>
/// Review 22b, questions 1, 3 and 4 (defences hold). A network that duplicates any of A's messages to a pooled user
/// never makes the user return a wrong prediction: the copy is refused (that query fails) or ignored, and the other
/// queries finish bit-exact. A malicious pooled user that asks A for a second OT batch on wires already served (with
/// other choice bits) is refused, and each query's circuits have their own Δ. A pooled or pipelined query failing at
/// any phase fails alone: the user goes on, and A frees everything.
/// </summary>
[Trait("Category", "SecurityReview22b")]
public class HostileUserAndNetworkTests
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;

    /// <summary>Query i of a pooled user has the first of A's messages of kind i duplicated on the wire (one run, six queries).</summary>
    [Fact]
    public void A_duplicated_message_of_one_query_never_yields_a_wrong_prediction()
    {
        string[] kinds = [nameof(GatewayPreprocessing), nameof(GarbledCircuits), nameof(OtResponse), nameof(QueryReady), nameof(GarblerInput), nameof(OutputCiphertext)];
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: kinds.Length, pool: 2);
        run.SubmitAll();
        var copied = new HashSet<int>();
        run.Inject = (from, to, m) =>
        {
            if (!to.IsUser || m is not QueryMessage { Query: var q } || q >= kinds.Length || m.GetType().Name != kinds[q] || !copied.Add(q))
                return [];
            return [(from, to, m)];
        };
        run.Run();

        Assert.Equal(kinds.Length, copied.Count);
        run.AssertBitExact(0); // whatever the user returns is right
        Assert.Equal(Enumerable.Range(0, kinds.Length), run.Predicted(0).Concat(run.Failed(0)).Order()); // and nothing hangs
        Assert.Equal(0, ActiveCount(run.Users[0]));
        GatewayState.AssertFreed(run.Gateway);
    }

    /// <summary>
    /// After A served the user's labels of query 0, the user (malicious) extends its IKNP receiver once more with every
    /// choice bit flipped and asks for the same wires again, under query 0 and under query 1's block (whose own batch
    /// it then never sends): A refuses the repeat, so the user never holds both labels of a wire; query 1's circuits
    /// have a Δ of their own. Query 0 fails, and A frees the state.
    /// </summary>
    [Fact]
    public void A_second_batch_on_served_wires_is_refused_and_each_query_has_its_own_delta()
    {
        MultiUserRun? run = null;
        HostileRole? hostile = null;
        var deltas = new HashSet<string>();
        bool attacked = false;
        run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 3, pool: 2, wrap: (address, role) => !address.IsUser ? role : hostile = new HostileRole(role)
        {
            After = (from, m, outbox) =>
            {
                if (attacked || m is not OtResponse { Query: 0 } r)
                    return;
                attacked = true;
                var ot = (IknpReceiver)typeof(UserRole).GetField("_ot", Private)!.GetValue(run!.Users[0])!;
                if (ot.HasPendingBatch) ot.CancelPending(); // the honest role's next batch (query 1's) is given up
                int count = PooledQueriesTests.Header(run.Delivered.Last(d => d.Message is OtRequest { Query: 0 }).Message is OtRequest q ? q.Matrix : []).Count is var c ? (int)c : 0;
                byte[] flipped = Enumerable.Repeat((byte)0xFF, (count + 7) / 8).ToArray();
                outbox.Send(Party.Gateway, new OtRequest(0, OtPurpose.UserLabels, r.Block, ot.ExtendChosen(flipped, count)));
                ot.CancelPending();
            },
        });
        run.SubmitAll();
        run.Inject = (from, to, m) =>
        {
            // Both queries' garblers at A while both are in flight: their Δs differ.
            foreach (object q in ((System.Collections.IDictionary)typeof(GatewayRole).GetField("_queries", Private)!.GetValue(run.Gateway)!).Values)
                foreach (object g in ((System.Collections.IDictionary)q.GetType().GetProperty("Garblers")!.GetValue(q)!).Values)
                    deltas.Add(Convert.ToHexString(System.Runtime.InteropServices.MemoryMarshal.AsBytes([(Seco.Garbling.Crypto.Block)g.GetType().GetField("_delta", Private)!.GetValue(g)!])));
            return [];
        };
        run.Run();

        Assert.True(attacked);
        Assert.True(deltas.Count >= 2, "each query garbles under its own Δ");
        // A served query 0's block once: the repeat was refused, and no second reply for it reached the user.
        Assert.Single(run.Delivered, d => d.To.IsUser && d.Message is OtResponse { Query: 0 });
        Assert.Contains(run.Failures, f => f.At.IsGateway && f.Message is OtRequest { Query: 0 } && f.Error.Message.Contains("served once"));
        Assert.Contains(0, run.Failed(0));
        GatewayState.AssertFreed(run.Gateway);
    }

    /// <summary>Query 1 of a pooled or pipelined user fails at each phase; queries 0, 2, 3 finish bit-exact and A frees everything.</summary>
    [Theory]
    [InlineData("preprocessing", false)]
    [InlineData("labels", true)]
    [InlineData("servers", false)]
    [InlineData("online", true)]
    [InlineData("output", false)]
    public void A_query_failing_at_any_phase_fails_alone(string phase, bool pipelined)
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 4, pipelined: pipelined, pool: pipelined ? 0 : 2);
        run.SubmitAll();
        bool done = false;
        run.Intercept = (from, to, m) =>
        {
            if (done || m is not QueryMessage { Query: var q } || (from.IsUser || to.IsUser) && q != 1)
                return false;
            switch (phase, m)
            {
                case ("preprocessing", UserPreprocessing p) when to.IsGateway:
                    done = true;
                    run.Send(from, to, p with { MaskCiphertexts = p.MaskCiphertexts[..^1] });
                    return true;
                case ("labels", OtResponse r) when to.IsUser:
                    done = true;
                    run.Send(from, to, r with { Payload = r.Payload[..^16] });
                    return true;
                case ("servers", PreparationBegin) when to == Party.Server(1, 1) && run.OwnerOf(q) is (0, 1):
                    done = true;
                    run.AbortAt(to, q, "an evaluator failed");
                    return true;
                case ("online", GarblerInput g) when to.IsUser:
                    done = true;
                    run.Send(from, to, g with { Labels = g.Labels[..^16] });
                    return true;
                case ("output", OutputCiphertext o) when to.IsUser:
                    done = true;
                    run.Send(from, to, o with { Ciphertext = o.Ciphertext[..^16] });
                    return true;
            }
            return false;
        };
        run.Run();

        Assert.True(done);
        Assert.Equal([1], run.Failed(0));
        Assert.Equal([0, 2, 3], run.Predicted(0).Order());
        run.AssertBitExact(0);
        Assert.Equal(0, ActiveCount(run.Users[0]));
        GatewayState.AssertFreed(run.Gateway);
    }
}
