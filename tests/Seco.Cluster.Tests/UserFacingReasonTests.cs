using System.Text.RegularExpressions;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Lattice.Parameters;
using Seco.Nn.Field;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Secure;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Cluster.Tests;

/// <summary>
/// The user learns neither the depth nor the widths of the hierarchy behind A (docs/hierarchy.md, "Decisions"): when a
/// server deep in the hierarchy goes away mid-session, everything the user is told — the door's closing reason and
/// every query's failure — says that the session failed among the servers, and names no server, tier or duty. The
/// gateway's log names the server (the operator needs it).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class UserFacingReasonTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_tier_2_server_that_leaves_fails_the_session_without_the_user_learning_which()
    {
        PreparedScenario prepared = ClusterScenarios.TwoTierMlp();
        Scenario s = prepared.Scenario;
        ModelSplit split = ClusterScenarios.Deal(prepared);
        ulong[][] inputs = LoopbackCluster.InputsOf(prepared);
        var log = new List<string>();
        IReadOnlyDictionary<Party, string> names = LoopbackCluster.ServerNames(s.Hierarchy);
        await using LoopbackDeployment cluster = await LoopbackDeployment.StartAsync(split, names, new LoopbackOptions { Log = l => { lock (log) log.Add(l); } });
        NodeHost victim = cluster.Hosts.Single(h => h.Settings.Self.Role == Party.Server(2, 1));
        bool left = false;

        UserSessionResult result = await cluster.RunUserAsync(inputs, e =>
        {
            // The tier-2 evaluator leaves once the session is set up and the first query begins; the user waits (this
            // callback blocks it) until the gateway has seen F go, so the session cannot finish first.
            if (e is not PreprocessingStarted { Query: 0 } || left) return;
            left = true;
            Assert.True(victim.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(60)), "F did not stop");
            Assert.True(SpinWait.SpinUntil(() => { lock (log) return log.Any(l => l.StartsWith("[gateway A] down: tier 2 evaluator F", StringComparison.Ordinal)); },
                TimeSpan.FromSeconds(60)), "the gateway never saw F go");
        });
        lock (log) foreach (string line in log) output.WriteLine(line);
        Assert.True(left, "the first query never began");

        string[] told = [.. result.Queries.Select(q => q.Failure).Append(result.SessionFailure).OfType<string>()];
        foreach (string reason in told) output.WriteLine($"the user was told: {reason}");
        Assert.NotEmpty(told);
        Assert.True(result.Queries.Any(q => q.Logits is null), "no query failed, though a server left mid-session");
        foreach (string reason in told)
        {
            Assert.Matches("failed among the (remote )?servers", reason);
            Assert.DoesNotMatch(Leaky(), reason);
            foreach (string name in names.Values)
                Assert.DoesNotMatch($@"\b{Regex.Escape(name)}\b", reason);
        }
        lock (log) Assert.Contains(log, l => l.Contains("tier 2 evaluator F", StringComparison.Ordinal));
    }

    /// <summary>Words that would tell the user about the servers behind A.</summary>
    [GeneratedRegex(@"tier|garbler|evaluator|provider|t\ds\d", RegexOptions.IgnoreCase)]
    private static partial Regex Leaky();
}
