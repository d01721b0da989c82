using Seco.Actors.Messages;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;

namespace Seco.Scenarios.Running;

/// <summary>
/// Turns a scenario's hierarchy, network, party settings and failures into a <see cref="Simulator"/>: one
/// party per hierarchy member (user first), every pair's link as the scenario resolves it, and the
/// injected failures scheduled. What runs on the parties is the workload's business.
/// </summary>
public static class SimulationBuilder
{
    public static Simulator Build(Scenario scenario, MessageRegistry registry, ComputeTiming timing = ComputeTiming.Measured)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(registry);
        LinkCharacteristics d = scenario.Network.Defaults;
        var sim = new Simulator(registry, new SimulationOptions
        {
            SystemName = SystemName(scenario.Name),
            ComputeTiming = timing,
            DefaultLink = new LinkModel(d.LatencyMs, d.BandwidthMbps),
        });
        // With several users (load.users) each is a machine of its own with the user's settings and links; users
        // never talk to each other.
        IReadOnlyList<string> users = PartyName.Users(scenario.Load.Users);
        IReadOnlyList<string> parties = [.. users, .. scenario.Hierarchy.Parties.Where(p => p != PartyName.User)];
        string Modelled(string party) => users.Contains(party) ? PartyName.User : party;
        foreach (string party in parties)
        {
            PartySettings s = scenario.SettingsOf(Modelled(party));
            sim.AddParty(party, new PartyModel(s.CpuSlowdown, s.NicMbps));
        }
        for (int i = 0; i < parties.Count; i++)
        {
            for (int j = i + 1; j < parties.Count; j++)
            {
                if (users.Contains(parties[i]) && users.Contains(parties[j])) continue;
                LinkCharacteristics l = scenario.LinkBetween(Modelled(parties[i]), Modelled(parties[j]));
                sim.SetLink(parties[i], parties[j], new LinkModel(l.LatencyMs, l.BandwidthMbps));
            }
        }
        foreach (FailureSpec f in scenario.Failures)
        {
            switch (f)
            {
                case StopParty stop: sim.StopPartyAt(stop.Party, stop.At); break;
                case DropLink drop: sim.DropLinkAt(drop.First, drop.Second, drop.At); break;
                default: throw new NotSupportedException($"failure kind {f.GetType().Name}");
            }
        }
        return sim;
    }

    /// <summary>The scenario's name as an actor-system name (letters, digits, '-', '_'; starting with a letter).</summary>
    internal static string SystemName(string scenarioName)
    {
        string s = new(scenarioName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').Take(64).ToArray());
        return s.Length > 0 && char.IsAsciiLetter(s[0]) ? s : "s" + s[..Math.Min(s.Length, 63)];
    }
}
