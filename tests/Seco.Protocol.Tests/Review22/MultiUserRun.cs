using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review22;

/// <summary>
/// Review 22: several real <see cref="UserRole"/>s talking to one real <see cref="GatewayRole"/> as
/// <see cref="Party.UserOf"/>(k), with the real remote servers behind it — every message through its codec, FIFO per
/// link. Each user knows itself as <see cref="Party.User"/> and hears A as <see cref="Party.Gateway"/>; A hears user k
/// as <see cref="Party.UserOf"/>(k) (as the simulator's RoleActor and a multi-user host do). A handler's exception
/// fails only that message's query, the way the actor host does it: at A, a user's message fails that user's own query
/// (<see cref="ISecoRole.AbortUserQuery"/>); elsewhere the role aborts it by its number.
/// </summary>
internal sealed class MultiUserRun
{
    private readonly Dictionary<Party, ISecoRole> _roles = [];
    private readonly Dictionary<(Party From, Party To), Queue<byte[]>> _links = [];
    private readonly List<(Party From, Party To)> _linkOrder = [];
    private readonly Queue<(Party From, Party To)> _fifo = new();
    private readonly Random? _random;

    /// <param name="users">How many users; user k runs <paramref name="queriesPerUser"/> queries on its own inputs.</param>
    /// <param name="seed">With a seed, the next message is taken from a random non-empty link (each link stays FIFO): racy interleavings.</param>
    /// <param name="wrap">Wraps a role (by its address) before it is hosted: a hostile party.</param>
    /// <param name="submitInputs">
    /// Review 22b: users that take their inputs as they arrive (<see cref="Submit"/>, <see cref="SubmitAll"/>), preprocess
    /// ahead and keep several of their own queries in flight (<paramref name="pipelined"/>, a <paramref name="pool"/>);
    /// <paramref name="sameInput"/> gives each user its first input for every query.
    /// </param>
    public MultiUserRun(int users, int queriesPerUser, int split = 1, TierSpec[]? tiers = null, int? seed = null, int? queryBudget = null,
        Func<Party, ISecoRole, ISecoRole>? wrap = null, string modelFile = "mlp.onnx", FbcProtocol protocol = FbcProtocol.Seco,
        bool submitInputs = false, bool pipelined = false, int pool = 0, bool sameInput = false)
    {
        Model = EndToEndTests.Model(modelFile);
        ulong[][] all = EndToEndTests.Inputs(Model, users * queriesPerUser);
        Deployment = ModelSplit.Create(Model, split, EndToEndTests.Context.Value, queryBudget: queryBudget, tiers: tiers ?? (split < Model.Blocks.Count ? [new TierSpec(2, Model.Blocks.Count - split)] : null), protocol: protocol);
        P = Deployment.Parameters;
        Gateway = new GatewayRole(P, Deployment.Gateway);
        for (int k = 0; k < users; k++)
        {
            Inputs[k] = sameInput ? [.. Enumerable.Repeat(all[k * queriesPerUser], queriesPerUser)] : all[(k * queriesPerUser)..((k + 1) * queriesPerUser)];
            Users[k] = submitInputs ? new UserRole(P.ForUser(), queriesPerUser, preprocessAhead: true, pipelined: pipelined, pool: pool) : new UserRole(P.ForUser(), Inputs[k]);
            Host(Party.UserOf(k), Users[k], wrap);
        }
        Host(Party.Gateway, Gateway, wrap);
        foreach (TierShape t in P.Tiers)
            for (int j = 0; j < t.Servers; j++)
            {
                Party s = Party.Server(t.Tier, j);
                Servers[s] = RemoteServerRole.For(P, Deployment.Share(s), s);
                Host(s, Servers[s], wrap);
            }
        _random = seed is int sd ? new Random(sd) : null;
    }

    private void Host(Party address, ISecoRole role, Func<Party, ISecoRole, ISecoRole>? wrap) => _roles[address] = wrap?.Invoke(address, role) ?? role;

    public FixedPointModel Model { get; }

    public ModelSplit Deployment { get; }

    public SecoParameters P { get; }

    public GatewayRole Gateway { get; }

