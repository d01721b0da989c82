using Seco.Cluster.Configuration;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Seco.Cluster.Bulk;
using Seco.Cluster.Wire;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Hosting;

/// <summary>
/// The one long-lived actor of a server node (/user/seco). It finds the other servers by cluster role as they come up,
/// watches them, and runs the protocol in runs: the gateway starts run n when a user is admitted at its door and no run
/// is in progress (every server then makes a fresh role, so each run repeats the setup with new keys); users who come
/// while it is in progress join it (they share its server session, each with its own user session, issue 22); it ends
/// when the last of its users leaves.
/// Failures (docs/cluster.md): a party unreachable past the grace period fails the run's queries in flight with a
/// reason naming it; a party removed from the cluster (or whose node actor stopped) fails the run.
/// </summary>
internal sealed class NodeActor : UntypedActor, IWithTimers
{
    public const string Name = "seco";

    private readonly NodeSettings _settings;
    private readonly ServerDeployment _deployment;
    private readonly Action<string> _log;
    private readonly Action<long, RunMeter> _runStarted;
    private readonly TaskCompletionSource _ready;
    private readonly Dictionary<Party, IActorRef> _peers = [];
    private readonly Dictionary<Party, UniqueAddress> _members = [];
    private readonly ILoggingAdapter _akkaLog = Context.GetLogger();
    private readonly HashSet<Party> _notStarted = [];
    private long _run;
    private IActorRef? _runGateway;
    private DateTime _runStartedAt;
    private IActorRef? _host;
    /// <summary>The gateway's users in session in this run, by session number.</summary>
    private readonly Dictionary<int, IUserChannel> _users = [];
    /// <summary>The next user session number of this run (never given twice in a run: the last tier keeps each number's key).</summary>
    private int _nextUser;
    /// <summary>The run's key set is spent: users who come now wait for the next run (<see cref="_waiting"/>).</summary>
    private bool _spent;
    private readonly List<UserArrived> _waiting = [];
    private readonly RunControl _control;
    private readonly PendingStops _stops = new(StopSends);

