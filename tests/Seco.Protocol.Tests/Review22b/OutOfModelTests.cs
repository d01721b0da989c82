using Seco.Nn.Field;
using Seco.Protocol.Messages;
using Xunit;

using Seco.Protocol.Tests.Review22;

namespace Seco.Protocol.Tests.Review22b;

/// <summary>
/// Review 22b, question 1 — LIMITATION, out of the threat model (documented, not a bug): nothing inside A's share
/// ciphertexts (GatewayPreprocessing: Enc_pk0(F_i r_i − s_i)) binds them to a query. A party that can rewrite the query
/// number of A's messages to the user — an A that deviates, or a network that forges on the user's mutual-TLS channel
/// (docs/cluster.md) — can swap two in-flight queries' shares, and the user returns two wrong predictions without
/// noticing. Duplicates, drops and replays (what an attacker without the channel keys can do) only fail queries
/// (<see cref="HostileUserAndNetworkTests"/>). A single query has the same exposure to any forged share ciphertext; a
/// pool only makes the forgery a relabelling. This test pins the behaviour: if shares are ever bound to their query
/// (e.g. a query tag authenticated under the user's key), it should be turned into a "refused" test.
/// </summary>
[Trait("Category", "SecurityReview22b")]
public class OutOfModelTests
{
    [Fact]
    public void Limitation_shares_relabelled_between_two_queries_in_flight_give_wrong_predictions_unnoticed()
    {
        var run = new MultiUserRun(submitInputs: true, users: 1, queriesPerUser: 2, pool: 2);
        run.SubmitAll();
        var held = new List<QueryMessage>();
        run.Intercept = (from, to, m) =>
        {
            if (held.Count >= 4 || !to.IsUser || m is not (GatewayPreprocessing or GarbledCircuits))
                return false;
            held.Add((QueryMessage)m); // query 0's shares and circuit, then query 1's
            if (held.Count < 4)
                return true;
            run.Send(from, to, (GatewayPreprocessing)held[2] with { Query = 0 });
            run.Send(from, to, held[1]);
            run.Send(from, to, (GatewayPreprocessing)held[0] with { Query = 1 });
            run.Send(from, to, held[3]);
            return true;
        };
        run.Run();

        Assert.Equal(4, held.Count);
        Assert.Empty(run.Failed(0));
        Assert.Equal([0, 1], run.Predicted(0).Order());
        Assert.All(run.EventsOf(0).OfType<Roles.PredictionReady>(),
            p => Assert.NotEqual(run.ExpectedLogits(0, p.Query), p.Logits.Select(PrimeField.ToSigned).ToArray()));
    }
}
