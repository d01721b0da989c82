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
/// fails its query (the role aborts it and tells its peers), a setup message that fails ends the run, a query that
/// does not finish by the deadline is aborted with a reason that says so, and a setup that does not finish by it ends the run.
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

        host.Tell(new FromUser(new ReceivedSecoMessage("seco.user-prep", 10, null, "malformed 'seco.user-prep': cut short", 3)));
        host.Tell(new FromUser(new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(4), null, 4)));
        host.Tell(new FromUser(new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(5), null, 5)));

        Assert.True(SpinWait.SpinUntil(() => role.Aborted.Count == 2 && role.Handled.Contains(5), TimeSpan.FromSeconds(10)));
        Assert.Equal([3, 4], role.Aborted.Select(a => a.Query).Order());
        Assert.Contains("the user sent a malformed message: malformed 'seco.user-prep': cut short", role.Aborted.Single(a => a.Query == 3).Reason);
        Assert.Contains("rejected seco.prep-begin from the user: query 4 is poisoned", role.Aborted.Single(a => a.Query == 4).Reason);
        // The role told the user about each abort; query 5 went on.
        Assert.Equal([3, 4], user.Sent.Where(m => m.Kind == "seco.query-aborted").Select(m => ((QueryAborted)SecoCodecs.Decode(m.Body)).Query).Order());
        Assert.Contains(5, role.Handled);
    }

    [Fact]
    public async Task A_failing_setup_message_ends_the_run_and_a_stuck_query_meets_its_deadline()
    {
        var role = new ScriptedRole();
        var user = new RecordingChannel();
        var parent = new TaskCompletionSource<RunFailed>();
        IActorRef host = await Host(role, user, TimeSpan.FromSeconds(1), parent);

        host.Tell(new FromUser(new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(7), null, 7)));
        Assert.True(SpinWait.SpinUntil(() => role.Aborted.Any(a => a.Query == 7), TimeSpan.FromSeconds(10)), "the stuck query was not aborted");
        Assert.Contains("query 7 did not finish within the deadline of 1 s", role.Aborted.Single(a => a.Query == 7).Reason);

        host.Tell(new FromUser(new ReceivedSecoMessage("seco.user-join", 10, null, "malformed 'seco.user-join': bad key", null)));
        RunFailed failed = await parent.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("the user sent a malformed message", failed.Reason);
    }

    [Fact]
    public async Task A_setup_that_never_finishes_fails_the_run_at_the_deadline()
    {
        var parent = new TaskCompletionSource<RunFailed>();
        await Host(new ScriptedRole(welcomes: false), new RecordingChannel(), TimeSpan.FromSeconds(1), parent);
        RunFailed failed = await parent.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("the setup did not finish within the deadline of 1 s", failed.Reason);
        Assert.False(failed.ByUser);
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

    private Task<IActorRef> Host(ISecoRole role, IUserChannel user, TimeSpan deadline, TaskCompletionSource<RunFailed>? failed = null)
    {
        IActorRef parent = _system.ActorOf(Props.Create(() => new Parent(role, user, deadline, failed)));
        return parent.Ask<IActorRef>("host", TimeSpan.FromSeconds(10));
    }

    /// <summary>A gateway alone (the host under test has no peers, so no link or bulk connection is made).</summary>
    private static readonly NodeSettings Settings =
        new("A", [new ServerEndpoint("A", Party.Gateway, "127.0.0.1", 1)], null, FailureSettings.Default);

    /// <summary>Stands in for the node actor: makes the host a child (as the node does) and hears its RunFailed.</summary>
    private sealed class Parent : ReceiveActor
    {
        public Parent(ISecoRole role, IUserChannel user, TimeSpan deadline, TaskCompletionSource<RunFailed>? failed)
        {
            IActorRef host = Context.ActorOf(Props.Create(() => new PartyHost(Settings, role, 1, new Dictionary<Party, IActorRef>(), user, new RunMeter("A"), deadline,
                p => p == Party.User ? "the user" : p.ToString())));
            Receive<string>(_ => Sender.Tell(host));
            Receive<RunFailed>(f => failed?.TrySetResult(f));
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

        public void Close(string? reason)
        {
        }
    }
}