    public Dictionary<int, UserRole> Users { get; } = [];

    public Dictionary<int, ulong[][]> Inputs { get; } = [];

    public Dictionary<Party, RemoteServerRole> Servers { get; } = [];

    /// <summary>When true (default), a handler's exception fails only its query, as the actor host does.</summary>
    public bool FailQueriesOnError { get; init; } = true;

    /// <summary>Messages put on the wire after a given message was delivered (addresses: users as <see cref="Party.UserOf"/>).</summary>
    public Func<Party, Party, SecoMessage, IEnumerable<(Party From, Party To, SecoMessage Message)>>? Inject { get; set; }

    /// <summary>Sees a message before its recipient; true swallows it.</summary>
    public Func<Party, Party, SecoMessage, bool>? Intercept { get; set; }

    /// <summary>What was delivered, by address, in order (a separate decode of the wire bytes).</summary>
    public List<(Party From, Party To, SecoMessage Message)> Delivered { get; } = [];

    /// <summary>Each address's events (user k's under <see cref="Party.UserOf"/>(k)).</summary>
    public Dictionary<Party, List<ProtocolEvent>> Events { get; } = [];

    /// <summary>Handler errors turned into query failures.</summary>
    public List<(Party At, Party From, SecoMessage Message, Exception Error)> Failures { get; } = [];

    /// <summary>Handler errors of messages that name no query (a host would fail that session's setup).</summary>
    public List<(Party At, Party From, SecoMessage Message, Exception Error)> SetupFailures { get; } = [];

    public void Run(int maxMessages = 2_000_000)
    {
        foreach ((Party address, ISecoRole role) in _roles.ToList())
            Flush(address, o => role.Start(o));
        Pump(maxMessages);
    }

    /// <summary>User <paramref name="user"/>'s query <paramref name="query"/>'s input arrives.</summary>
    public void Submit(int user, int query) => Flush(Party.UserOf(user), o => Users[user].Submit(query, Inputs[user][query], o));

    /// <summary>Every input of every user arrives (before <see cref="Run"/>: the users preprocess ahead and go online as soon as they can).</summary>
    public void SubmitAll()
    {
        foreach ((int k, ulong[][] inputs) in Inputs)
            for (int j = 0; j < inputs.Length; j++)
                Submit(k, j);
    }

    /// <summary>Puts a message on the wire as if <paramref name="from"/> sent it (tests that act between runs).</summary>
    public void Send(Party from, Party to, SecoMessage message) => Enqueue(from, to, SecoCodecs.Encode(message));

    /// <summary>The role at <paramref name="address"/> aborts a query by its own number, as its host would (a user gives up on it).</summary>
    public void AbortAt(Party address, int query, string reason) =>
        Flush(address, o => _roles[address].Abort(query, ProtocolPhase.UserPreprocessing, reason, o));

    /// <summary>Delivers until the wire is empty.</summary>
    public void Pump(int maxMessages = 2_000_000)
    {
        int delivered = 0;
        while (Next() is { } link)
        {
            if (++delivered > maxMessages) throw new InvalidOperationException("the protocol does not terminate");
            byte[] bytes = _links[link].Dequeue();
            (Party from, Party to) = link;
            SecoMessage message = SecoCodecs.Decode(bytes);
            Delivered.Add((from, to, SecoCodecs.Decode(bytes)));
            if (Intercept?.Invoke(from, to, message) != true)
                Deliver(from, to, message);
            foreach ((Party f, Party t, SecoMessage m) in Inject?.Invoke(from, to, message) ?? [])
                Enqueue(f, t, SecoCodecs.Encode(m));
        }
    }

    private (Party, Party)? Next()
    {
        if (_random is null)
            return _fifo.TryDequeue(out var link) ? link : null;
        var ready = _linkOrder.Where(l => _links[l].Count > 0).ToList();
        return ready.Count == 0 ? null : ready[_random.Next(ready.Count)];
    }

