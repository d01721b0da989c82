using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// A key set serves its query budget (docs/noise.md); past it the run re-keys — a new setup with fresh keys — and
/// goes on. With a budget of 2, three queries take two key sets, all bit-exact, and the setup is paid twice.
/// </summary>
public class ReKeyingTests
{
    private static Scenario Load(string crypto) => MlpScenario.Load("mlp-rekey", crypto);

    [Fact]
    public void Past_the_budget_the_run_re_keys_and_every_query_is_bit_exact()
    {
        var progress = new List<SecureRunProgress>();
        SecureRunResult twoKeySets = SecureRun.Run(PreparedScenario.Prepare(Load("{ preset: seco-8192, query_budget: 2 }")), progress.Add, ComputeTiming.ChargedOnly);
        SecureRunResult oneKeySet = SecureRun.Run(PreparedScenario.Prepare(Load("{ preset: seco-8192 }")), null, ComputeTiming.ChargedOnly);

        Assert.True(twoKeySets.AllBitExact);
        Assert.True(oneKeySet.AllBitExact);
        Assert.Equal(2, twoKeySets.Parameters.Budget.Queries);
        KeySetRenewed renewed = Assert.Single(progress.OfType<KeySetRenewed>());
        Assert.Equal(1, renewed.KeySet);
        // Query 2 ran after the second setup: its preprocessing began after query 1 ended.
        QueryReport q1 = twoKeySets.Report.Queries.Single(q => q.Query == SecureRun.OnlineQueryId(1));
        QueryReport q2 = twoKeySets.Report.Queries.Single(q => q.Query == SecureRun.PreprocessingQueryId(2));
        Assert.True(q2.BeginMs >= q1.EndMs);
        // The setup (keys, OT bases) is paid once per key set: twice the messages of the single-key-set run.
        long SetupMessages(SecureRunResult r) => r.Report.Phases.Single(p => p.Phase == "setup").Messages;
        Assert.Equal(2 * SetupMessages(oneKeySet), SetupMessages(twoKeySets));
        Assert.Equal(0, twoKeySets.Report.FailureCount);
        // Each key set deals fresh weight shares (D10); A keeps its one F_A, whose served queries count on across key sets.
        Assert.Equal(2, twoKeySets.KeySets.Count);
        Assert.NotEqual(twoKeySets.KeySets[0].Garbler.Weights(2), twoKeySets.KeySets[1].Garbler.Weights(2));
        Assert.Same(twoKeySets.KeySets[0].Gateway, twoKeySets.KeySets[1].Gateway);
        Assert.Equal(3, twoKeySets.KeySets[0].Gateway.ServedQueries);
    }

    [Fact]
    public void A_budget_the_smudging_cannot_cover_is_a_positioned_scenario_error()
    {
        Scenario scenario = Load("{ preset: seco-8192, query_budget: 100000 }");
        var e = Assert.Throws<ScenarioValidationException>(() => SecureRun.Run(PreparedScenario.Prepare(scenario), null, ComputeTiming.ChargedOnly));
        string error = Assert.Single(e.Errors).ToString();
        Assert.Contains("crypto.query_budget", error, StringComparison.Ordinal);
        Assert.Contains("exceeds what the smudging can cover at these parameters (1024 queries per key set", error, StringComparison.Ordinal);
    }
}
