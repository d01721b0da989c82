using Seco.Protocol.Roles;

namespace Seco.Scenarios;

/// <summary>
/// What the secure protocol can run, checked against a scenario that is valid in itself (the file format describes
/// general hierarchies). The protocol runs any number of remote tiers up to <see cref="Party.MaxTiers"/>, each of 2 to
/// <see cref="Party.MaxServersPerTier"/> servers (docs/hierarchy.md); whether the model has enough blocks for the
/// tiers is checked with the model (<see cref="Secure.SecureRun.TiersOf"/>).
/// </summary>
public static class ScenarioRequirements
{
    /// <summary>The problems that keep the secure protocol from running <paramref name="scenario"/>; empty if none. The echo workload runs on any valid hierarchy.</summary>
    public static IReadOnlyList<ScenarioError> CheckSupported(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var errors = new List<ScenarioError>();
        if (scenario.Workload is not InferenceWorkload)
            return errors;
        IReadOnlyList<Tier> tiers = scenario.Hierarchy.Tiers;
        if (tiers.Count > Party.MaxTiers)
            errors.Add(scenario.Source.ErrorAt("hierarchy.tiers", $"the secure protocol runs at most {Party.MaxTiers} remote tiers; this scenario has {tiers.Count}"));
        for (int i = 0; i < tiers.Count; i++)
        {
            if (tiers[i].Servers.Count > Party.MaxServersPerTier)
                errors.Add(scenario.Source.ErrorAt($"hierarchy.tiers[{i}].servers",
                    $"the secure protocol runs at most {Party.MaxServersPerTier} servers per tier; tier '{tiers[i].Name}' has {tiers[i].Servers.Count}"));
        }
        // DELPHI-3 is the paper's four-party baseline: one remote tier of two servers, B garbling, A evaluating, C giving inputs.
        if (scenario.Protocol == InferenceProtocol.Delphi3 && (tiers.Count != 1 || tiers[0].Servers.Count != 2))
            errors.Add(scenario.Source.ErrorAt("hierarchy.tiers",
                $"protocol delphi-3 runs one remote tier of two servers (B garbles, the gateway evaluates, C gives its inputs; paper App. C); this scenario has {(tiers.Count == 1 ? $"one tier of {tiers[0].Servers.Count}" : $"{tiers.Count} tiers")}"));
        int given = tiers.Count(t => t.Blocks is not null);
        if (given > 0 && given < tiers.Count)
            errors.Add(scenario.Source.ErrorAt("hierarchy.tiers",
                $"either every tier says how many blocks it holds ('blocks:') or none does (an even share); {given} of {tiers.Count} do"));
        return errors;
    }

    /// <exception cref="ScenarioValidationException">The scenario needs more than the protocol offers.</exception>
    public static void EnsureSupported(Scenario scenario)
    {
        IReadOnlyList<ScenarioError> errors = CheckSupported(scenario);
        if (errors.Count > 0)
            throw new ScenarioValidationException(errors);
    }
}
