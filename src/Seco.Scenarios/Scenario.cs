using System.Collections.Immutable;
using System.Collections.ObjectModel;

namespace Seco.Scenarios;

/// <summary>
/// One experiment, as read from a scenario file (docs/scenarios.md): what the parties run (the
/// workload: by default secure inference of a model, split somewhere), across which hierarchy,
/// over which simulated network, with which per-party settings and injected failures, on which
/// queries, with which crypto parameters. Immutable; paths are absolute and every default is
/// applied.
/// </summary>
public sealed record Scenario
{
    /// <param name="model">Required for the inference workload; must be null for echo.</param>
    /// <param name="split">0 for echo.</param>
    /// <param name="queries">For echo, the input must be <see cref="RandomInput"/> (it is not used).</param>
    /// <param name="crypto">For echo, must be <see cref="CryptoPreset.Default"/> (it is not used).</param>
    /// <param name="workload">Null means <see cref="InferenceWorkload.Instance"/> (inference).</param>
    /// <param name="parties">Settings of some parties, keyed by party name; null means none.</param>
    /// <param name="failures">Failures to inject, in file order; null means none.</param>
    /// <exception cref="ArgumentException">The parts do not fit together (a link, party setting or failure naming an unknown party; a model with echo; ...).</exception>
    public Scenario(
        string name,
        string? description,
        ModelSpec? model,
        int split,
        Hierarchy hierarchy,
        NetworkSpec network,
        QuerySpec queries,
        CryptoPreset crypto,
        ulong? seed,
        SourceMap source,
        WorkloadSpec? workload = null,
        IReadOnlyDictionary<string, PartySettings>? parties = null,
        IEnumerable<FailureSpec>? failures = null,
        int? queryBudget = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(split);
        ArgumentNullException.ThrowIfNull(hierarchy);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(crypto);
        ArgumentNullException.ThrowIfNull(source);
        if (queryBudget is < 1)
            throw new ArgumentOutOfRangeException(nameof(queryBudget), $"a query budget of {queryBudget} serves no query");
        workload ??= InferenceWorkload.Instance;
        switch (workload)
        {
            case InferenceWorkload:
                ArgumentNullException.ThrowIfNull(model);
                break;
            default:
                string unused = $"the {workload.Name} workload";
                if (model is not null)
                    throw new ArgumentException($"{unused} uses no model; pass null", nameof(model));
                if (split != 0)
                    throw new ArgumentException($"{unused} has no split; pass 0", nameof(split));
                if (queries.Input is not RandomInput)
                    throw new ArgumentException($"{unused} reads no query inputs; use {nameof(RandomInput)}", nameof(queries));
                if (crypto != CryptoPreset.Default)
                    throw new ArgumentException($"{unused} uses no cryptography; pass {nameof(CryptoPreset)}.{nameof(CryptoPreset.Default)}", nameof(crypto));
                break;
        }

        string PartyList() => string.Join(", ", hierarchy.Parties);
        foreach (LinkSpec link in network.Links)
        {
            foreach (string party in new[] { link.First, link.Second })
            {
                if (!hierarchy.Contains(party))
                    throw new ArgumentException($"link {link.First}-{link.Second}: unknown party '{party}'", nameof(network));
            }
        }

        var settings = new OrderedDictionary<string, PartySettings>(StringComparer.Ordinal);
        if (parties is not null)
        {
            foreach (var (party, value) in parties)
            {
                if (!hierarchy.Contains(party))
                    throw new ArgumentException($"party settings: unknown party '{party}' (parties: {PartyList()})", nameof(parties));
                if (value is null)
                    throw new ArgumentException($"party settings of '{party}' are null", nameof(parties));
            }
            // Hierarchy order (user, gateway, servers), whatever order the caller used.
            foreach (string party in hierarchy.Parties)
            {
                if (parties.TryGetValue(party, out PartySettings? value))
                    settings.Add(party, value);
            }
        }

        ImmutableArray<FailureSpec> failureList = failures is null ? [] : [.. failures];
        // What each failure stops or drops → its index; a dictionary rather than a scan of the
        // earlier failures, which made a file of thousands of failures quadratic.
        var first = new Dictionary<(string, string), int>();
        for (int i = 0; i < failureList.Length; i++)
        {
            FailureSpec failure = failureList[i] ?? throw new ArgumentException($"failure {i} is null", nameof(failures));
            string[] named = failure switch
            {
                StopParty stop => [stop.Party],
                DropLink drop => [drop.First, drop.Second],
                _ => throw new ArgumentException($"failure {i}: unknown kind {failure.GetType().Name}", nameof(failures)),
            };
            foreach (string party in named)
            {
                if (!hierarchy.Contains(party))
                    throw new ArgumentException($"failure {i}: unknown party '{party}' (parties: {PartyList()})", nameof(failures));
            }
            // A stop is keyed ("", party): party names are never empty, so it cannot collide with a link.
            (string, string) key = failure is DropLink d ? LinkSpec.PairKey(d.First, d.Second) : ("", named[0]);
            if (!first.TryAdd(key, i))
                throw new ArgumentException($"failure {i} repeats failure {first[key]} ({failureList[first[key]]})", nameof(failures));
        }

        Name = name;
        Description = description;
        Workload = workload;
        Model = model;
        Split = split;
        Hierarchy = hierarchy;
        Network = network;
        Parties = new ReadOnlyDictionary<string, PartySettings>(settings);
        Failures = failureList;
        Queries = queries;
        Crypto = crypto;
        QueryBudget = queryBudget;
        Seed = seed;
        Source = source;
    }

