using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.Lattice.Parameters;
using Seco.Nn;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios.Running;

namespace Seco.Scenarios.Secure;

/// <summary>One query of a secure run: the user's decrypted logits beside the plaintext fixed-point reference's.</summary>
public sealed record SecureQueryOutcome(Query Query, long[]? Logits, long[] ReferenceLogits, string? FailureReason = null)
{
    public bool Completed => Logits is not null;

    public bool BitExact => Logits is not null && Logits.AsSpan().SequenceEqual(ReferenceLogits);

    public int? Prediction => Logits is null ? null : Nn.ArgMax.Of<long>(Logits);

    public int ReferencePrediction => Nn.ArgMax.Of<long>(ReferenceLogits);
}

/// <summary>The outcome of a secure run: the simulator (for traces), its report, every query's outcome, and one deployment per key set.</summary>
/// <param name="Interrupted">The run was cancelled (Ctrl-C) before every query ended: the rest is what had happened by then.</param>
public sealed record SecureRunResult(Simulator Simulator, SimulationReport Report, IReadOnlyList<SecureQueryOutcome> Queries, IReadOnlyList<ModelSplit> KeySets,
    bool Interrupted = false)
{
    /// <summary>The protocol parameters (the same for every key set).</summary>
    public SecoParameters Parameters => KeySets[0].Parameters;

    public bool AllBitExact => Queries.All(q => q.BitExact);

    /// <summary>When each query arrived, began, went online and ended, and the server query it ran as (issue 22).</summary>
    public QueryTimeline Timeline { get; init; } = new(0);

    /// <summary>The users' party names ("user", or "user-1" … "user-N" under a load).</summary>
    public IReadOnlyList<string> UserNames { get; init; } = [PartyName.User];

    /// <summary>Per query of the run, the user (0-based) that sent it.</summary>
    public IReadOnlyList<int> UserOfQuery { get; init; } = [];

    /// <summary>
    /// The actor session that carried query <paramref name="query"/>'s messages among the servers (its preparation and
    /// its online phase): the server query the gateway gave it, which is the query's own index for one user.
    /// </summary>
    public Actors.Messages.SessionId ServerSessionOf(int query) =>
        RoleActor.SessionOf(query < Timeline.ServerQuery.Length && Timeline.ServerQuery[query] >= 0 ? Timeline.ServerQuery[query] : query);

    /// <summary>The session of query <paramref name="query"/>'s messages between its user and the gateway.</summary>
    public Actors.Messages.SessionId UserSessionOf(int query) =>
        RoleActor.UserSessionOf(query < UserOfQuery.Count ? UserOfQuery[query] : 0, query < UserQueryOf.Count ? UserQueryOf[query] : query);

    /// <summary>Per query of the run, its number among its user's queries (of its key set, for one user that re-keys).</summary>
    public IReadOnlyList<int> UserQueryOf { get; init; } = [];
}

/// <summary>
/// Per query of a run, in virtual ns (−1 where it never happened): when its input arrived, when its user began its
/// preprocessing, when that preparation was done (the user's and the servers'), when it went online and when it ended; and the server query the gateway ran it as (issue 22).
/// </summary>
public sealed class QueryTimeline
{
    public QueryTimeline(int queries)
    {
        Arrival = Filled(queries);
        Preprocessing = Filled(queries);
        Prepared = Filled(queries);
        Online = Filled(queries);
        Finish = Filled(queries);
        ServerQuery = [.. Enumerable.Repeat(-1, queries)];
    }

    private static long[] Filled(int n) => [.. Enumerable.Repeat(-1L, n)];

    public long[] Arrival { get; }

    public long[] Preprocessing { get; }

    /// <summary>When its preparation was done at the user and the servers (it could go online once its input was in).</summary>
    public long[] Prepared { get; }

    public long[] Online { get; }

    public long[] Finish { get; }

    /// <summary>The run's server query (key-set offset included) that carried the query among the servers.</summary>
    public int[] ServerQuery { get; }
}

/// <summary>Progress of a secure run, reported from inside the simulation (virtual time in ns).</summary>
public abstract record SecureRunProgress(long AtNs);

