using Seco.Actors.Transport;

namespace Seco.Actors.Tests;

/// <summary>A failure fails one session, is reported, and nothing else stops.</summary>
public class SupervisionTests
{
    [Fact]
    public void AThrowingHandlerFailsItsSessionIsReportedAndOthersContinue()
    {
        Simulator sim = TestKit.Sim(null, "A", "B", "C");
        var (b, bActor) = sim.Party("B").SpawnScript("fragile", (ctx, m) =>
        {
            if (m is Ping { Hop: 2 }) throw new InvalidOperationException("hop 2 is poison");
            ctx.Reply(new Pong(((Ping)m).Hop));
        });
        var (c, _) = sim.Party("C").SpawnScript("steady", (ctx, m) => ctx.Reply(new Pong(((Ping)m).Hop)));
        var pongs = new List<(SessionId, int)>();
        var (a, aActor) = sim.Party("A").SpawnScript("client", (ctx, m) => { if (m is Pong p) pongs.Add((ctx.Session, p.Hop)); });
        sim.Run();
        ActorSystem sa = sim.Party("A");
        var starter = new Script((_, _) => { });
        ActorRef driver = sa.Spawn(Props.Create(() => new Driver(ctx =>
        {
            for (int s = 1; s <= 3; s++)
            {
                ctx.Send(sa.RefFor(b.Address), new Ping(s, []), new SessionId((ulong)s));
                ctx.Send(sa.RefFor(c.Address), new Ping(s, []), new SessionId((ulong)s));
            }
            // A later message of the failed session is not delivered to B's actor.
            ctx.Send(sa.RefFor(b.Address), new Ping(7, []), new SessionId(2));
        }, a)), "driver");
        sim.Run();

        // B answered sessions 1 and 3, C all three; the driver forwarded the pongs to the client.
        Assert.Equal([(new SessionId(1), 1), (new SessionId(1), 1), (new SessionId(2), 2), (new SessionId(3), 3), (new SessionId(3), 3)],
            pongs.OrderBy(p => p.Item1.Value).ThenBy(p => p.Item2).ToList());
        SessionFailure failure = Assert.Single(sim.Party("B").Failures);
        Assert.Equal(new SessionId(2), failure.Session);
        Assert.Equal("/fragile", failure.Actor);
        Assert.Equal("test.ping", failure.Kind);
        Assert.Equal("InvalidOperationException: hop 2 is poison", failure.Error);
        Assert.False(failure.Remote);
        Assert.Single(bActor.FailedSessions);
        // The sender (the driver on A) was told: its session 2 is failed there too (remote failure).
        SessionFailure told = Assert.Single(sim.Party("A").Failures);
        Assert.True(told.Remote);
        Assert.Equal("/driver", told.Actor);
        Assert.Equal(new SessionId(2), told.Session);
        Assert.Contains("hop 2 is poison", told.Error);
        DeadLetter dead = Assert.Single(sim.Party("B").DeadLetters);
        Assert.Equal(new SessionId(2), dead.Session);
        Assert.Contains("session s2 failed here earlier", dead.Reason);
        Assert.Equal(3, bActor.Received.Count);   // hops 1, 2 (threw), 3; not 7
        // Nothing else failed: not C, which served session 2 too, and no message was lost at A.
        Assert.Empty(sim.Party("C").Failures);
        Assert.Empty(sim.Party("A").DeadLetters);
        Assert.All(sim.Parties, p => Assert.Empty(p.RejectedFrames));
        _ = starter; _ = driver; _ = aActor;
    }

    [Fact]
    public void AMalformedBodyFailsOnlyItsSessionAndTheNodeKeepsServing()
    {
        Simulator sim = TestKit.Sim(null, "A", "B");
        var (b, bActor) = sim.Party("B").SpawnScript("svc", (ctx, m) => { });
        sim.Run();
        IFrameReceiver receiver = sim.Party("B");
        NodeAddress from = sim.Party("A").Address;

        // A negative millis is rejected by the codec: the session fails, naming the problem.
        byte[] bad = Frame.Encode(sim.Registry, "/svc", "/x", 0, 0, new Work(-1, "t"), new SessionId(9));
        receiver.Receive(from, bad, FrameMeta.None);
        // An unknown kind: the header is readable, so again only session 10 fails.
        byte[] unknown = Frame.Encode(sim.Registry, "/svc", "/x", 0, 0, new Pong(1), new SessionId(10));
        int kindAt = Array.IndexOf(unknown, (byte)'p', 8);
        unknown[kindAt] = (byte)'q';   // "test.pong" -> "test.qong"
        receiver.Receive(from, unknown, FrameMeta.None);
        // Garbage: nothing to fail but the frame itself.
        receiver.Receive(from, [0xc1, 0x00], FrameMeta.None);
        receiver.Receive(from, [0x95, 0xa1], FrameMeta.None);
        // A good frame of another session is still served.
        receiver.Receive(from, Frame.Encode(sim.Registry, "/svc", "/x", 0, 0, new Pong(5), new SessionId(11)), FrameMeta.None);
        sim.Run();

        Assert.Equal([new Pong(5)], bActor.Received);
        Assert.Equal([new SessionId(9), new SessionId(10)], sim.Party("B").Failures.Select(f => f.Session));
        Assert.Contains("test.work: millis must be >= 0, got -1", sim.Party("B").Failures[0].Error);
        Assert.Contains("unknown message kind 'test.qong'", sim.Party("B").Failures[1].Error);
        Assert.Equal(2, sim.Party("B").RejectedFrames.Count);
        Assert.All(sim.Party("B").RejectedFrames, r => Assert.StartsWith("malformed frame: MessagePack: at byte", r.Reason));
        _ = b;
    }