    public string Name { get; }

    public string? Description { get; }

    /// <summary>What the parties run: <see cref="InferenceWorkload"/> (the default) or <see cref="EchoWorkload"/>.</summary>
    public WorkloadSpec Workload { get; }

    /// <summary>The model to run securely; set for the inference workload, null for echo (which uses none).</summary>
    public ModelSpec? Model { get; }

    /// <summary>
    /// How many layer blocks (a run of linear layers and the ReLU after it) the gateway evaluates
    /// in plaintext; 0 = everything remote. Not yet checked against the model's block count.
    /// Always 0 for echo (which has no model to split). With <see cref="InferenceProtocol.Delphi"/> the file gives
    /// none: preparing the scenario sets it to the model's block count (every block on the gateway); a sweep's DELPHI
    /// point carries the split it stands beside until then.
    /// </summary>
    public int Split { get; init; }

    /// <summary><c>load</c>: how many users at once and how their queries arrive (<see cref="LoadSpec"/>; issue 22).</summary>
    public LoadSpec Load { get; init; } = LoadSpec.Default;

    /// <summary><c>protocol</c>: SECO (the default) or a baseline (<see cref="InferenceProtocol"/>).</summary>
    public InferenceProtocol Protocol { get; init; }

    public Hierarchy Hierarchy { get; }

    public NetworkSpec Network { get; }

    /// <summary>
    /// The settings given in the file's <c>parties</c> section, keyed by party name in hierarchy
    /// order (user, gateway, servers); parties not listed use <see cref="PartySettings.Default"/>
    /// — ask <see cref="SettingsOf"/> for any party.
    /// </summary>
    public IReadOnlyDictionary<string, PartySettings> Parties { get; }

    /// <summary>Failures the simulator injects, in file order (not sorted by time).</summary>
    public IReadOnlyList<FailureSpec> Failures { get; }

    /// <summary>How many queries; for echo, <see cref="QuerySpec.Input"/> is <see cref="RandomInput"/> and unused.</summary>
    public QuerySpec Queries { get; }

    /// <summary>The BFV parameter preset; for echo always <see cref="CryptoPreset.Default"/> and unused.</summary>
    public CryptoPreset Crypto { get; }

    /// <summary>
    /// <c>crypto.query_budget</c>: queries per key set, below the most the smudging covers (null: that most). A secure
    /// run re-keys (a new setup) after each budget's worth of queries (docs/noise.md).
    /// </summary>
    public int? QueryBudget { get; }

    /// <summary>
    /// <c>crypto.forms</c>: how the blocks are computed on ciphertexts — <c>matrix</c> (the default: every block the
    /// mat-vec of its composed matrix) or <c>planner</c> (the cheaper of the mat-vec and the channel-packed convolution
    /// per block, as `seco models inspect` shows).
    /// </summary>
    public Seco.Protocol.Model.Planning.FormPolicy Forms { get; init; }

    /// <summary>
    /// Fixed seed for every random source — tests and replay only: it makes the run deterministic
    /// and therefore insecure. Null (the default) means OS randomness.
    /// </summary>
    public ulong? Seed { get; }

    /// <summary>Where each field came from, for errors found after loading.</summary>
    public SourceMap Source { get; }

    /// <summary>
    /// The effective latency and bandwidth between two parties of this scenario, in either order.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not "user", the gateway or a server, or both are the same.</exception>
    public LinkCharacteristics LinkBetween(string a, string b)
    {
        CheckParty(a, nameof(a));
        CheckParty(b, nameof(b));
        return Network.LinkBetween(a, b);
    }

    /// <summary>The simulation settings of <paramref name="party"/>: its entry in <see cref="Parties"/>, or <see cref="PartySettings.Default"/>.</summary>
    /// <exception cref="ArgumentException">The name is not "user", the gateway or a server.</exception>
    public PartySettings SettingsOf(string party)
    {
        CheckParty(party, nameof(party));
        return Parties.TryGetValue(party, out PartySettings? settings) ? settings : PartySettings.Default;
    }

    private void CheckParty(string party, string parameter)
    {
        ArgumentNullException.ThrowIfNull(party, parameter);
        if (!Hierarchy.Contains(party))
            throw new ArgumentException($"unknown party '{party}' (parties: {string.Join(", ", Hierarchy.Parties)})", parameter);
    }
}