    private void Deliver(Party from, Party to, SecoMessage message)
    {
        // A party outside the run (a user session that never joined) has no role: what A sends it is only recorded.
        if (!_roles.TryGetValue(to, out ISecoRole? role))
            return;
        // A user hears only A, as Party.Gateway; A hears user k as Party.UserOf(k).
        try
        {
            Flush(to, o => role.Handle(from, message, o));
        }
        catch (Exception e) when (FailQueriesOnError && message is QueryMessage q)
        {
            Failures.Add((to, from, message, e));
            if (to.IsGateway && from.IsUser)
                Flush(to, o => role.AbortUserQuery(from, q.Query, q.Phase, e.Message, o));
            else
                Flush(to, o => role.Abort(q.Query, q.Phase, e.Message, o));
        }
        catch (Exception e) when (FailQueriesOnError)
        {
            SetupFailures.Add((to, from, message, e));
        }
    }

    private void Flush(Party self, Action<Outbox> act)
    {
        var outbox = new Outbox();
        act(outbox);
        foreach ((Party to, SecoMessage message) in outbox.Messages)
        {
            Enqueue(self, to, SecoCodecs.Encode(message)); // a user role addresses A as Party.Gateway, as A does it
        }
        if (!Events.TryGetValue(self, out var list)) Events[self] = list = [];
        list.AddRange(outbox.Events);
    }

    private void Enqueue(Party from, Party to, byte[] bytes)
    {
        if (from.IsUser && !to.IsGateway)
            throw new InvalidOperationException($"a user talks only to A, not {to}");
        if (!_links.TryGetValue((from, to), out var q))
        {
            _links[(from, to)] = q = new Queue<byte[]>();
            _linkOrder.Add((from, to));
        }
        q.Enqueue(bytes);
        _fifo.Enqueue((from, to));
    }

    // ---- Results ----

    public List<ProtocolEvent> EventsOf(int user) => Events.GetValueOrDefault(Party.UserOf(user)) ?? [];

    public int[] Predicted(int user) => [.. EventsOf(user).OfType<PredictionReady>().Select(p => p.Query)];

    public int[] Failed(int user) => [.. EventsOf(user).OfType<QueryFailed>().Select(p => p.Query)];

    public long[] ExpectedLogits(int user, int query) => FixedPointReference.Forward(Model, Inputs[user][query].Select(PrimeField.ToSigned).ToArray()).Logits;

    /// <summary>Every prediction user <paramref name="user"/> made is bit-exact against the plaintext reference of its own input.</summary>
    public void AssertBitExact(int user)
    {
        foreach (PredictionReady p in EventsOf(user).OfType<PredictionReady>())
            Assert.Equal(ExpectedLogits(user, p.Query), p.Logits.Select(PrimeField.ToSigned).ToArray());
    }

    /// <summary>User <paramref name="user"/> finished every query, bit-exact, and none failed.</summary>
    public void AssertAllExact(int user)
    {
        Assert.True(Failed(user).Length == 0, $"user {user}'s queries {string.Join(", ", Failed(user))} failed: {Describe()}");
        Assert.Equal(Enumerable.Range(0, Inputs[user].Length), Predicted(user));
        AssertBitExact(user);
    }

    /// <summary>The failures, for assertion messages.</summary>
    public string Describe() => string.Join("\n", Failures.Select(f => $"{f.At} <- {f.From} {f.Message.GetType().Name} q{((QueryMessage)f.Message).Query}: {f.Error.Message}")
        .Concat(SetupFailures.Select(f => $"{f.At} <- {f.From} {f.Message.GetType().Name}: {f.Error.Message}")));

    /// <summary>The server query A gave user <paramref name="user"/>'s query <paramref name="query"/> (from A's events).</summary>
    public int ServerQueryOf(int user, int query) =>
        (Events.GetValueOrDefault(Party.Gateway) ?? []).OfType<QueryAssigned>().Single(a => a.User == Party.UserOf(user) && a.UserQuery == query).ServerQuery;

    /// <summary>The user and user query A gave server query <paramref name="serverQuery"/> to, if any.</summary>
    public (int User, int Query)? OwnerOf(int serverQuery) =>
        (Events.GetValueOrDefault(Party.Gateway) ?? []).OfType<QueryAssigned>().FirstOrDefault(a => a.ServerQuery == serverQuery) is { } a ? (a.User.Index, a.UserQuery) : null;
}
