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

    /// <summary>Threads for each server's data-parallel kernels (a node file's <c>cores</c>), by server name; 1 for a server not named.</summary>
    public IReadOnlyDictionary<string, int> Cores { get; init; } = new Dictionary<string, int>();

    /// <summary>How long the servers may take to form the cluster.</summary>
    public TimeSpan JoinTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Node log lines (joins, suspicions, failures, runs).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>The user's protocol events as they happen (for a progress display).</summary>
    public Action<ProtocolEvent>? Progress { get; init; }
}

/// <summary>
/// What a one-machine cluster run produced: each user's session (one, or the load's users: user u ran the scenario's
/// queries <see cref="QueriesOf"/>[u]), each server's costs, and the plaintext reference of every query.
/// </summary>
public sealed record LoopbackResult(IReadOnlyList<UserSessionResult> Users, IReadOnlyList<int[]> QueriesOf, IReadOnlyList<PartyCosts> Servers, ModelSplit Split,
    long[][] Reference, double JoinSeconds, double SessionSeconds)
{
    /// <summary>The first user's session: the only one unless the scenario has a load of several users.</summary>
    public UserSessionResult User => Users[0];

    /// <summary>The scenario's query <paramref name="query"/> as its user ran it (its user's own numbering inside).</summary>
    public UserQueryResult QueryResult(int query)
    {
        for (int u = 0; u < QueriesOf.Count; u++)
            if (Array.IndexOf(QueriesOf[u], query) is var j and >= 0) return Users[u].Queries[j];
        throw new ArgumentOutOfRangeException(nameof(query), query, "not a query of the run");
    }

    public bool AllBitExact => Enumerable.Range(0, Reference.Length).All(i =>
        QueryResult(i).Logits is { } l && l.Select(PrimeField.ToSigned).SequenceEqual(Reference[i]));
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
        if (Unsupported(scenario.Load) is { } unsupported)
            throw new ScenarioValidationException([scenario.Source.ErrorAt("load", unsupported)]);
        ulong[][] inputs = InputsOf(prepared);
        long[][] reference = prepared.Queries.Select(q => FixedPointReference.Forward(model, q.Input).Logits).ToArray();
        // Query i goes to user i mod N, as in the simulator (LoadSpec.UserOf).
        int users = scenario.Load.Users;
        int[][] queriesOf = [.. Enumerable.Range(0, users).Select(u => Enumerable.Range(0, inputs.Length).Where(i => scenario.Load.UserOf(i) == u).ToArray())];

        var clock = Stopwatch.StartNew();
        // Each server's cores are the options' where they name it, else the scenario's (parties.<p>.cores), as a node
        // file would give them.
        var cores = ServerNames(h).Values.ToDictionary(n => n, n => options.Cores.TryGetValue(n, out int c) ? c : scenario.SettingsOf(n).Cores);
        await using LoopbackDeployment deployment = await LoopbackDeployment.StartAsync(split, ServerNames(h),
            options with { MaxUsers = Math.Max(options.MaxUsers, users), Cores = cores }, cancel).ConfigureAwait(false);
        double joined = clock.Elapsed.TotalSeconds;
        UserSessionResult[] sessions = users == 1
            ? [await deployment.RunUserAsync(inputs, options.Progress, cancel).ConfigureAwait(false)]
            : await deployment.RunUsersAsync([.. queriesOf.Select(qs => qs.Select(i => inputs[i]).ToArray())], cancel).ConfigureAwait(false);
        double sessionSeconds = clock.Elapsed.TotalSeconds - joined;
        // The gateway ends the run when the last user leaves; give the servers a moment to book the last messages.
        await Task.Delay(200, cancel).ConfigureAwait(false);
        return new LoopbackResult(sessions, queriesOf, deployment.LastRunCosts(), split, reference, joined, sessionSeconds);
    }

    /// <summary>
    /// Why the cluster runtime cannot run <paramref name="load"/>, or null: it runs N users at once, each sending its
    /// queries one after another (a closed loop without think time); timed arrivals, preprocessing ahead, pipelining
    /// and pools are the simulator's (their user side is not in the door client yet).
    /// </summary>
    public static string? Unsupported(LoadSpec load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var missing = new List<string>();
        if (load.Arrivals == ArrivalProcess.Open) missing.Add("open arrivals");
        if (load.ThinkMs > 0) missing.Add("think time");
        if (load.Preprocess == UserPreprocessingTime.Ahead) missing.Add("preprocess: ahead");
        if (load.Schedule == QuerySchedule.Pipelined) missing.Add("schedule: pipelined");
        if (load.Pool > 0) missing.Add("pools");
        return missing.Count == 0 ? null
            : $"--runtime cluster runs users: N as a closed loop without think time (each user's queries one after another); {string.Join(", ", missing)} run in the simulator only";
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
