using Seco.Garbling.Ot;
using Seco.Lattice.Bfv;
using Seco.Lattice.Serialization;
using Seco.Protocol.Messages;

namespace Seco.Protocol.Roles;

/// <summary>
/// The gateway's user sessions (issue 22; docs/protocol-decisions.md, D25). The server session — each tier's collective
/// keys, A's OT with each garbler, the server query numbers — is made once and shared; each user has its own session at
/// A: its pk0 and Galois keys, A's OT with it, its own query numbers and aborted queries. A gives each user query the
/// next free server query, so the servers number queries across users and never see a user's own numbering; only the
/// last tier learns a query's user (by a number, to encrypt the output under its pk0).
/// </summary>
public sealed partial class GatewayRole
{
    private readonly Dictionary<int, UserState> _users = [];

    /// <summary>The user sessions that ended here (<see cref="EndUserSession"/>): they may not join again.</summary>
    private readonly HashSet<int> _usersGone = [];

    /// <summary>
    /// The most queries one user session numbers (hosts give each user 2²⁴ session numbers; review 22: a user that
    /// aborted its next query over and over would otherwise walk its numbers into the next user's).
    /// </summary>
    public const int MaxQueriesPerUser = (1 << 24) - 2;

    /// <summary>The user sessions that have joined (tests and hosts).</summary>
    public int UserCount => _users.Count;

    /// <summary>The sender itself when it is a user (any user may send the user's messages; only A tells them apart).</summary>
    private static Party UserParty(Party from) => from.IsUser ? from : Party.User;

    private UserState UserSession(Party user) =>
        _users.TryGetValue(user.Index, out UserState? u) ? u : throw new ProtocolViolationException("a message from a user that has not joined");

    /// <summary>User <paramref name="user"/>'s query <paramref name="query"/>, which A has begun.</summary>
    private QueryState UserQuery(Party user, int query) =>
        UserSession(user).Queries.TryGetValue(query, out QueryState? q) ? q : throw new ProtocolViolationException($"query {query} is unknown at the gateway");

    private void OnUserJoin(Party user, UserJoin m, Outbox outbox)
    {
        if (_users.ContainsKey(user.Index) || _usersGone.Contains(user.Index))
            throw new ProtocolViolationException("the user joined twice");
        var u = new UserState(user)
        {
            Key = new Encryptor(_p.Context, _he.Load((c, b) => BfvSerializer.LoadPublicKey(c, b), m.PublicKey, "user public key")),
            PublicKey = m.PublicKey,
        };
        if (_p.Split > 0)
            u.Rotations = _he.Load((c, b) => BfvSerializer.LoadGaloisKeys(c, b), m.GaloisKeys, "user Galois keys");
        u.OtReply = u.Ot.ReceiveSetup(m.OtBase);
        _users[user.Index] = u;
        TryWelcome(u, outbox);
    }

    public bool KeySetSpent => _nextQuery >= _p.Budget.Queries;

    public void EndUserSession(Party user, string reason, Outbox outbox)
    {
        if (!user.IsUser || !_users.Remove(user.Index, out UserState? u))
            return;
        // The session numbers of a user that left are not given again (the host numbers users afresh), so its state goes
        // with it; a late message in its name is one "from a user that has not joined".
        _usersGone.Add(user.Index);
        foreach (QueryState q in u.Queries.Values.ToList())
            if (_aborted.Add(q.Query, ProtocolPhase.Online, reason, outbox, null, [.. Servers]))
                Forget(q, outbox);
    }

    private void WelcomeAll(Outbox outbox)
    {
        foreach (UserState u in _users.Values.OrderBy(u => u.Party.Index))
            TryWelcome(u, outbox);
    }

    private bool ServerSessionReady => _tiers.All(t => t.PublicKey is not null) && _serversReady.Count == Servers.Count();

    private void TryWelcome(UserState u, Outbox outbox)
    {
        if (u.Welcomed || !ServerSessionReady)
            return;
        u.Welcomed = true;
        // Only the last tier encrypts output shares, under the pk0 of each query's user; it needs the key before the
        // user's first query (sent now, once the servers are ready: they take no user key before their setup is done).
        if (_p.Tiers.Count > 0)
            foreach (Party server in TierServers(_p.Tiers[^1]))
                outbox.Send(server, new UserPublicKey(u.Party.Index, u.PublicKey));
        // The user sees tier 1's key only (for its transition mask), never how many tiers or servers lie behind A.
        outbox.Send(u.Party, new GatewayWelcome(_tiers.Length == 0 ? [] : BfvSerializer.Serialize(_tiers[0].PublicKey!), u.OtReply));
    }

    /// <summary>One user's session at A: its keys, A's OT with it, its queries by its own numbers.</summary>
    private sealed class UserState(Party party)
    {
        public Party Party { get; } = party;

        public required Encryptor Key { get; init; }

        /// <summary>pk0 as the user sent it, forwarded to the last tier at the welcome.</summary>
        public required byte[] PublicKey { get; init; }

        public GaloisKeys? Rotations { get; set; }

        public IknpSender Ot { get; } = new();

        public byte[] OtReply { get; set; } = [];

        public OtLedger Served { get; } = new();

        /// <summary>The user's queries A has begun, by the user's numbers.</summary>
        public Dictionary<int, QueryState> Queries { get; } = [];

        /// <summary>The user's queries that failed (by its numbers): their later messages are dropped quietly.</summary>
        public AbortedQueries Aborted { get; } = new();

        /// <summary>The user's next query number (its queries start once each, in order).</summary>
        public int NextQuery { get; set; }

        public bool Welcomed { get; set; }
    }
}
