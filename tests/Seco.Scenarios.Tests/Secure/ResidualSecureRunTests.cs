using Seco.Actors.Runtime;
using Seco.Scenarios.Secure;
using Seco.Tests.Shared;

namespace Seco.Scenarios.Tests.Secure;

/// <summary>
/// Issue 20: a scenario's secure run of a residual model — the torch-exported three-unit fixture (identity, option A,
/// option B shortcuts) — finishes every query bit-exact against the plaintext fixed-point reference, in both forms, with
/// a shortcut across the split (block 3 reads x_2 = x_l at l = 2).
/// </summary>
public class ResidualSecureRunTests
{
    [Theory]
    [InlineData("matrix")]
    [InlineData("planner")]
    public void A_residual_model_runs_bit_exact_in_a_scenario(string forms)
    {
        Scenario s = ScenarioLoader.Load($"""
            version: 1
            name: residual
            model: ../tests/data/residual/three-blocks.onnx
            split: 2
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            network: {"{"} profile: lan {"}"}
            queries: {"{"} count: 2, input: {"{"} random: true {"}"} {"}"}
            crypto: {"{"} forms: {forms} {"}"}
            """, "scenarios/residual.yaml", Path.Combine(TestHost.Root, "scenarios"));
        SecureRunResult run = SecureRun.Run(PreparedScenario.Prepare(s), timing: ComputeTiming.ChargedOnly);
        Assert.Equal(2, run.Queries.Count);
        Assert.True(run.AllBitExact);
    }

    [Fact]
    public void An_unknown_forms_value_is_the_scenarios_error_at_crypto_forms()
    {
        var e = Assert.Throws<ScenarioValidationException>(() => ScenarioLoader.Load("""
            version: 1
            name: residual
            model: ../tests/data/residual/three-blocks.onnx
            split: 0
            hierarchy:
              tiers:
                - name: remote
                  servers: [B, C]
            network: { profile: lan }
            queries: { count: 1, input: { random: true } }
            crypto: { forms: gazelle }
            """, "scenarios/residual.yaml", Path.Combine(TestHost.Root, "scenarios")));
        Assert.Contains("crypto.forms: unknown forms 'gazelle' (matrix or planner)", e.Message);
    }
}
