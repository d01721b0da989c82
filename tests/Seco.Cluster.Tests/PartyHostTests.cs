using Seco.Cluster.Configuration;
using Akka.Actor;
using Akka.Configuration;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests;

/// <summary>
/// The role host's failure handling, with a scripted role and no network: a malformed message or a handler that throws
/// fails its query (the role aborts it and tells its peers), a user's setup message that fails ends that user's session
/// (not the run), a query that does not finish by the deadline is aborted with a reason that says so, and a setup that
/// does not finish by it ends the run.
/// </summary>
public sealed class PartyHostTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("party-host-test", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));

    public void Dispose() => _system.Dispose();

    [Fact]
    public async Task A_malformed_message_or_a_throwing_handler_fails_only_its_query()
    {
        var role = new ScriptedRole();
        var user = new RecordingChannel();
        IActorRef host = await Host(role, user, TimeSpan.FromMinutes(10));

        host.Tell(new FromUser(0, new ReceivedSecoMessage("seco.user-prep", 10, null, "malformed 'seco.user-prep': cut short", 3)));
        host.Tell(new FromUser(0, new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(4), null, 4)));
        host.Tell(new FromUser(0, new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(5), null, 5)));

        Assert.True(SpinWait.SpinUntil(() => role.Aborted.Count == 2 && role.Handled.Contains(5), TimeSpan.FromSeconds(10)));
        Assert.Equal([3, 4], role.Aborted.Select(a => a.Query).Order());
        Assert.Contains("the user sent a malformed message: malformed 'seco.user-prep': cut short", role.Aborted.Single(a => a.Query == 3).Reason);
        Assert.Contains("rejected seco.prep-begin from the user: query 4 is poisoned", role.Aborted.Single(a => a.Query == 4).Reason);
        // The role told the user about each abort; query 5 went on.
        Assert.Equal([3, 4], user.Sent.Where(m => m.Kind == "seco.query-aborted").Select(m => ((QueryAborted)SecoCodecs.Decode(m.Body)).Query).Order());
        Assert.Contains(5, role.Handled);
    }

    [Fact]
    public async Task A_users_failing_setup_message_ends_its_session_and_a_stuck_query_meets_its_deadline()
    {
        var role = new ScriptedRole();
        var user = new RecordingChannel();
        var parent = new TaskCompletionSource<RunFailed>();
        var gone = new TaskCompletionSource<UserGone>();
        IActorRef host = await Host(role, user, TimeSpan.FromSeconds(1), parent, gone);

        host.Tell(new FromUser(0, new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(7), null, 7)));
        Assert.True(SpinWait.SpinUntil(() => role.Aborted.Any(a => a.Query == 7), TimeSpan.FromSeconds(10)), "the stuck query was not aborted");
        Assert.Contains("query 7 did not finish within the deadline of 1 s", role.Aborted.Single(a => a.Query == 7).Reason);

        host.Tell(new FromUser(0, new ReceivedSecoMessage("seco.user-join", 10, null, "malformed 'seco.user-join': bad key", null)));
        UserGone ended = await gone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, ended.User);
        Assert.Contains("the user sent a malformed message", ended.Reason);
        // The user was told why, its session is over (its later messages are not handled), and the run goes on.
        Assert.Contains("the user sent a malformed message", user.ClosedWith);
        host.Tell(new FromUser(0, new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(8), null, 8)));
        await Task.Delay(500);
        Assert.DoesNotContain(8, role.Handled);
        Assert.False(parent.Task.IsCompleted);
    }

    [Fact]
    public async Task A_setup_that_never_finishes_fails_the_run_at_the_deadline()
    {
        var parent = new TaskCompletionSource<RunFailed>();
        await Host(new ScriptedRole(welcomes: false), new RecordingChannel(), TimeSpan.FromSeconds(1), parent);
        RunFailed failed = await parent.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("the setup did not finish within the deadline of 1 s", failed.Reason);
    }

    [Fact]
    public async Task A_setup_that_finishes_is_not_failed_by_the_deadline()
    {
        var parent = new TaskCompletionSource<RunFailed>();
        await Host(new ScriptedRole(), new RecordingChannel(), TimeSpan.FromSeconds(1), parent);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        if (parent.Task.IsCompleted)
            Assert.Fail($"the run failed: {(await parent.Task).Reason}");
    }

    private Task<IActorRef> Host(ISecoRole role, IUserChannel user, TimeSpan deadline, TaskCompletionSource<RunFailed>? failed = null,
        TaskCompletionSource<UserGone>? gone = null)
    {
        IActorRef parent = _system.ActorOf(Props.Create(() => new Parent(role, user, deadline, failed, gone)));
        return parent.Ask<IActorRef>("host", TimeSpan.FromSeconds(10));
    }

    /// <summary>A gateway alone (the host under test has no peers, so no link or bulk connection is made).</summary>
    private static readonly NodeSettings Settings =
        new("A", [new ServerEndpoint("A", Party.Gateway, "127.0.0.1", 1)], null, FailureSettings.Default);

    /// <summary>Stands in for the node actor: makes the host a child (as the node does), admits user session 0, and hears its RunFailed and UserGone.</summary>
    private sealed class Parent : ReceiveActor
    {
        public Parent(ISecoRole role, IUserChannel user, TimeSpan deadline, TaskCompletionSource<RunFailed>? failed, TaskCompletionSource<UserGone>? gone)
        {
            IActorRef host = Context.ActorOf(Props.Create(() => new PartyHost(Settings, role, 1, new Dictionary<Party, IActorRef>(), new RunMeter("A"), deadline,
                p => p == Party.User ? "the user" : p.ToString())));
            host.Tell(new JoinUser(0, user));
            Receive<string>(_ => Sender.Tell(host));
            Receive<RunFailed>(f => failed?.TrySetResult(f));
            Receive<UserGone>(g => gone?.TrySetResult(g));
        }
    }

    /// <summary>A gateway-like role: query 4 throws; every abort is recorded and told to the user.</summary>
    /// <param name="welcomes">Whether its setup ends at once (it welcomes the user on start) or never.</param>
    private sealed class ScriptedRole(bool welcomes = true) : ISecoRole
    {
        public List<int> Handled { get; } = [];

        public List<(int Query, string Reason)> Aborted { get; } = [];

        public Party Self => Party.Gateway;

        public void Start(Outbox outbox)
        {
            if (welcomes) outbox.Send(Party.User, new GatewayWelcome([], []));
        }

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            if (message is QueryMessage { Query: 4 })
                throw new ProtocolViolationException("query 4 is poisoned");
            if (message is QueryMessage q)
                lock (Handled) Handled.Add(q.Query);
        }

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => Abort(query, at, reason, outbox, user);

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
        {
            lock (Aborted) Aborted.Add((query, reason));
            outbox.Send(Party.User, new QueryAborted(query, at, reason));
        }
    }

    private sealed class RecordingChannel : IUserChannel
    {
        private readonly List<EncodedSecoMessage> _sent = [];

        public IReadOnlyList<EncodedSecoMessage> Sent
        {
            get
            {
                lock (_sent) return [.. _sent];
            }
        }

        public void Send(EncodedSecoMessage message)
        {
            lock (_sent) _sent.Add(message);
        }

        public string? ClosedWith { get; private set; }

        public void Close(string? reason) => ClosedWith = reason;
    }
}