public sealed record SetupFinished(long AtNs) : SecureRunProgress(AtNs);

public sealed record PreprocessingFinished(int Query, long AtNs) : SecureRunProgress(AtNs);

public sealed record QueryFinished(int Query, long AtNs, bool BitExact) : SecureRunProgress(AtNs);

/// <summary>The previous key set served its query budget: the parties ran a new setup (docs/noise.md).</summary>
public sealed record KeySetRenewed(int KeySet, long AtNs) : SecureRunProgress(AtNs);

/// <summary>The query failed (a protocol violation somewhere aborted it); the user went on with the next one.</summary>
public sealed record QueryAbandoned(int Query, long AtNs, string Reason) : SecureRunProgress(AtNs);

/// <summary>
/// Runs the SECO protocol for an inference scenario in the network simulator (docs/seco-run.md): the model
/// owner splits the model at l (<see cref="ModelSplit"/>), the user, gateway A, garbler B and evaluator C run as
/// actors on their own simulated machines, and every query's prediction is compared with the plaintext reference.
/// Keys and OT base setups are made once; every query's masks, circuits and labels are fresh (D11), so the
/// report separates setup, per-query preprocessing (offline) and online.
/// </summary>
public static class SecureRun
{
    /// <summary>The query marks: "q{i}-prep" spans the user's preprocessing, "q{i}" the online phase.</summary>
    public static string OnlineQueryId(int query) => $"q{query}";

    public static string PreprocessingQueryId(int query) => $"q{query}-prep";

    /// <param name="cancel">Stops the simulation at its next event (Ctrl-C); the result holds what had finished.</param>
    public static SecureRunResult Run(PreparedScenario prepared, Action<SecureRunProgress>? progress = null, ComputeTiming timing = ComputeTiming.Measured,
        CancellationToken cancel = default) =>
        Run(prepared, progress, timing, role => role, cancel);