    public NodeActor(NodeSettings settings, ServerDeployment deployment, Action<string> log, Action<long, RunMeter> runStarted, TaskCompletionSource ready)
    {
        _ready = ready;
        _settings = settings;
        _deployment = deployment;
        _log = log;
        _runStarted = runStarted;
        _control = new RunControl(settings);
        if (_control.KeyProblem is { } problem) _log($"warning: {problem}: the other servers will drop this node's run-control messages");
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private ServerEndpoint Me => _settings.Self;

    private bool IsGateway => Me.Role == Party.Gateway;

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case ClusterEvent.MemberUp up:
                OnMemberUp(up.Member);
                break;
            case PeerResolved r:
                if (!_members.TryGetValue(r.Party, out UniqueAddress? current) || !current.Equals(r.Member)) break;
                _peers[r.Party] = r.Node;
                Context.Watch(r.Node);
                _log($"joined: {_settings.ServerOf(r.Party)} at {r.Member.Address}");
                if (_peers.Count == _settings.Servers.Count - 1 && _ready.TrySetResult())
                    _log("ready: every server of the deployment is up");
                break;
            case PeerNotFound nf:
                _log($"warning: {_settings.ServerOf(nf.Party)} is a member but its SECO node did not answer: {nf.Problem}");
                break;
            case ClusterEvent.UnreachableMember u when PartyOf(u.Member) is Party p:
                _log($"suspect: {_settings.ServerOf(p)} is unreachable; its queries fail in {Durations.Show(_settings.Failure.UnreachableGrace)} unless it comes back");
                Timers.StartSingleTimer($"grace-{p}", new GraceOver(p, _run), _settings.Failure.UnreachableGrace);
                break;
            case ClusterEvent.ReachableMember r when PartyOf(r.Member) is Party p:
                Timers.Cancel($"grace-{p}");
                _log($"reachable again: {_settings.ServerOf(p)}");
                break;
            case GraceOver g when g.Run == _run && _host is not null:
                string why = $"{_settings.ServerOf(g.Party)} has been unreachable for {Durations.Show(_settings.Failure.UnreachableGrace)}";
                _log($"failing the queries in flight of run {_run}: {why}");
                _host.Tell(new FailOpenQueries(why, g.Party));
                break;
            case ClusterEvent.MemberRemoved removed:
                OnRemoved(removed.Member, "was removed from the cluster");
                break;
            case ClusterEvent.MemberExited exited:
                OnRemoved(exited.Member, "left the cluster");
                break;
            case Terminated t when _peers.FirstOrDefault(kv => kv.Value.Equals(t.ActorRef)) is { Value: not null } kv:
                _peers.Remove(kv.Key);
                FailRun($"{_settings.ServerOf(kv.Key)} stopped");
                break;
            case UserArrived a:
                OnUserArrived(a);
                break;
            case UserLeft left when left.Run == _run && IsGateway && _users.Remove(left.User):
                string ending = left.Problem is null ? "the user finished" : $"the user's connection ended: {left.Problem}";
                _host?.Tell(new UserGone(_run, left.User, ending));
                if (_users.Count == 0) EndRun(ending, tellUser: false);
                break;
            // The run's host ended a user's session (its own message failed it; the user was told why).
            case UserGone gone when gone.Run == _run && IsGateway && Sender.Equals(_host) && _users.Remove(gone.User):
                if (_users.Count == 0) EndRun($"its last user's session failed: {gone.Reason}", tellUser: false);
                break;
            // Run control is authenticated per party: signed by the claimed sender's TLS key for this node (RunControl).
            case IRunControl control when _control.Problem(control, GatewayUid, control is RunStart s ? s.Deployment : _deployment.DeploymentId) is { } problem:
                _log($"warning: dropped {control.GetType().Name} of run {control.Run} in the name of {_settings.ServerOf(control.From)}: {problem}");
                break;
            case RunStart start:
                OnRunStart(start);
                break;
            // The bulk lane's bodies go to their run; those of a run already over (or not begun here) are dropped.
            case BulkBody b:
                if (b.Run == _run) _host?.Tell(b);
                break;
            case BulkEnded e:
                if (e.Run == _run) _host?.Tell(e);
                break;
            case LinkOffer offer:
                // An offer for a run this node has not started yet is dropped: the offering side resends it.
                if (offer.Run == _run && _host is not null) _host.Forward(offer);
                break;
            case RunStarted started when started.Run == _run && IsGateway:
                _notStarted.Remove(started.From);
                break;
            case StartTick when _host is not null && IsGateway && _notStarted.Count > 0:
                if (DateTime.UtcNow - _runStartedAt > StartTimeout)
                {
                    FailRun($"{string.Join(" and ", _notStarted.Select(p => _settings.ServerOf(p).ToString()))} did not start run {_run} within {Durations.Show(StartTimeout)}");
                    break;
                }
                foreach (Party p in _notStarted)
                    if (_peers.TryGetValue(p, out IActorRef? peer)) peer.Tell(StartFor(p));
                break;
            // Only the run's gateway (on a server) or one of the run's servers (on the gateway) may stop it.
            case RunStop stop when IsGateway ? stop.From != Party.Gateway : stop.From == Party.Gateway:
                // A server acknowledges every stop of the gateway's (a resent one too), so the gateway stops resending.
                if (!IsGateway && _peers.TryGetValue(Party.Gateway, out IActorRef? runGateway))
                    runGateway.Tell(_control.Sealed(new RunStopped(stop.Run, Me.Role), Party.Gateway, GatewayUid, _deployment.DeploymentId));
                if (stop.Run != _run || !_peers.ContainsValue(Sender) || !(IsGateway || Sender.Equals(_runGateway))) break;
                if (IsGateway) FailRun(stop.Reason);
                else EndRun(stop.Reason, tellUser: false);
                break;
            case RunStopped stopped when IsGateway:
                _stops.Acknowledged(stopped.From, stopped.Run);
                if (!_stops.Any) Timers.Cancel("stop");
                break;
            case StopTick when IsGateway:
                var (resend, givenUp) = _stops.Tick();
                foreach ((Party to, RunStop stop) in resend)
                    if (_peers.TryGetValue(to, out IActorRef? peer)) peer.Tell(stop);
                foreach ((Party to, RunStop stop) in givenUp)
                    _log($"warning: {_settings.ServerOf(to)} did not acknowledge the end of run {stop.Run} ({StopSends} sends); its next run replaces it");
                if (!_stops.Any) Timers.Cancel("stop");
                break;
            case KeySetSpent spent when spent.Run == _run && IsGateway && Sender.Equals(_host) && !_spent:
                // Re-keying under a load (docs/cluster.md, "Many users"): the users in session finish (their next
                // queries are refused), newcomers wait, and the next run makes new keys once the last has left.
                _spent = true;
                _log($"run {_run}: its key set's queries are spent; new users wait for the next run (new keys) once the {_users.Count} in session have left");
                Timers.StartSingleTimer("drain", new DrainOver(_run), _settings.Failure.QueryDeadline);
                if (_users.Count == 0) EndRun("its key set's queries are spent", tellUser: false);
                break;
            case DrainOver d when d.Run == _run && _spent && _host is not null:
                EndRun($"its key set's queries are spent and its users did not leave within {Durations.Show(_settings.Failure.QueryDeadline)}", tellUser: true,
                    userReason: "the gateway's key set is spent and a new one is due; join again");
                break;
            case RunFailed failed when failed.Run == _run:
                FailRun(failed.Reason);
                break;
            case ClusterEvent.IMemberEvent or ClusterEvent.IReachabilityEvent or ClusterEvent.CurrentClusterState or RunStop or RunFailed or GraceOver or UserLeft
                or UserGone or KeySetSpent or DrainOver or Terminated or RunStarted or StartTick or RunStopped or StopTick:
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private Party? PartyOf(Member member)
    {
        foreach (ServerEndpoint s in _settings.Servers)
            if (member.HasRole(s.ClusterRole) && member.Address.Host == s.Host && member.Address.Port == s.Port)
                return s.Role;
        return null;
    }

    private void OnMemberUp(Member member)
    {
        if (PartyOf(member) is not Party party)
        {
            _log($"warning: member {member.Address} with roles [{string.Join(", ", member.Roles)}] is not a server of this deployment; ignored");
            return;
        }
        if (party == Me.Role)
        {
            // A gateway alone (l = L: DELPHI between the user and A, no remote share dealt) has no peer to wait for.
            if (_settings.Servers.Count == 1 && _ready.TrySetResult())
                _log("ready: every server of the deployment is up");
            return;
        }
        _members[party] = member.UniqueAddress;
        ActorSelection selection = Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name);
        UniqueAddress who = member.UniqueAddress;
        selection.ResolveOne(TimeSpan.FromSeconds(10)).PipeTo(Self,
            success: node => new PeerResolved(party, node, who),
            failure: e => new PeerNotFound(party, e.Message));
    }

