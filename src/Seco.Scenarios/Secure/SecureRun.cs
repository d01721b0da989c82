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

    /// <summary>The actor session that carried query <paramref name="query"/>'s messages (preprocessing and online).</summary>
    public static Actors.Messages.SessionId SessionOf(int query) => RoleActor.SessionOf(query);
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
        var openMarks = new HashSet<string>();
        int budget = split.Parameters.Budget.Queries;

        // The ReLU circuits are public and fixed per model and split: build them before the run (a one-time cost, like
        // compiling the model), so whichever party touches one first is not charged for it.
        foreach (BlockShape b in split.Parameters.Blocks.Where(b => b.HasRelu))
            _ = b.Index <= scenario.Split ? ReluLayers.Gateway(b.Shift, b.Rows) : ReluLayers.Remote(b.Shift, b.Rows, split.Parameters.TierOf(b.Index).Servers);

        Simulator sim = SimulationBuilder.Build(scenario, SecoMessageCodecs.Registry(), timing);
        var actors = new List<(string Party, ActorRef Actor)>();
        var keySets = new List<ModelSplit>();

        // One key set serves `budget` queries (docs/noise.md): key set k runs queries k·budget … as its own queries
        // 0, 1, …, and when its last one is over the parties re-key — a new setup with new actors, fresh keys and fresh
        // weight shares (D10). A keeps its one F_A (and the count of queries it has served, its lifetime budget).
        void StartKeySet(int keySet)
        {
            int first = keySet * budget, count = Math.Min(budget, inputs.Length - first);
            ModelSplit deal = keySet == 0 ? split : Deploy(scenario, model, context) with { Gateway = split.Gateway };
            keySets.Add(deal);
            var peers = new Dictionary<Party, ActorRef>();
            void OnEvent(ActorContext ctx, ProtocolEvent e)
            {
                switch (e)
                {
                    case PreprocessingStarted s:
                        if (s.Query == 0) progress?.Invoke(keySet == 0 ? new SetupFinished(ctx.NowNs) : new KeySetRenewed(keySet, ctx.NowNs));
                        Begin(ctx, PreprocessingQueryId(first + s.Query));
                        break;
                    case OnlineStarted s:
                        End(ctx, PreprocessingQueryId(first + s.Query));
                        progress?.Invoke(new PreprocessingFinished(first + s.Query, ctx.NowNs));
                        Begin(ctx, OnlineQueryId(first + s.Query));
                        break;
                    case QueryFailed f:
                        End(ctx, PreprocessingQueryId(first + f.Query));
                        End(ctx, OnlineQueryId(first + f.Query));
                        failures[first + f.Query] = f.Reason;
                        progress?.Invoke(new QueryAbandoned(first + f.Query, ctx.NowNs, f.Reason));
                        break;
                    case PredictionReady r:
                        int q = first + r.Query;
                        End(ctx, OnlineQueryId(q));
                        logits[q] = r.Logits.Select(PrimeField.ToSigned).ToArray();
                        progress?.Invoke(new QueryFinished(q, ctx.NowNs, logits[q]!.AsSpan().SequenceEqual(reference[q])));
                        break;
                }
                if (e is QueryFailed or PredictionReady && (e is QueryFailed qf ? qf.Query : ((PredictionReady)e).Query) == count - 1 && first + count < inputs.Length)
                    StartKeySet(keySet + 1);
            }

            // The spent key set's actors stop; the remote servers first, then A (which starts the key generation), then the user.
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
                    Spawn(servers[j], server, host(RemoteServerRole.For(deal.Parameters, deal.Share(server), server)));
                }
            }
            Spawn(h.Gateway, Party.Gateway, host(new GatewayRole(deal.Parameters, deal.Gateway)));
            Spawn(PartyName.User, Party.User, host(new UserRole(deal.Parameters.ForUser(), inputs[first..(first + count)])));

            void Spawn(string party, Party role, ISecoRole hosted)
            {
                peers[role] = sim.Party(party).Spawn(Props.Create(() => new RoleActor(hosted, peers, OnEvent, first, count)).WithPhase("setup"), name);
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
        return new SecureRunResult(sim, sim.Report(), outcomes, keySets, interrupted && outcomes.Any(o => !o.Completed && o.FailureReason is null));
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
