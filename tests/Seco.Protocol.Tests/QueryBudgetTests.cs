using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// The smudging of a key set covers a stated number of queries (NoiseBudget, docs/noise.md); every node refuses a query
/// past it with a clear error, and the widths grow with the budget.
/// </summary>
public class QueryBudgetTests
{
    [Fact]
    public void The_gateway_refuses_a_query_past_the_key_sets_budget_and_the_others_finish()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 3);
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, 1, EndToEndTests.Context.Value, queryBudget: 2), inputs, failQueries: true);
        loop.Run();

        Assert.Equal([0, 1], loop.Events.OfType<PredictionReady>().Select(p => p.Query));
        QueryFailed failed = Assert.Single(loop.Events.OfType<QueryFailed>());
        Assert.Equal(2, failed.Query);
        Assert.Equal("query 2 is past this key set's budget of 2 queries (the smudged decryptions are sized for that many, docs/noise.md): re-key with a new setup", failed.Reason);
        Assert.Equal(Party.Gateway, Assert.Single(loop.Failures).At);
    }

    [Fact]
    public void The_gateway_refuses_queries_past_F_As_lifetime_budget_across_key_sets()
    {
        // F_A's weights outlive every key set: A counts the queries it has returned F_A shares for on its one model.
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ModelSplit deployment = ModelSplit.Create(model, 1, EndToEndTests.Context.Value);
        int lifetime = deployment.Parameters.Budget.ModelLifetimeQueries;
        Assert.Equal(8192, lifetime); // docs/noise.md: the MLP at l = 1
        deployment.Gateway.ServedQueries = lifetime - 1; // as if earlier key sets had served all but one
        ProtocolLoopback loop = EndToEndTests.Loopback(deployment, EndToEndTests.Inputs(model, 2), failQueries: true);
        loop.Run();

        Assert.Equal([0], loop.Events.OfType<PredictionReady>().Select(p => p.Query));
        QueryFailed failed = Assert.Single(loop.Events.OfType<QueryFailed>());
        Assert.Equal($"F_A has served its lifetime budget of {lifetime} queries (the flooding of A's returned shares is sized for that many, docs/noise.md): deploy new weights", failed.Reason);
        Assert.Equal(lifetime, deployment.Gateway.ServedQueries);
    }

    [Fact]
    public void The_flooding_is_the_widest_that_decrypts_and_covers_F_As_lifetime()
    {
        SecoParameters p = ModelSplit.Create(EndToEndTests.Model("minionn.onnx"), 2, EndToEndTests.Context.Value).Parameters;
        Assert.Equal(87, p.Budget.FloodingBits); // ⌊log2(Q'/(4t)) − 0.01⌋ with Q'/(4t) = 2^87.09
        Assert.Equal(2048, p.Budget.ModelLifetimeQueries);
        for (int i = 1; i <= 2; i++)
            Assert.True(p.Budget.FloodingBoundBits(i) + NoiseBudget.StatisticalSecurity + Math.Ceiling(p.Budget.UserCoefficientsLog2) <= p.Budget.FloodingBits);
    }

    [Theory]
    [InlineData("Garbler")]
    [InlineData("Evaluator")]
    public void Remote_servers_refuse_to_prepare_a_query_past_the_budget(string serverName)
    {
        Party server = TestParties.Of(serverName);
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ModelSplit deployment = ModelSplit.Create(model, 1, EndToEndTests.Context.Value, queryBudget: 1);
        var session = new RoleValidationTests.Session(deployment);
        ISecoRole role = server == Party.Garbler ? session.Garbler : session.Evaluator;
        var e = Assert.Throws<ProtocolViolationException>(() => role.Handle(Party.Gateway, new PreparationBegin(1), new Outbox()));
        Assert.Contains("query 1 is past this key set's budget of 1 queries", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_larger_budget_widens_the_smudging_by_its_log_and_the_widest_still_fits()
    {
        FixedPointModel model = EndToEndTests.Model("minionn.onnx");
        SecoParameters small = ModelSplit.Create(model, 1, EndToEndTests.Context.Value, queryBudget: 1).Parameters;
        SecoParameters large = ModelSplit.Create(model, 1, EndToEndTests.Context.Value).Parameters;
        Assert.Equal(64, large.Budget.MaxQueries); // docs/noise.md: MiniONN at l = 1
        for (int i = 2; i <= 4; i++)
        {
            // b = B + λ + ⌈log2(n · (L − l) · Q)⌉: six more bits for 64 queries (B's tail grows by a fraction of a bit).
            int grown = large.Budget.Decryption(i).SmudgingBits - small.Budget.Decryption(i).SmudgingBits;
            Assert.InRange(grown, 6, 7);
            Assert.True(large.Budget.Decryption(i).TotalNoiseLog2 <= Lattice.Linear.LinOpNoise.Capacity(EndToEndTests.Context.Value, 3));
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ModelSplit.Create(model, 1, EndToEndTests.Context.Value, queryBudget: 65));
        Assert.Contains("exceeds what the smudging can cover at these parameters (64 queries per key set", e.Message, StringComparison.Ordinal);
    }
}