    private void OnRemoved(Member member, string what)
    {
        Akka.Cluster.Cluster cluster = Akka.Cluster.Cluster.Get(Context.System);
        // This node leaving sees every other member go: not their failure.
        if (member.UniqueAddress.Equals(cluster.SelfUniqueAddress) || cluster.SelfMember.Status is MemberStatus.Leaving or MemberStatus.Exiting or MemberStatus.Down or MemberStatus.Removed)
            return;
        if (PartyOf(member) is not Party p || !_members.TryGetValue(p, out UniqueAddress? known) || !known.Equals(member.UniqueAddress)) return;
        _members.Remove(p);
        _peers.Remove(p);
        Timers.Cancel($"grace-{p}");
        _log($"down: {_settings.ServerOf(p)} {what}");
        FailRun($"{_settings.ServerOf(p)} {what}");
    }

    private void OnUserArrived(UserArrived a)
    {
        if (!IsGateway)
        {
            a.Channel.Close("this server has no user door");
            return;
        }
        if (_host is not null && _spent)
        {
            // The run's keys are spent: wait for the next run (it starts when the users in session have left).
            if (_waiting.Count >= _settings.MaxUsers)
            {
                _log($"turned a user away: {_waiting.Count} users wait for a new key set, the door's max_users");
                a.Channel.Close($"the gateway serves at most {_settings.MaxUsers} users at once and is full; try again later");
                return;
            }
            _waiting.Add(a);
            return;
        }
        if (_host is not null)
        {
            // Into the run in progress: its server session is shared (issue 22), the user gets a session of its own.
            if (_users.Count >= _settings.MaxUsers)
            {
                _log($"turned a user away: {_users.Count} users are in session, the door's max_users");
                a.Channel.Close($"the gateway serves at most {_settings.MaxUsers} users at once and is full; try again later");
                return;
            }
            if (_nextUser >= Party.MaxUsers)
            {
                _log($"turned a user away: run {_run} has given all {Party.MaxUsers} user session numbers; a new run starts when its users have left");
                a.Channel.Close("the gateway is full; try again later");
                return;
            }
            Admit(a);
            return;
        }
        var missing = _settings.Servers.Where(s => s.Role != Party.Gateway && !_peers.ContainsKey(s.Role)).ToArray();
        if (missing.Length > 0)
        {
            // The user hears that the deployment is incomplete, not which servers it has (docs/hierarchy.md).
            _log($"turned a user away: the deployment is not complete: {string.Join(" and ", missing.Select(m => m.ToString()))} not up");
            a.Channel.Close("the deployment is not complete (a server behind the gateway is not up); try again later");
            return;
        }
        _run++;
        _runStartedAt = DateTime.UtcNow;
        _notStarted.Clear();
        foreach ((Party p, IActorRef peer) in _peers)
        {
            _notStarted.Add(p);
            peer.Tell(StartFor(p));
        }
        Timers.StartPeriodicTimer("start", StartTick.Instance, TimeSpan.FromSeconds(1));
        _users.Clear();
        _nextUser = 0;
        _spent = false;
        StartHost();
        Admit(a);
    }

