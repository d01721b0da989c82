namespace Seco.Scenarios;

/// <summary>
/// What a protocol version can run, checked against a scenario that is valid in itself. The file
/// format describes general hierarchies so that later protocol versions need no format change.
/// </summary>
public static class ScenarioRequirements
{
    public const string V1HierarchyRule = "v1 supports exactly one tier of two servers";

    /// <summary>
    /// The problems that keep the SECO v1 protocol from running <paramref name="scenario"/>; empty
    /// if none. The hierarchy rule (<see cref="V1HierarchyRule"/>) concerns the secure inference
    /// protocol only: the echo workload runs on any valid hierarchy.
    /// </summary>
    public static IReadOnlyList<ScenarioError> CheckSupportedByV1(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var errors = new List<ScenarioError>();
        if (scenario.Workload is not InferenceWorkload)
            return errors;
        IReadOnlyList<Tier> tiers = scenario.Hierarchy.Tiers;
        if (tiers.Count != 1)
            errors.Add(scenario.Source.ErrorAt("hierarchy.tiers", $"{V1HierarchyRule}; this scenario has {tiers.Count} tiers"));
        for (int i = 0; i < tiers.Count; i++)
        {
            if (tiers[i].Servers.Count != 2)
                errors.Add(scenario.Source.ErrorAt($"hierarchy.tiers[{i}].servers",
                    $"{V1HierarchyRule}; tier '{tiers[i].Name}' has {tiers[i].Servers.Count} servers"));
        }
        return errors;
    }

    /// <exception cref="ScenarioValidationException">The scenario needs more than v1 offers.</exception>
    public static void EnsureSupportedByV1(Scenario scenario)
    {
        IReadOnlyList<ScenarioError> errors = CheckSupportedByV1(scenario);
        if (errors.Count > 0)
            throw new ScenarioValidationException(errors);
    }
}
