using Seco.Actors.Runtime;
using Seco.Scenarios.Secure;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// Issue 18: the shipped 10-block deep MLP runs through the secure protocol on today's single remote tier
/// (scenarios/deepmlp-split-1.yaml: block 1 on the gateway, blocks 2–10 shared by B and C), every query bit-exact.
/// </summary>
public class DeepMlpSecureRunTests
{
    [Fact]
    public void The_shipped_deep_mlp_scenario_runs_bit_exact()
    {
        Scenario scenario = ScenarioLoader.LoadFile(Path.Combine(TestHost.Root, "scenarios", "deepmlp-split-1.yaml"));
        PreparedScenario prepared = PreparedScenario.Prepare(scenario);
        Assert.Equal(10, prepared.Model.Blocks.Count);
        Assert.Equal(1, scenario.Split);

        SecureRunResult result = SecureRun.Run(prepared, null, ComputeTiming.ChargedOnly);

        Assert.Equal(2, result.Queries.Count);
        Assert.All(result.Queries, q => Assert.True(q.BitExact, $"query {q.Query.Index}: {q.FailureReason ?? "logits differ from the reference"}"));
        Assert.True(result.AllBitExact);
        Assert.Equal(0, result.Report.FailureCount);
    }
}