    /// <param name="host">Wraps each role before it is hosted (a <see cref="MessageTally"/>; tests: a party that misbehaves).</param>
    public static SecureRunResult Run(PreparedScenario prepared, Action<SecureRunProgress>? progress, ComputeTiming timing, Func<ISecoRole, ISecoRole> host,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        Scenario scenario = prepared.Scenario;
        BfvContext context = ContextFor(scenario);
        Hierarchy h = scenario.Hierarchy;
        ScenarioRequirements.EnsureSupported(scenario);

        FixedPointModel model = prepared.FixedModel;
        ModelSplit split = Deploy(scenario, model, context);
        ulong[][] inputs = prepared.Queries.Select(q => q.Input.Select(v => PrimeField.FromSigned(model.Format.Encode(v))).ToArray()).ToArray();
        long[][] reference = prepared.Queries.Select(q => FixedPointReference.Forward(model, q.Input).Logits).ToArray();
        var logits = new long[]?[inputs.Length];
        var failures = new string?[inputs.Length];
        var timeline = new QueryTimeline(inputs.Length);
        var openMarks = new HashSet<string>();
        int budget = split.Parameters.Budget.Queries;
        LoadSpec load = scenario.Load;
        EnsureLoadFits(scenario, split.Parameters.Budget);

        // The ReLU circuits are public and fixed per model and split: build them before the run (a one-time cost, like
        // compiling the model), so whichever party touches one first is not charged for it.
        foreach (BlockShape b in split.Parameters.Blocks.Where(b => b.HasRelu))
            _ = b.Index <= scenario.Split ? ReluLayers.Gateway(b.Shift, b.Rows) : ReluLayers.Remote(b.Shift, b.Rows, split.Parameters.TierOf(b.Index).Servers);

        Simulator sim = SimulationBuilder.Build(scenario, SecoMessageCodecs.Registry(), timing);
        var actors = new List<(string Party, ActorRef Actor)>();
        var keySets = new List<ModelSplit>();
        IReadOnlyList<string> userNames = PartyName.Users(load.Users);
        // Query i of the run goes to user i mod N (round robin); user u's j-th query is the run's queriesOf[u][j].
        int[][] queriesOf = [.. Enumerable.Range(0, load.Users).Select(u => Enumerable.Range(0, inputs.Length).Where(i => load.UserOf(i) == u).ToArray())];
        double[]? openArrivals = load.Arrivals == ArrivalProcess.Open ? load.OpenArrivalsMs(inputs.Length) : null;

        // One key set serves `budget` queries (docs/noise.md): key set k runs queries k·budget … as its own queries
        // 0, 1, …, and when its last one is over the parties re-key — a new setup with new actors, fresh keys and fresh
        // weight shares (D10). A keeps its one F_A (and the count of queries it has served, its lifetime budget).
        void StartKeySet(int keySet)
        {
            int first = keySet * budget, count = Math.Min(budget, inputs.Length - first);
            ModelSplit deal = keySet == 0 ? split : Deploy(scenario, model, context) with { Gateway = split.Gateway };
            keySets.Add(deal);
            var peers = new Dictionary<Party, ActorRef>();
            int finishedInKeySet = 0;

            // The run's index of user u's query j (one user: the key set's queries in order).
            int RunQuery(int u, int j) => load.IsMultiUser ? queriesOf[u][j] : first + j;

            void OnEvent(int u, ActorContext ctx, ProtocolEvent e)
            {
                switch (e)
                {
                    case UserWelcomed:
                        if (load.IsMultiUser)
                            ScheduleArrivals(u, ctx);
                        break;
                    case QueryAssigned a:
                        timeline.ServerQuery[RunQuery(a.User.Index, a.UserQuery)] = first + a.ServerQuery;
                        break;
                    case PreprocessingStarted s:
                        {
                            int q = RunQuery(u, s.Query);
                            if (q == first && !load.IsMultiUser || load.IsMultiUser && q == 0)
                                progress?.Invoke(keySet == 0 ? new SetupFinished(ctx.NowNs) : new KeySetRenewed(keySet, ctx.NowNs));
                            timeline.Preprocessing[q] = ctx.NowNs;
                            if (!load.IsMultiUser) timeline.Arrival[q] = ctx.NowNs; // one user, back to back: a query arrives as it begins
                            Begin(ctx, PreprocessingQueryId(q));
                            break;
                        }
                    case QueryPrepared p:
                        timeline.Prepared[RunQuery(u, p.Query)] = ctx.NowNs;
                        break;
                    case OnlineStarted s:
                        {
                            int q = RunQuery(u, s.Query);
                            timeline.Online[q] = ctx.NowNs;
                            End(ctx, PreprocessingQueryId(q));
                            progress?.Invoke(new PreprocessingFinished(q, ctx.NowNs));
                            Begin(ctx, OnlineQueryId(q));
                            break;
                        }
                    case QueryFailed f:
                        {
                            int q = RunQuery(u, f.Query);
                            End(ctx, PreprocessingQueryId(q));
                            End(ctx, OnlineQueryId(q));
                            failures[q] = f.Reason;
                            timeline.Finish[q] = ctx.NowNs;
                            progress?.Invoke(new QueryAbandoned(q, ctx.NowNs, f.Reason));
                            AfterQuery(u, f.Query, ctx);
                            break;
                        }
                    case PredictionReady r:
                        {
                            int q = RunQuery(u, r.Query);
                            End(ctx, OnlineQueryId(q));
                            logits[q] = r.Logits.Select(PrimeField.ToSigned).ToArray();
                            timeline.Finish[q] = ctx.NowNs;
                            progress?.Invoke(new QueryFinished(q, ctx.NowNs, logits[q]!.AsSpan().SequenceEqual(reference[q])));
                            AfterQuery(u, r.Query, ctx);
                            break;
                        }
                }
            }

            void AfterQuery(int u, int j, ActorContext ctx)
            {
                // Closed loop: the user's next query arrives a think time after this one is over.
                if (load.IsMultiUser && load.Arrivals == ArrivalProcess.Closed && j + 1 < queriesOf[u].Length)
                    Arrive(u, j + 1, TimeSpan.FromMilliseconds(load.ThinkMs), ctx);
                if (++finishedInKeySet == count && first + count < inputs.Length)
                    StartKeySet(keySet + 1);
            }

            // The user's own actor schedules its arrivals (the simulator's timers are per actor): a closed loop's first
            // query at once, an open loop's every query at its Poisson time from the moment the user is welcomed (A
            // welcomes every user in one step once the server session is ready).
            void ScheduleArrivals(int u, ActorContext ctx)
            {
                if (openArrivals is null)
                    Arrive(u, 0, TimeSpan.Zero, ctx);
                else
                    for (int j = 0; j < queriesOf[u].Length; j++)
                        Arrive(u, j, TimeSpan.FromMilliseconds(openArrivals[queriesOf[u][j]]), ctx);
            }

            void Arrive(int u, int j, TimeSpan after, ActorContext ctx)
            {
                int q = queriesOf[u][j];
                timeline.Arrival[q] = ctx.NowNs + (long)after.TotalNanoseconds;
                ctx.ScheduleOnce(after, new UserArrival(j, inputs[q]));
            }

            // The spent key set's actors stop; the remote servers first, then A (which starts the key generation), then the users.
            foreach ((string party, ActorRef actor) in actors)
                sim.Party(party).Stop(actor.Address);
            actors.Clear();
            string name = keySet == 0 ? "seco" : $"seco-k{keySet}";
            for (int t = 0; t < deal.Parameters.Depth; t++) // l = L: no remote tier takes part
            {
                IReadOnlyList<string> servers = h.Tiers[t].ProtocolOrder;
                for (int j = 0; j < servers.Count; j++)
                {
                    Party server = Party.Server(t + 1, j);
                    Spawn(servers[j], server, host(RemoteServerRole.For(deal.Parameters, deal.Share(server), server)), null);
                }
            }
            Spawn(h.Gateway, Party.Gateway, host(new GatewayRole(deal.Parameters, deal.Gateway)), null);
            if (!load.IsMultiUser)
                Spawn(PartyName.User, Party.User, host(new UserRole(deal.Parameters.ForUser(), inputs[first..(first + count)])), 0);
            else
                for (int u = 0; u < load.Users; u++)
                    Spawn(userNames[u], Party.UserOf(u), host(new UserRole(deal.Parameters.ForUser(), queriesOf[u].Length,
                        load.Preprocess == UserPreprocessingTime.Ahead, load.Schedule == QuerySchedule.Pipelined, load.Pool)), u);

            void Spawn(string party, Party role, ISecoRole hosted, int? user)
            {
                int u = user ?? 0;
                int cores = scenario.SettingsOf(user is null ? party : PartyName.User).Cores; // every user has the user's settings
                peers[role] = sim.Party(party).Spawn(Props.Create(() => new RoleActor(hosted, peers, (ctx, e) => OnEvent(u, ctx, e), first, count, user, cores)).WithPhase("setup"), name);
                actors.Add((party, peers[role]));
            }
        }

        void Begin(ActorContext ctx, string mark)
        {
            if (openMarks.Add(mark)) ctx.BeginQuery(mark);
        }

        void End(ActorContext ctx, string mark)
        {
            if (openMarks.Remove(mark)) ctx.EndQuery(mark);
        }

        StartKeySet(0);
        bool interrupted = sim.RunUntil(() => cancel.IsCancellationRequested);

        var outcomes = prepared.Queries.Select((q, i) => new SecureQueryOutcome(q, logits[i], reference[i], failures[i])).ToArray();
        return new SecureRunResult(sim, sim.Report(), outcomes, keySets, interrupted && outcomes.Any(o => !o.Completed && o.FailureReason is null))
        {
            Timeline = timeline,
            UserNames = userNames,
            UserOfQuery = [.. Enumerable.Range(0, inputs.Length).Select(i => load.IsMultiUser ? load.UserOf(i) : 0)],
            UserQueryOf = [.. Enumerable.Range(0, inputs.Length).Select(i => load.IsMultiUser ? Array.IndexOf(queriesOf[load.UserOf(i)], i) : i % budget)],
        };
    }

