namespace Seco.Actors.Tests;

/// <summary>
/// Order, sessions, request bookkeeping, metering of local against remote sends, and timers of the runtime, under the
/// simulator's dispatcher. These behaviours used to be checked on the in-process thread-pool runtime, removed in issue 17
/// (the real-time mode is Akka.Cluster, src/Seco.Cluster); here they are checked where they still run.
/// </summary>
public class DeliveryAndTimerTests
{
    [Fact]
    public async Task APingPongAcrossTwoPartiesKeepsOrderAndSessionAndAnAnsweredAskCancelsItsTimeout()
    {
        const int Hops = 200;
        Simulator sim = TestKit.Sim(null, "A", "B");
        ActorSystem a = sim.Party("A"), b = sim.Party("B");
        var sessionsAtA = new List<SessionId>();
        var sessionsAtB = new List<SessionId>();
        int? last = null;
        var (pong, pongActor) = b.SpawnScript("pong", (ctx, m) =>
        {
            sessionsAtB.Add(ctx.Session);
            if (m is Ping p) ctx.Reply(new Pong(p.Hop));
        });
        var (ping, pingActor) = a.SpawnScript("ping", (ctx, m) =>
        {
            sessionsAtA.Add(ctx.Session);
            switch (m)
            {
                case Ping start:
                    ctx.Send(ctx.RefFor(pong.Address), start);
                    break;
                case Pong { Hop: Hops } end:
                    last = end.Hop;
                    break;
                case Pong p:
                    ctx.Send(ctx.RefFor(pong.Address), new Ping(p.Hop + 1, new byte[p.Hop % 7]));
                    break;
            }
        });
        sim.Run();
        ping.Tell(new Ping(1, []), new SessionId(5));
        sim.Run();

        Assert.Equal(Hops, last);
        // Every hop in order on both sides, all in the session the first message set (replies inherit it).
        Assert.Equal(Enumerable.Range(1, Hops), pongActor.Received.Cast<Ping>().Select(p => p.Hop));
        Assert.Equal(Enumerable.Range(1, Hops), pingActor.Received.Skip(1).Cast<Pong>().Select(p => p.Hop));
        Assert.All(sessionsAtA.Concat(sessionsAtB), s => Assert.Equal(new SessionId(5), s));

        long askedAt = sim.NowNs;
        Task<object> ask = a.Ask(a.RefFor(pong.Address), new Ping(42, [1, 2, 3]), TimeSpan.FromSeconds(10));
        sim.Run();
        Assert.Equal(new Pong(42), await ask);
        // The request's timeout was cancelled when the reply came: the clock stops at the reply (a round trip over
        // the 1 ms link), not 10 s later, and nothing timed out or became a dead letter.
        Assert.InRange(sim.NowNs - askedAt, TestKit.Ms(2), TestKit.Ms(3));
        Assert.Equal(Hops + 1, a.Meter.Snapshot().MessagesSent);
        Assert.Equal(Hops + 1, b.Meter.Snapshot().MessagesReceived);
        Assert.Equal(2 * (Hops + 1), sim.Messages.Count);
        Assert.Equal(0, sim.MessagesDropped);
        Assert.Equal((0L, 0L, 0L), a.EventCounts);
        Assert.Equal((0L, 0L, 0L), b.EventCounts);
    }

    [Fact]
    public void EachSendersMessagesArriveInOrderAndOnlyThoseFromAnotherPartyAreMetered()
    {
        const int Senders = 8, PerSender = 250, Total = Senders * PerSender;
        Simulator sim = TestKit.Sim(null, "A", "B");
        ActorSystem a = sim.Party("A"), b = sim.Party("B");
        int[] lastHop = [.. Enumerable.Repeat(-1, Senders)];
        int outOfOrder = 0, handled = 0;
        var (counter, _) = b.SpawnScript("counter", (ctx, m) =>
        {
            var p = (Ping)m;
            int sender = p.Payload[0];
            if (p.Hop != lastHop[sender] + 1) outOfOrder++;
            lastHop[sender] = p.Hop;
            handled++;
        });
        // Senders 0-3 live on A (their pings cross the A→B link), 4-7 on B (local: encoded and decoded, not metered).
        // Each sends its pings one per turn, so the eight streams interleave at the counter.
        var senders = new List<ActorRef>();
        for (int s = 0; s < Senders; s++)
        {
            byte me = (byte)s;
            ActorSystem home = s < Senders / 2 ? a : b;
            var (sender, _) = home.SpawnScript($"sender-{s}", (ctx, m) =>
            {
                int hop = ((Pong)m).Hop;
                ctx.Send(ctx.RefFor(counter.Address), new Ping(hop, [me]));
                if (hop + 1 < PerSender) ctx.Send(ctx.Self, new Pong(hop + 1));
            });
            senders.Add(sender);
        }
        sim.Run();
        foreach (ActorRef s in senders) s.Tell(new Pong(0));
        sim.Run();

        Assert.Equal(Total, handled);
        Assert.Equal(0, outOfOrder);
        Assert.All(lastHop, h => Assert.Equal(PerSender - 1, h));
        Assert.Equal(Total / 2, a.Meter.Snapshot().MessagesSent);
        Assert.Equal(Total / 2, b.Meter.Snapshot().MessagesReceived);
        Assert.Equal(0, b.Meter.Snapshot().MessagesSent);
        Assert.Equal(Total / 2, sim.Messages.Count);
    }

    [Fact]
    public void TimersFireAtTheirVirtualDelayFromWhereTheyWereSetAndCancelledOnesNever()
    {
        Simulator sim = TestKit.Sim(null, "A");
        var got = new List<(int Hop, long AtNs, SessionId Session)>();
        long startNs = -1;
        var (actor, _) = sim.Party("A").SpawnScript("timers", (ctx, m) =>
        {
            var p = (Pong)m;
            if (p.Hop == 0)
            {
                startNs = ctx.NowNs;
                // A timer counts from the moment it is set: after 10 ms of this handler's compute.
                ctx.ChargeCompute(TimeSpan.FromMilliseconds(10));
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(150), new Pong(1));
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(50), new Pong(2)).Dispose();
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(200), new Pong(3));
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(150), new Pong(4));
                return;
            }
            got.Add((p.Hop, ctx.NowNs - startNs, ctx.Session));
        });
        sim.Run();
        actor.Tell(new Pong(0), new SessionId(6));
        sim.Run();

        // Due together: in the order they were set. The cancelled one never arrives. Timer messages keep the session.
        SessionId s6 = new(6);
        Assert.Equal([(1, TestKit.Ms(160), s6), (4, TestKit.Ms(160), s6), (3, TestKit.Ms(210), s6)], got);
        Assert.Equal(startNs + TestKit.Ms(210), sim.NowNs);
        Assert.Equal((0L, 0L, 0L), sim.Party("A").EventCounts);
    }
}
