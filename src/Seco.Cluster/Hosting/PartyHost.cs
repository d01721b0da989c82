using System.Diagnostics;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.Delivery;
using Akka.Event;
using Akka.Util;
using Seco.Cluster.Bulk;
using Seco.Cluster.Wire;
using Seco.Protocol.Compute;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Hosting;

/// <summary>
/// Hosts one sans-IO SECO role for one run on a server node (the cluster's counterpart of the simulator's RoleActor):
/// one inbound Delivery link (ConsumerController) and one outbound link (<see cref="OutboundLink"/>) per other server,
/// one bulk connection to each other server that carries every protocol body (announced on the Delivery link, put
/// back in order by <see cref="InboundLink"/>), and for the gateway the door connection of each user in session. Each message is handed to the role; what the role emits is encoded once,
/// metered, and sent. A message that is malformed or that the role rejects fails its query (every party drops it, the
/// user moves on); one of a server's that is not a query's fails the run, and one of a user's fails that user's
/// session only (issue 22: the other users go on).
/// </summary>
internal sealed class PartyHost : UntypedActor, IWithTimers
{
    private readonly ISecoRole _role;
    private readonly long _run;
    private readonly IReadOnlyDictionary<Party, IActorRef> _peerNodes;
    private readonly Dictionary<int, IUserChannel> _users = [];
    private readonly RunMeter _meter;
    private readonly TimeSpan _queryDeadline;
    private readonly Func<Party, string> _name;
    private readonly NodeSettings _settings;
    private readonly Dictionary<Party, IActorRef> _outbound = [];
    private readonly Dictionary<Party, BulkSender> _bulkOut = [];
    private readonly Dictionary<Party, InboundLink> _in = [];
    private readonly Dictionary<IActorRef, Party> _inbound = [];
    private readonly Dictionary<Party, string> _producerIds = [];
    private readonly Dictionary<OpenQuery, DateTime> _open = [];
    private readonly HashSet<Party> _unaccepted = [];
    private readonly HashSet<OpenQuery> _closed = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private bool _keySetSpentTold;
    private readonly IKernelRunner _kernels;

