using Seco.Cluster.Configuration;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Security;
using Seco.Lattice.Parameters;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Secure;

namespace Seco.Cluster.Local;

/// <summary>Options of a one-machine cluster run.</summary>
public sealed record LoopbackOptions
{
    /// <summary>Mutual TLS among the servers (the door always uses it). Off only for transport measurements.</summary>
    public bool ServerTls { get; init; } = true;

    public FailureSettings Failure { get; init; } = FailureSettings.Default;

    /// <summary>The gateway's limit on users in session at once (the door's <c>max_users</c>).</summary>
    public int MaxUsers { get; init; } = Configuration.DoorConfig.DefaultMaxUsers;

    /// <summary>How long the servers may take to form the cluster.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Node log lines (joins, suspicions, failures, runs).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The user's protocol events as they happen (for a progress display).</summary>
    public Action<ProtocolEvent>? Progress { get; init; }
}

/// <summary>What a one-machine cluster run produced: the user's session, each server's costs, and the plaintext reference.</summary>
public sealed record LoopbackResult(UserSessionResult User, IReadOnlyList<PartyCosts> Servers, ModelSplit Split, long[][] Reference,
    double JoinSeconds, double SessionSeconds)
{
    public bool AllBitExact => User.Queries.All(q => q.Logits is not null && q.Logits.Select(PrimeField.ToSigned).SequenceEqual(Reference[q.Query]));
}

/// <summary>
/// `seco run --runtime cluster`: the scenario's servers (every tier's) as Akka ActorSystems in this process, joined over
/// loopback with mutual TLS and a throw-away development CA, and the user as a door client — the real transport, the
/// real certificates checks, wall-clock costs (docs/cluster.md, "One machine").
/// </summary>
public static class LoopbackCluster
{
    public static async Task<LoopbackResult> RunAsync(PreparedScenario prepared, LoopbackOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        options ??= new LoopbackOptions();
        Scenario scenario = prepared.Scenario;
        BfvContext context = SecureRun.ContextFor(scenario);
        Hierarchy h = scenario.Hierarchy;
        FixedPointModel model = prepared.FixedModel;
        ModelSplit split = SecureRun.Deploy(scenario, model, context);
        if (prepared.Queries.Count > split.Parameters.Budget.Queries)
            throw new ScenarioValidationException([scenario.Source.ErrorAt("queries.count",
                $"a cluster session serves one key set: at most {split.Parameters.Budget.Queries} queries (docs/noise.md); this scenario asks {prepared.Queries.Count}")]);
        ulong[][] inputs = InputsOf(prepared);
        long[][] reference = prepared.Queries.Select(q => FixedPointReference.Forward(model, q.Input).Logits).ToArray();

        var clock = Stopwatch.StartNew();
        await using LoopbackDeployment deployment = await LoopbackDeployment.StartAsync(split, ServerNames(h), options, cancel).ConfigureAwait(false);
        double joined = clock.Elapsed.TotalSeconds;
        UserSessionResult session = await deployment.RunUserAsync(inputs, options.Progress, cancel).ConfigureAwait(false);
        double sessionSeconds = clock.Elapsed.TotalSeconds - joined;
        // The gateway ends the run when the user leaves; give the servers a moment to book the last messages.
        await Task.Delay(200, cancel).ConfigureAwait(false);
        return new LoopbackResult(session, deployment.LastRunCosts(), split, reference, joined, sessionSeconds);
    }

    /// <summary>The scenario's queries as the user encodes them: fixed point in the model's format, residues mod p.</summary>
    public static ulong[][] InputsOf(PreparedScenario prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        FixedPointModel model = prepared.FixedModel;
        return [.. prepared.Queries.Select(q => q.Input.Select(v => PrimeField.FromSigned(model.Format.Encode(v))).ToArray())];
    }

    /// <summary>
    /// Every server of the scenario's hierarchy by position: the gateway, and server j of tier t in protocol order (the
    /// tier's garbler, evaluator, then its providers). With l = L the servers are still there, idle.
    /// </summary>
    public static IReadOnlyDictionary<Party, string> ServerNames(Hierarchy hierarchy)
    {
        ArgumentNullException.ThrowIfNull(hierarchy);
        var names = new Dictionary<Party, string> { [Party.Gateway] = hierarchy.Gateway };
        for (int t = 0; t < hierarchy.Tiers.Count; t++)
            for (int j = 0; j < hierarchy.Tiers[t].ProtocolOrder.Count; j++)
                names[Party.Server(t + 1, j)] = hierarchy.Tiers[t].ProtocolOrder[j];
        return names;
    }

    /// <summary>Ports the OS has free now (bound to port 0 and released; a tiny race a test can live with).</summary>
    internal static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        foreach (TcpListener l in listeners) l.Start();
        int[] ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (TcpListener l in listeners) l.Stop();
        return ports;
    }
}
