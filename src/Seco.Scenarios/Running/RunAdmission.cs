using Seco.Protocol.Model;
using Seco.Scenarios.Secure;

namespace Seco.Scenarios.Running;

/// <summary>A scenario `seco run` will run: for inference, with its files read and the protocol's query budgets.</summary>
/// <param name="Prepared">The model and query inputs (null for the echo workload).</param>
/// <param name="Budget">Queries per key set and F_A's lifetime budget at the scenario's parameters (null for echo).</param>
public sealed record AdmittedRun(Scenario Scenario, PreparedScenario? Prepared, NoiseBudget? Budget);

/// <summary>
/// Everything `seco run` checks before it starts, in one place, so that `seco validate` accepts exactly what run
/// accepts and refuses exactly what run refuses: the file itself, what the v1 protocol can run (one tier of two
/// servers), the model and images it names, the crypto preset, and the query budget at the real parameters.
/// </summary>
public static class RunAdmission
{
    /// <exception cref="ScenarioValidationException">Every reason the run would be refused, sorted by position.</exception>
    public static AdmittedRun Admit(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Workload is EchoWorkload)
            return new AdmittedRun(scenario, null, null);

        var errors = new List<ScenarioError>(ScenarioRequirements.CheckSupported(scenario));
        PreparedScenario? prepared = Collect(errors, () => PreparedScenario.Prepare(scenario));
        Collect(errors, () => SecureRun.ContextFor(scenario));
        if (errors.Count > 0 || prepared is null)
        {
            // Capped like the loader's errors: one per tier, say, must not flood the terminal.
            int keep = ScenarioLimits.Default.MaxErrors;
            throw new ScenarioValidationException([.. errors.OrderBy(e => e.Line).ThenBy(e => e.Column).Take(keep)], Math.Max(0, errors.Count - keep));
        }
        // The prepared scenario: a DELPHI scenario's split is now the model's block count.
        NoiseBudget budget = SecureRun.Budget(prepared.Scenario, prepared.FixedModel, SecureRun.ContextFor(scenario));
        SecureRun.EnsureLoadFits(prepared.Scenario, budget);
        return new AdmittedRun(prepared.Scenario, prepared, budget);
    }

    private static T? Collect<T>(List<ScenarioError> errors, Func<T> check) where T : class
    {
        try
        {
            return check();
        }
        catch (ScenarioValidationException e)
        {
            errors.AddRange(e.Errors);
            return null;
        }
    }
}