    /// <param name="name">How a party is named in reasons and logs ("garbler B", "the user").</param>
    public PartyHost(NodeSettings settings, ISecoRole role, long run, IReadOnlyDictionary<Party, IActorRef> peerNodes, RunMeter meter,
        TimeSpan queryDeadline, Func<Party, string> name)
    {
        _settings = settings;
        _name = name;
        _role = role;
        _run = run;
        _peerNodes = peerNodes;
        _meter = meter;
        _queryDeadline = queryDeadline;
        _kernels = settings.Cores > 1 ? new ThreadedRunner(settings.Cores) : KernelRunner.Sequential;
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private Party Self_ => _role.Self;

    protected override void PreStart()
    {
        foreach ((Party peer, IActorRef node) in _peerNodes)
        {
            IActorRef consumer = Context.ActorOf(ConsumerController.Create<ILinkPayload>(Context.System, Option<IActorRef>.None), $"in-{peer.Slug}");
            consumer.Tell(new ConsumerController.Start<ILinkPayload>(Self));
            _inbound[consumer] = peer;
            _producerIds[peer] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            _outbound[peer] = Context.ActorOf(Props.Create(() => new OutboundLink()), $"out-{peer.Slug}");
            IActorRef self = Self;
            ServerEndpoint endpoint = _settings.ServerOf(peer);
            _bulkOut[peer] = new BulkSender(_settings, endpoint, _run, reason => self.Tell(new BulkFailed(reason)));
            _in[peer] = new InboundLink();
            _unaccepted.Add(peer);
        }
        OfferLinks();
        Timers.StartPeriodicTimer("deadline", DeadlineTick.Instance, TimeSpan.FromSeconds(1));
        // The setup has the query deadline too: a setup that stalls (a peer that never answers, a link a pinned server
        // took over) would otherwise hold the gateway's one user slot until the user gave up. It is over on the gateway
        // when the role welcomes the user (every tier's key made, every server ready).
        if (Self_.IsGateway)
            Timers.StartSingleTimer("setup", SetupDeadline.Instance, _queryDeadline);
        Run(ProtocolPhase.Setup, o => _role.Start(o));
    }

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ConsumerController.Delivery<ILinkPayload> d:
                if (_inbound.TryGetValue(d.ConfirmTo, out Party from) && d.ProducerId != _producerIds[from])
                    _log.Warning("run {0}: a delivery on {1}'s link from a producer it was not offered to; dropped", _run, _name(from));
                else if (_inbound.ContainsKey(d.ConfirmTo) && d.Message is ReceivedSecoMessage or BulkAnnouncement)
                {
                    _in[from].Delivered(d.Message);
                    HandleReady(from);
                }
                else
                    _log.Warning("run {0}: a delivery on an unknown link ({1}) dropped", _run, d.Message.Kind);
                d.ConfirmTo.Tell(ConsumerController.Confirmed.Instance);
                break;
            case LinkOffer offer when _peerNodes.TryGetValue(offer.From, out IActorRef? node) && !offer.Consumer.Path.Address.Equals(node.Path.Address):
                // A link to a party ends at that party's node: an offer naming a consumer elsewhere (another server
                // offering itself as this party, or any other address) would hand it this party's messages.
                _log.Warning("run {0}: a link offer as {1} with a consumer at {2}, not {1}'s node {3}; refused", _run, _name(offer.From),
                    offer.Consumer.Path.Address, node.Path.Address);
                break;
            case LinkOffer offer when _peerNodes.TryGetValue(offer.From, out IActorRef? node) && !Sender.Path.Address.Equals(node.Path.Address):
                // … and comes from that party's node: another server offering, in its name, some other actor there (its
                // node actor) would take the link over, or its producer id would be the one this run's link and bulk
                // connection use — the party would drop everything this server sends it (issue 18's review).
                _log.Warning("run {0}: a link offer as {1} sent from {2}, not {1}'s node {3}; refused", _run, _name(offer.From),
                    Sender.Path.Address, node.Path.Address);
                break;
            case LinkOffer offer when _outbound.TryGetValue(offer.From, out IActorRef? link):
                // A resent offer is answered again (its LinkAccepted was lost or is late); the link registers nothing twice.
                link.Tell(offer);
                _bulkOut[offer.From].Open(offer.ProducerId);
                Sender.Tell(new LinkAccepted(_run, Self_));
                break;
            // A bulk connection is this run's only if its hello carried the producer id this run offered that server
            // (a stale connection of an earlier run with the same number, or one opened without an offer, is not).
            case BulkBody b when PartyOf(b.From) is Party sender && b.Token == _producerIds[sender]:
                _in[sender].Body(b);
                HandleReady(sender);
                break;
            case BulkEnded e when PartyOf(e.From) is Party ended && e.Token == _producerIds[ended]:
                _in[ended].Ended(e);
                HandleReady(ended);
                break;
            case BulkFailed f:
                Fail(f.Reason);
                break;
            case LinkAccepted accepted when accepted.Run == _run:
                _unaccepted.Remove(accepted.From);
                break;
            case JoinUser j:
                _users[j.User] = j.Channel;
                break;
            // A user whose session is over (it left, or its own message failed it) is heard no more.
            case FromUser u when _users.ContainsKey(u.User):
                Handle(Party.UserOf(u.User), u.Message);
                break;
            case FromUser:
                break;
            case UserGone g when g.Run == _run:
                EndUserSession(g.User, g.Reason);
                break;
            case FailOpenQueries f:
                foreach (OpenQuery q in _open.Keys.ToArray())
                    Abort(q, f.Reason, f.Suspect);
                break;
            case SetupDeadline:
                Fail($"the setup did not finish within the deadline of {Durations.Show(_queryDeadline)}");
                break;
            case DeadlineTick:
                // Plain Tells between nodes can be lost (a restarted peer's address is gated for a while): offer again.
                OfferLinks();
                DateTime now = DateTime.UtcNow;
                foreach ((OpenQuery q, DateTime since) in _open.ToArray())
                    if (now - since > _queryDeadline)
                        Abort(q, $"query {q.Query} did not finish within the deadline of {Durations.Show(_queryDeadline)}");
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OfferLinks()
    {
        foreach (Party peer in _unaccepted)
            _peerNodes[peer].Tell(new LinkOffer(_run, Self_, _inbound.First(kv => kv.Value == peer).Key, _producerIds[peer]));
    }

    private Party? PartyOf(string server) =>
        _settings.Servers.FirstOrDefault(s => s.Name == server) is { } s && _in.ContainsKey(s.Role) ? s.Role : null;

    private void HandleReady(Party from)
    {
        foreach (ReceivedSecoMessage received in _in[from].Ready())
            Handle(from, received);
    }

    private void Handle(Party from, ReceivedSecoMessage received)
    {
        if (received.Message is not { } m)
        {
            string reason = received.Why(_name(from));
            if (received.Query is int q) Abort(OpenQuery.Of(from, q), reason, from);
            else Fail(reason, from);
            return;
        }
        _meter.Received(m.Phase, received.BodyBytes);
        // The gateway's deadline runs on its users' queries (their numbers; a server query's stall holds its user query
        // open); every other server's on its queries. A gateway role with user sessions names the user queries it began
        // (QueryAssigned, in Run): a number a user merely names is not tracked (review 22c: each one stayed in the
        // host's closed set for the run's life, so a user could grow the gateway without bound with tiny frames).
        if (m is QueryMessage qm && (from.IsUser ? !UserQueriesByRole : !Self_.IsGateway) && !_closed.Contains(OpenQuery.Of(from, qm.Query)))
            _open.TryAdd(OpenQuery.Of(from, qm.Query), DateTime.UtcNow);
        try
        {
            Run(m.Phase, o => _role.Handle(from, m, o));
        }
        catch (OutOfMemoryException)
        {
            // The role's state may be half updated: the run fails as a whole, by name, rather than the actor restarting
            // empty and the user waiting for the query deadline (issue 20: a ResNet-32 evaluator under a heap limit).
            string reason = $"{_name(Self_)} ran out of memory handling {received.Kind} from {_name(from)} (its heap limit: {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes >> 20} MiB)";
            _log.Error("run {0}: {1}", _run, reason);
            Fail(reason);
        }
        catch (Exception e)
        {
            string reason = $"{_name(Self_)} rejected {received.Kind} from {_name(from)}: {e.Message}";
            _log.Warning("run {0}: {1}", _run, reason);
            if (m is QueryMessage bad) Abort(OpenQuery.Of(from, bad.Query), reason, from);
            else Fail(reason, from);
        }
    }

    /// <param name="cause">The party whose message or silence failed the query, when known. On the gateway a failure
    /// caused by a server is told to everyone — the user too — without its details, which name servers, tiers and
    /// duties behind A (the user learns neither the depth nor the widths, docs/hierarchy.md); the log keeps them.</param>
    private void Abort(OpenQuery query, string reason, Party? cause = null)
    {
        ProtocolPhase at = ProtocolPhase.Online;
        if (Self_.IsGateway && cause is { IsServer: true })
        {
            _log.Warning("run {0}: query {1} failed: {2}", _run, query.Query, reason);
            reason = GatewayRole.RemoteFailure;
        }
        // A user's query is named by that user's own number (issue 22: the gateway numbers server queries apart).
        Run(at, o =>
        {
            if (query.User is int user) _role.AbortUserQuery(Party.UserOf(user), query.Query, at, reason, o);
            else _role.Abort(query.Query, at, reason, o);
        });
        Close(query);
    }

    /// <summary>
    /// A message not of a query failed: a user's ends that user's session (it is told why; the node forgets it), a
    /// server's the run (the parent ends it everywhere).
    /// </summary>
    private void Fail(string reason, Party? from = null)
    {
        if (from is { IsUser: true } user && _users.TryGetValue(user.Index, out IUserChannel? channel))
        {
            _log.Warning("run {0}: user session {1} failed: {2}", _run, user.Index, reason);
            channel.Close(reason);
            EndUserSession(user.Index, reason);
            Context.Parent.Tell(new UserGone(_run, user.Index, reason));
        }
        else if (from is not { IsUser: true })
            Context.Parent.Tell(new RunFailed(_run, reason));
    }

    /// <summary>User session <paramref name="user"/> is over: the role drops its queries everywhere and its state; the host forgets its channel.</summary>
    private void EndUserSession(int user, string reason)
    {
        if (!_users.Remove(user)) return;
        Party party = Party.UserOf(user);
        // The reason goes to every server with the user's queries: it does not name the session (only the last tier
        // learns users' numbers, D25; review 22c).
        string why = $"its user's session ended: {reason}";
        if (_role is IUserSessions sessions)
            Run(ProtocolPhase.Online, o => sessions.EndUserSession(party, why, o));
        else
            // A role that keeps no sessions (a test's stand-in): its queries of this user are aborted one by one.
            foreach (OpenQuery q in _open.Keys.Where(k => k.User == user).ToArray())
                Abort(q, why);
        // Its session number is never given again and its later frames are dropped: the host keeps nothing of it
        // (review 22c: its closed queries stayed for the run's life, so users that came and went grew the host without bound).
        foreach (OpenQuery q in _open.Keys.Where(k => k.User == user).ToArray())
            _open.Remove(q);
        _closed.RemoveWhere(k => k.User == user);
    }

    /// <summary>Runs the role under <paramref name="phase"/> (its time is charged there) and sends what it emitted.</summary>
    private void Run(ProtocolPhase phase, Action<Outbox> act)
    {
        using var outbox = new Outbox(); // disposed once every message is encoded: pooled payloads go back
        long start = Stopwatch.GetTimestamp();
        // The role's data-parallel kernels (per-ciphertext sums, decryptions, per-block products) on the node's cores.
        using (KernelRunner.Use(_kernels))
            act(outbox);
        _meter.Computed(phase, Stopwatch.GetElapsedTime(start));
        if (!_keySetSpentTold && _role is IUserSessions { KeySetSpent: true })
        {
            _keySetSpentTold = true;
            Context.Parent.Tell(new KeySetSpent(_run));
        }
        if (UserQueriesByRole)
            foreach (QueryAssigned begun in outbox.Events.OfType<QueryAssigned>())
                if (_users.ContainsKey(begun.User.Index))
                    _open.TryAdd(OpenQuery.Of(begun.User, begun.UserQuery), DateTime.UtcNow);
        foreach ((Party to, SecoMessage message) in outbox.Messages)
        {
            EncodedSecoMessage encoded = EncodedSecoMessage.Of(message);
            _meter.Sent(message.Phase, encoded.Kind, encoded.Body.Length);
            if (to.IsUser)
            {
                // A user whose session is over gets nothing more (its connection is closed).
                if (_users.TryGetValue(to.Index, out IUserChannel? user)) user.Send(encoded);
            }
            else if (!_outbound.TryGetValue(to, out IActorRef? link))
                _log.Warning("run {0}: {1} has no link to {2}; {3} dropped", _run, Self_, to, encoded.Kind);
            else
                // Every body takes the bulk lane, small ones too: there it comes only from a connection authenticated as
                // its sender (Akka authenticates connections, not parties), and Delivery carries only announcements —
                // small, so its flow-control stall costs nothing (docs/cluster.md, "Bulk lane").
                link.Tell(new BulkAnnouncement(encoded.Kind, encoded.Body.Length, SHA256.HashData(encoded.Body), _bulkOut[to].Send(encoded.Body)));
            if (message is GatewayWelcome) Timers.Cancel("setup");
            // (A user whose session is over is not tracked any more.)
            if (to.IsUser && !_users.ContainsKey(to.Index)) continue;
            if (message is QueryAborted a) Close(OpenQuery.Of(to, a.Query));
            else if (to.IsUser && message is OutputCiphertext or OutputShare) Close(OpenQuery.Of(to, ((QueryMessage)message).Query));
        }
    }

    private void Close(OpenQuery query)
    {
        _open.Remove(query);
        // A user query of a role that names those it began is never tracked again unless begun again (it is not).
        if (query.User is null || !UserQueriesByRole) _closed.Add(query);
    }

    /// <summary>The gateway's role keeps user sessions and names each user query it begins (<see cref="QueryAssigned"/>): the deadline tracks those only.</summary>
    private bool UserQueriesByRole => Self_.IsGateway && _role is IUserSessions;

    /// <summary>A query the deadline runs on: a user's by its own number (<see cref="User"/> its session), or the server query <see cref="Query"/>.</summary>
    private readonly record struct OpenQuery(int? User, int Query)
    {
        /// <summary>The query <paramref name="query"/> as <paramref name="party"/> numbers it (a user its own, a server the server number).</summary>
        public static OpenQuery Of(Party party, int query) => new(party.IsUser ? party.Index : null, query);
    }

    protected override void PostStop()
    {
        // The run is over: its bulk connections close (what is still queued on them is dropped with the run).
        foreach (BulkSender sender in _bulkOut.Values)
            _ = sender.DisposeAsync().AsTask();
    }

    private sealed record BulkFailed(string Reason);

    private sealed record SetupDeadline
    {
        public static readonly SetupDeadline Instance = new();
    }
}