    /// <summary>User <paramref name="a"/> joins the run in progress under the next session number.</summary>
    private void Admit(UserArrived a)
    {
        IActorRef host = _host!;
        int user = _nextUser++;
        _users[user] = a.Channel;
        host.Tell(new JoinUser(user, a.Channel));
        a.Admitted.TrySetResult(new UserAdmission(host, _run, user));
    }

    private void OnRunStart(RunStart start)
    {
        if (IsGateway || !_peers.TryGetValue(Party.Gateway, out IActorRef? gateway) || !Sender.Equals(gateway))
        {
            _log($"warning: run {start.Run} started by {Sender.Path.Address}, which is not this deployment's gateway; ignored");
            return;
        }
        if (start.Deployment != _deployment.DeploymentId)
        {
            Sender.Tell(_control.Sealed(new RunStop(start.Run, Me.Role, $"{Me} holds deployment {_deployment.DeploymentId}, the gateway {start.Deployment}"),
                Party.Gateway, GatewayUid, start.Deployment));
            return;
        }
        if (_settings.Servers.Any(x => x.Role != Me.Role && !_peers.ContainsKey(x.Role)))
        {
            // This node has not seen every server up yet (a restarted peer it has not met): no answer, so the
            // gateway resends the start, and the run begins here once the peer is known.
            return;
        }
        if (start.Run != _run || _host is null || !Sender.Equals(_runGateway))
        {
            // A late resend of a run already replaced — unless a restarted gateway (a new incarnation) numbers from 1 again.
            if (start.Run < _run && Sender.Equals(_runGateway)) return;
            if (_host is not null) EndRun($"run {start.Run} replaces it", tellUser: false);
            _run = start.Run;
            _runGateway = Sender;
            StartHost();
        }
        Sender.Tell(_control.Sealed(new RunStarted(start.Run, Me.Role), Party.Gateway, GatewayUid, start.Deployment));
    }

    private void StartHost()
    {
        var peers = _peers.Where(kv => kv.Key != Me.Role).ToDictionary(kv => kv.Key, kv => kv.Value);
        var meter = new RunMeter(Me.Name);
        ISecoRole role = _deployment.NewRole();
        long run = _run;
        TimeSpan deadline = _settings.Failure.QueryDeadline;
        NodeSettings settings = _settings;
        _host = Context.ActorOf(Props.Create(() => new PartyHost(settings, role, run, peers, meter, deadline,
            // Every user is "the user" in reasons: a reason goes to its user, who must not learn how many others came before
            // it (its session number); the gateway's log names sessions where it says which failed.
            p => p.IsUser ? "the user" : settings.ServerOf(p).ToString())), $"run-{run}");
        _runStarted(run, meter);
        _log($"run {run}: started ({Me})");
    }