    [Fact]
    public void SendingATypeWithoutCodecFailsTheSessionWithAClearMessage()
    {
        Simulator sim = TestKit.Sim(null, "A", "B");
        var (b, _) = sim.Party("B").SpawnScript("svc", (ctx, m) => { });
        var (a, _) = sim.Party("A").SpawnScript("client", (ctx, m) => ctx.Send(ctx.RefFor(b.Address), new Uri("http://x")));
        sim.Run();
        a.Tell(new Pong(1), new SessionId(4));
        sim.Run();
        SessionFailure f = Assert.Single(sim.Party("A").Failures);
        Assert.Equal(new SessionId(4), f.Session);
        Assert.Equal("UnknownMessageException: no codec registered for message type System.Uri; register one in the MessageRegistry", f.Error);
    }

    [Fact]
    public void AMessagePastTheFrameLimitFailsTheSendersSessionByNameAndIsNotSent()
    {
        var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly, DefaultLink = new LinkModel(1, 1000), MaxFrameBytes = 4096 });
        sim.AddParty("A");
        sim.AddParty("B");
        var (b, bActor) = sim.Party("B").SpawnScript("svc", (ctx, m) => { });
        var (a, _) = sim.Party("A").SpawnScript("client", (ctx, m) => ctx.Send(ctx.RefFor(b.Address), new Ping(1, new byte[m is Pong { Hop: 2 } ? 5000 : 10])));
        sim.Run();
        a.Tell(new Pong(1), new SessionId(4)); // a small ping: sent
        a.Tell(new Pong(2), new SessionId(5)); // a 5,000-byte ping: refused at the sender
        sim.Run();
        SessionFailure f = Assert.Single(sim.Party("A").Failures);
        Assert.Equal(new SessionId(5), f.Session);
        Assert.Contains("a test.ping message of 5,0", f.Error);
        Assert.Contains("exceeds the 4,096-byte frame limit; it is not sent", f.Error);
        Assert.Single(bActor.Received.OfType<Ping>());
        Assert.Empty(sim.Party("B").Failures);
    }

    [Fact]
    public async Task AFrameForANodeThatDoesNotExistIsLostAndCountedLikeOnANetwork()
    {
        Simulator sim = TestKit.Sim(null, "A", "B");
        var ghost = ActorAddress.Parse("seco://sim@Z:7999/nobody");
        var (a, _) = sim.Party("A").SpawnScript("a", (ctx, m) => { ctx.Send(ctx.RefFor(ghost), new Pong(1)); ctx.Reply(new Pong(2)); });
        var (b, bActor) = sim.Party("B").SpawnScript("b", (ctx, m) => { });
        sim.Run();
        sim.Party("B").RefFor(b.Address).Tell(new Pong(0));
        Task<object> reply = sim.Party("B").Ask(sim.Party("B").RefFor(a.Address), new Pong(0), TimeSpan.FromSeconds(1), new SessionId(5));
        sim.Run();
        Assert.Equal(new Pong(2), await reply);   // the sender's handler went on after the lost frame
        Assert.Empty(sim.Party("A").Failures);
        Assert.Equal(1, sim.MessagesDropped);
        MessageRecord lost = sim.Messages.Single(m => m.Dropped);
        Assert.Equal(("no party at seco://sim@Z:7999", "test.pong", new SessionId(5)), (lost.DropReason, lost.Kind, lost.Session));
        Assert.Equal(2, sim.Party("A").Meter.Snapshot().MessagesSent);   // the lost frame did leave A, as did the reply
        _ = bActor;
    }

    [Fact]
    public void RegistryRejectsUnknownKindsAndDuplicates()
    {
        MessageRegistry r = TestKit.Registry();
        Assert.Equal("unknown message kind 'nope'", Assert.Throws<UnknownMessageException>(() => r.CodecFor("nope")).Message);
        Assert.Throws<ArgumentException>(() => r.Register(new PingCodec()));
        r.Freeze();
        Assert.Throws<InvalidOperationException>(() => new MessageRegistry().Register(new PingCodec()).Register(new PongCodec()).Also(x => x.Freeze()).Register(new WorkCodec()));
        Assert.Contains("seco.terminated", r.Kinds);
    }

    /// <summary>Runs an action on start and forwards every message it gets to <paramref name="forward"/>.</summary>
    private sealed class Driver(Action<ActorContext> start, ActorRef forward) : Actor
    {
        protected internal override void PreStart(ActorContext context) => start(context);

        protected internal override void Receive(ActorContext context, object message) => context.Send(forward, message);
    }
}

internal static class Fluent
{
    public static T Also<T>(this T value, Action<T> action)
    {
        action(value);
        return value;
    }
}