    /// <summary>
    /// Many users share one server session, whose key set serves <see cref="NoiseBudget.Queries"/> queries across all of
    /// them (docs/noise.md); re-keying under load (every user's queries drained first) is not built, so a load must fit
    /// one key set — the scenario's error at <c>queries.count</c> otherwise.
    /// </summary>
    public static void EnsureLoadFits(Scenario scenario, NoiseBudget budget)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(budget);
        if (scenario.Load.IsMultiUser && scenario.Queries.Count > budget.Queries)
            throw new ScenarioValidationException([scenario.Source.ErrorAt("queries.count",
                $"{scenario.Queries.Count} queries under a load exceed the key set's budget of {budget.Queries} queries (docs/noise.md): a run with a 'load' does not re-key yet; lower queries.count")]);
    }

    /// <summary>The model owner's split of the scenario's model, with the scenario's query budget per key set.</summary>
    public static ModelSplit Deploy(Scenario scenario, FixedPointModel model, BfvContext context) =>
        AtQueryBudget(scenario, () => ModelSplit.Create(model, scenario.Split, context, scenario.QueryBudget, TiersOf(scenario, model), scenario.Forms, FbcProtocolOf(scenario)));

    /// <summary>The budgets a deployment would have (no weights dealt): what `seco validate` and `seco run` check first.</summary>
    public static NoiseBudget Budget(Scenario scenario, FixedPointModel model, BfvContext context) =>
        AtQueryBudget(scenario, () => ModelSplit.ParametersOf(model, scenario.Split, context, scenario.QueryBudget, TiersOf(scenario, model), scenario.Forms, FbcProtocolOf(scenario))).Budget;

    /// <summary>Who evaluates F_BC's circuits: the tier's evaluator (SECO; DELPHI has no F_BC), or the gateway (DELPHI-3).</summary>
    public static FbcProtocol FbcProtocolOf(Scenario scenario) =>
        scenario.Protocol == InferenceProtocol.Delphi3 ? FbcProtocol.Delphi3 : FbcProtocol.Seco;

    /// <summary>
    /// The scenario's remote tiers as the protocol lays them out: each tier's width and its consecutive F_BC blocks
    /// (<c>blocks:</c>, or an even share); none when the split leaves F_BC empty. A hierarchy the model cannot fill is
    /// the scenario's error at <c>hierarchy.tiers</c>.
    /// </summary>
    public static IReadOnlyList<TierSpec>? TiersOf(Scenario scenario, FixedPointModel model)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(model);
        try
        {
            return TierSpec.Lay([.. scenario.Hierarchy.Tiers.Select(t => (t.Servers.Count, t.Blocks))], scenario.Split, model.Blocks.Count);
        }
        catch (ArgumentException e)
        {
            throw new ScenarioValidationException([scenario.Source.ErrorAt("hierarchy.tiers", e.Message)]);
        }
    }

    /// <summary>A query budget the smudging cannot cover is the scenario's error, at <c>crypto.query_budget</c>.</summary>
    private static T AtQueryBudget<T>(Scenario scenario, Func<T> make)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            return make();
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == "limit")
        {
            throw new ScenarioValidationException([scenario.Source.ErrorAt("crypto.query_budget", e.Message.Split(" (Parameter")[0])]);
        }
        catch (ModelFormatException e)
        {
            throw new ScenarioValidationException([scenario.Source.ErrorAt("model", e.Message)]);
        }
    }

    /// <summary>The BFV context of the scenario's crypto preset; only seco-8192 carries the protocol (see docs/protocol-decisions.md, D4).</summary>
    public static BfvContext ContextFor(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (scenario.Crypto != CryptoPreset.Seco8192)
            throw new ScenarioValidationException([scenario.Source.ErrorAt("crypto",
                $"the secure protocol needs crypto preset '{CryptoPreset.Seco8192.Name}': with '{scenario.Crypto.Name}' the smudged collective decryption does not fit the noise budget (docs/noise.md)")]);
        return Contexts.Value;
    }

    private static readonly Lazy<BfvContext> Contexts = new(() => BfvContext.Create(BfvPresets.Seco8192()));

}