    /// <summary>The run failed among the servers: its reason names servers behind A, so each user hears only that its
    /// session failed among them (the gateway's log has the reason).</summary>
    private void FailRun(string reason)
    {
        if (_host is null) return;
        _log($"run {_run} failed: {reason}");
        EndRun(reason, tellUser: true);
        // A server whose run failed here (a peer's bulk connection broke, a setup message it rejected) tells the
        // gateway, which fails the run everywhere and tells the user at once — not at the query deadline.
        if (!IsGateway && _peers.TryGetValue(Party.Gateway, out IActorRef? gateway))
            gateway.Tell(_control.Sealed(new RunStop(_run, Me.Role, reason), Party.Gateway, GatewayUid, _deployment.DeploymentId));
    }

    /// <summary>What the user is told when its session failed among the servers: that it did, not where.</summary>
    public const string RemoteRunFailure = "the session failed among the servers behind the gateway (the gateway's log has the reason)";

    /// <param name="userReason">What the users in session are told when <paramref name="tellUser"/> (default: that the
    /// session failed among the servers).</param>
    private void EndRun(string reason, bool tellUser, string? userReason = null)
    {
        if (_host is null) return;
        Context.Stop(_host);
        _host = null;
        _notStarted.Clear();
        Timers.Cancel("start");
        if (IsGateway)
        {
            // Resent until acknowledged (StopTick): a lost stop would leave the run's role on that server.
            foreach ((Party p, IActorRef peer) in _peers)
            {
                RunStop stop = _control.Sealed(new RunStop(_run, Me.Role, reason), p, GatewayUid, _deployment.DeploymentId);
                _stops.Sent(p, stop);
                peer.Tell(stop);
            }
            if (_stops.Any) Timers.StartPeriodicTimer("stop", StopTick.Instance, StopResend);
            if (tellUser)
                foreach (IUserChannel user in _users.Values)
                    user.Close(userReason ?? RemoteRunFailure);
            _users.Clear();
            _spent = false;
            Timers.Cancel("drain");
        }
        // A node of a deployment is its own process, so this is the party's own peak (issue 20's memory figure); nodes
        // hosted together in one process (the loopback cluster) share it.
        _log($"run {_run}: ended ({reason}); peak resident memory of this process {Scenarios.Running.ProcessMemory.PeakResidentBytes() >> 20} MiB");
        // Users who waited for new keys start the next run (the first) and join it (the others).
        if (IsGateway && _waiting.Count > 0)
        {
            UserArrived[] waiting = [.. _waiting];
            _waiting.Clear();
            foreach (UserArrived a in waiting)
                OnUserArrived(a);
        }
    }

    /// <summary>The gateway's RunStart for run <see cref="_run"/> to <paramref name="to"/>, signed for it.</summary>
    private RunStart StartFor(Party to) => _control.Sealed(new RunStart(_run, _deployment.DeploymentId), to, GatewayUid, _deployment.DeploymentId);

    /// <summary>The uid of the gateway incarnation this node knows (its own on the gateway): run-control messages are signed for it.</summary>
    private long GatewayUid => IsGateway
        ? Akka.Cluster.Cluster.Get(Context.System).SelfUniqueAddress.Uid
        : _members.TryGetValue(Party.Gateway, out UniqueAddress? gateway) ? gateway.Uid : 0;

    private sealed record PeerResolved(Party Party, IActorRef Node, UniqueAddress Member);

    private sealed record PeerNotFound(Party Party, string Problem);

    private sealed record GraceOver(Party Party, long Run);

    private sealed record DrainOver(long Run);

    private sealed record StartTick
    {
        public static readonly StartTick Instance = new();
    }

    private sealed record StopTick
    {
        public static readonly StopTick Instance = new();
    }

    /// <summary>The gateway resends an unacknowledged RunStop this often, <see cref="StopSends"/> times in all.</summary>
    private static readonly TimeSpan StopResend = TimeSpan.FromSeconds(1);

    private const int StopSends = 5;

    /// <summary>How long the gateway waits for the other servers to start a run (RunStart is resent every second).</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
}
