using Seco.Actors.Runtime;
using Seco.Scenarios.Secure;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// Issue 20, first slice: residual models import and run in the plaintext references, but the secure roles do not
/// carry shortcuts yet, so a secure run of one is the scenario's error at <c>model</c> — never a run that drops them.
/// </summary>
public class ResidualRefusalTests
{
    [Fact]
    public void A_secure_run_of_a_residual_model_is_refused_naming_the_block()
    {
        Scenario s = ScenarioLoader.Load("""
            version: 1
            name: residual
            model: ../tests/data/residual/three-blocks.onnx
            split: 1
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            network: { profile: lan }
            queries: { count: 1, input: { random: true } }
            """, "scenarios/residual.yaml", Path.Combine(TestHost.Root, "scenarios"));
        var e = Assert.Throws<ScenarioValidationException>(() => SecureRun.Run(PreparedScenario.Prepare(s), timing: ComputeTiming.ChargedOnly));
        Assert.Contains("scenarios/residual.yaml", e.Message);
        Assert.Contains("model: three-blocks: block 3 adds a residual shortcut from block 2's input", e.Message);
        Assert.Contains("the secure protocol does not run residual models yet", e.Message);
    }
}
