using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Seco.Cluster.Configuration;
using Seco.Cluster.Hosting;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests.Review22c;

/// <summary>
/// Review 22c, the gateway's host and user sessions. (1) The reason the role hands the servers with an ended session's
/// queries must not name its session number — only the last tier learns users' numbers (D25). (2) The host must not
/// keep per-query state for query numbers a user merely names: each one stayed in the host's closed set for the run's
/// life (even after the user left — its number is never given again), so one user grew the gateway without bound
/// with frames of a few bytes, and users that came and went grew a long-lived run.
/// </summary>
[Trait("Category", "Review22c")]
public sealed class EndedUserSessionHostStateTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("review22c-host", ConfigurationFactory.ParseString("akka.loglevel = ERROR"));

    public void Dispose() => _system.Dispose();

    private static readonly NodeSettings Settings =
        new("A", [new ServerEndpoint("A", Party.Gateway, "127.0.0.1", 1)], null, FailureSettings.Default);

    [Fact]
    public void An_ended_user_session_is_not_named_to_the_servers()
    {
        var role = new SessionRole();
        IActorRef host = Host(role);
        host.Tell(new JoinUser(37, new NullChannel()));
        host.Tell(new UserGone(1, 37, "the user finished"));
        Assert.True(SpinWait.SpinUntil(() => role.Ended is not null, TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("37", role.Ended!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_numbers_a_user_names_but_never_began_leave_no_state_in_the_host_during_or_after_its_session()
    {
        var role = new SessionRole();
        IActorRef host = Host(role);
        host.Tell(new JoinUser(0, new NullChannel()));
        host.Tell(new JoinUser(37, new NullChannel()));
        // User 37 names many query numbers it never began (each a few bytes at the door): the role refuses each.
        for (int q = 0; q < 500; q++)
            host.Tell(new FromUser(37, new ReceivedSecoMessage("seco.prep-begin", 10, new PreparationBegin(1000 + q), null, 1000 + q)));
        Assert.True(SpinWait.SpinUntil(() => role.Seen >= 500, TimeSpan.FromSeconds(10)));
        await Task.Delay(200);
        PartyHost actor = Actor(host);
        Assert.Equal(0, Entries(actor, "_closed", 37) + Entries(actor, "_open", 37));

        // And once it has left, nothing of it either.
        host.Tell(new UserGone(1, 37, "the user finished"));
        Assert.True(SpinWait.SpinUntil(() => role.Ended is not null, TimeSpan.FromSeconds(10)));
        await Task.Delay(200);
        Assert.Equal(0, Entries(actor, "_closed", 37) + Entries(actor, "_open", 37));
    }

    private IActorRef Host(ISecoRole role) =>
        _system.ActorOf(Props.Create(() => new PartyHost(Settings, role, 1, new Dictionary<Party, IActorRef>(), new RunMeter("A"),
            TimeSpan.FromMinutes(10), p => p.IsUser ? "the user" : p.ToString())));

    private static PartyHost Actor(IActorRef host)
    {
        var cell = (ActorCell)((ActorRefWithCell)host).Underlying;
        return (PartyHost)typeof(ActorCell).GetProperty("Actor", BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.Instance)!.GetValue(cell)!;
    }

    /// <summary>The host's entries (in its open-query deadlines or its closed set) of user session <paramref name="user"/>.</summary>
    private static int Entries(PartyHost host, string field, int user)
    {
        object set = typeof(PartyHost).GetField(field, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(host)!;
        IEnumerable<object> keys = set is System.Collections.IDictionary d ? d.Keys.Cast<object>() : ((System.Collections.IEnumerable)set).Cast<object>();
        return keys.Count(k => (int?)k.GetType().GetProperty("User")!.GetValue(k) == user);
    }

    /// <summary>A gateway-like role with user sessions: it welcomes at once, refuses queries it never began, and records the end of a session.</summary>
    private sealed class SessionRole : ISecoRole, IUserSessions
    {
        private int _seen;

        public int Seen => Volatile.Read(ref _seen);

        public string? Ended { get; private set; }

        public Party Self => Party.Gateway;

        public void Start(Outbox outbox) => outbox.Send(Party.User, new GatewayWelcome([], []));

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            Interlocked.Increment(ref _seen);
            if (message is QueryMessage q)
                throw new ProtocolViolationException($"query {q.Query} is unknown at the gateway");
        }

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) =>
            outbox.Send(user, new QueryAborted(query, at, reason));

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null)
        {
        }

        public void EndUserSession(Party user, string reason, Outbox outbox) => Ended = reason;

        public bool KeySetSpent => false;
    }

    private sealed class NullChannel : IUserChannel
    {
        public void Send(EncodedSecoMessage message)
        {
        }

        public void Close(string? reason)
        {
        }
    }
}
