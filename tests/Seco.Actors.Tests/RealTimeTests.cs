using System.Diagnostics;
using Seco.Actors.Metering;
using Seco.Actors.RealTime;

namespace Seco.Actors.Tests;

/// <summary>
/// The same runtime on the thread pool and the in-memory transport (<see cref="LocalCluster"/>): the seam
/// between the runtime and what runs and carries its messages is clean.
/// </summary>
public class RealTimeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ScriptActorsPingPongAcrossTwoNodesAndAskGetsTheReply()
    {
        const int Hops = 200;
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem a = cluster.AddNode("A", 7100), b = cluster.AddNode("B", 7101);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sessionsAtB = new List<SessionId>();
        var (pong, pongActor) = b.SpawnScript("pong", (ctx, m) =>
        {
            sessionsAtB.Add(ctx.Session);
            if (m is Ping p) ctx.Reply(new Pong(p.Hop));
        });
        var (ping, pingActor) = a.SpawnScript("ping", (ctx, m) =>
        {
            switch (m)
            {
                case Ping start:
                    ctx.Send(ctx.RefFor(pong.Address), start);
                    break;
                case Pong { Hop: Hops } last:
                    done.TrySetResult(last.Hop);
                    break;
                case Pong p:
                    ctx.Send(ctx.RefFor(pong.Address), new Ping(p.Hop + 1, new byte[p.Hop % 7]));
                    break;
            }
        });

        ping.Tell(new Ping(1, []), new SessionId(5));
        Assert.Equal(Hops, await done.Task.WaitAsync(Patience));

        // Every hop in order on both sides, all in the session the first message set.
        Assert.Equal(Enumerable.Range(1, Hops), pongActor.Received.Cast<Ping>().Select(p => p.Hop));
        Assert.Equal(Enumerable.Range(1, Hops), pingActor.Received.Skip(1).Cast<Pong>().Select(p => p.Hop));
        Assert.All(sessionsAtB, s => Assert.Equal(new SessionId(5), s));

        object reply = await a.Ask(a.RefFor(pong.Address), new Ping(42, [1, 2, 3]), Patience).WaitAsync(Patience);
        Assert.Equal(new Pong(42), reply);
        Assert.Equal(Hops + 1, a.Meter.Snapshot().MessagesSent);
        Assert.Equal(Hops + 1, b.Meter.Snapshot().MessagesReceived);
        Assert.Equal(2 * (Hops + 1), cluster.Transport.Delivered);
        Assert.Equal(0, cluster.Transport.Dropped);
        // The answered request's timeout timer was cancelled (the ask actor stops after the reply).
        await Eventually(() => cluster.Dispatcher.PendingTimers == 0, "the ask's timer is cancelled");
        AssertNoFaults(cluster, a, b);
    }

    [Fact]
    public async Task AnAskThatGetsNoReplyFailsWithTimeoutExceptionAfterItsTimeout()
    {
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem a = cluster.AddNode("A", 7100), b = cluster.AddNode("B", 7101);
        var (silent, _) = b.SpawnScript("silent", (_, _) => { });
        TimeSpan timeout = TimeSpan.FromMilliseconds(300);

        var clock = Stopwatch.StartNew();
        Task<object> ask = a.Ask(a.RefFor(silent.Address), new Ping(1, []), timeout);
        Task first = await Task.WhenAny(ask, Task.Delay(Patience));
        clock.Stop();

        Assert.Same(ask, first);
        TimeoutException e = await Assert.ThrowsAsync<TimeoutException>(() => ask);
        Assert.Contains($"no reply from {silent.Address} to 'test.ping' within", e.Message);
        Assert.True(clock.Elapsed >= timeout, $"timed out after {clock.Elapsed.TotalMilliseconds} ms, before the {timeout.TotalMilliseconds} ms timeout");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"timed out only after {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Equal(1, b.Meter.Snapshot().MessagesReceived);   // the request did arrive
        AssertNoFaults(cluster, a, b);
    }

    [Fact]
    public async Task AnActorHandlesOneMessageAtATimeWhileManyThreadsSendToIt()
    {
        const int Senders = 8, Threads = 4, PerSender = 1250, Total = Senders * PerSender;
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem a = cluster.AddNode("A", 7100), b = cluster.AddNode("B", 7101);
        var state = new CounterState(Senders);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (target, _) = b.SpawnScript("counter", (ctx, m) =>
        {
            if (Volatile.Read(ref state.Busy)) Interlocked.Increment(ref state.Overlaps);
            Volatile.Write(ref state.Busy, true);
            var p = (Ping)m;
            int sender = p.Payload[0];
            if (p.Hop != state.LastHop[sender] + 1) state.OutOfOrder++;
            state.LastHop[sender] = p.Hop;
            int c = state.Counter;   // deliberately non-atomic read-modify-write, with a window
            Thread.SpinWait(50);
            state.Counter = c + 1;
            Volatile.Write(ref state.Busy, false);
            if (Interlocked.Increment(ref state.Handled) == Total) done.TrySetResult();
        });
        // Senders 0-3 go through the transport from node A, 4-7 are local to B; each thread drives two.
        ActorRef[] via = [.. Enumerable.Range(0, Senders).Select(s => s < Senders / 2 ? a.RefFor(target.Address) : target)];
        // Let the pool run several workers at once even on a 2-core machine: with its default minimum the
        // pool often drains everything on one worker, and a dispatcher that ran an actor on two threads
        // at once would go unnoticed.
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 8), io);
        using var start = new Barrier(Threads);
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerSender; i++)
            {
                via[t].Tell(new Ping(i, [(byte)t]));
                via[t + Threads].Tell(new Ping(i, [(byte)(t + Threads)]));
            }
        }))];
        foreach (Thread t in threads) t.Start();
        foreach (Thread t in threads) Assert.True(t.Join(Patience), "a sender thread hung");

        await done.Task.WaitAsync(Patience);
        Assert.Equal(0, Volatile.Read(ref state.Overlaps));
        Assert.Equal(Total, state.Counter);
        Assert.Equal(0, state.OutOfOrder);   // per-sender FIFO, through the transport and locally
        Assert.All(state.LastHop, h => Assert.Equal(PerSender - 1, h));
        Assert.Equal(Total / 2, b.Meter.Snapshot().MessagesReceived);
        AssertNoFaults(cluster, a, b);
    }

    [Fact]
    public async Task DifferentActorsRunInParallel()
    {
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem a = cluster.AddNode("A", 7100);
        using var gate = new ManualResetEventSlim();
        var waited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        // x blocks its thread until y has run: with actors serialized (one node, one thread) y never would.
        var (x, _) = a.SpawnScript("x", (_, _) => waited.TrySetResult(gate.Wait(Patience)));
        var (y, _) = a.SpawnScript("y", (_, _) => gate.Set());
        x.Tell(new Pong(1));
        y.Tell(new Pong(2));
        Assert.True(await waited.Task.WaitAsync(Patience + Patience));
        AssertNoFaults(cluster, a);
    }

    [Fact]
    public async Task AThrowingHandlerFailsOnlyItsSessionUnderRealTime()
    {
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem sa = cluster.AddNode("A", 7100), sb = cluster.AddNode("B", 7101), sc = cluster.AddNode("C", 7102);
        var (b, bActor) = sb.SpawnScript("fragile", (ctx, m) =>
        {
            if (m is Ping { Hop: 2 }) throw new InvalidOperationException("hop 2 is poison");
            ctx.Reply(new Pong(((Ping)m).Hop));
        });
        var (c, _) = sc.SpawnScript("steady", (ctx, m) => ctx.Reply(new Pong(((Ping)m).Hop)));
        var pongs = new List<(SessionId, int)>();
        var (client, _) = sa.SpawnScript("client", (ctx, m) => { if (m is Pong p) lock (pongs) pongs.Add((ctx.Session, p.Hop)); });
        // Two drivers, so that B's failure notice (which fails session 2 at its driver) cannot race C's pong of session 2.
        sa.Spawn(Props.Create(() => new Driver(ctx =>
        {
            for (int s = 1; s <= 3; s++)
                ctx.Send(sa.RefFor(b.Address), new Ping(s, []), new SessionId((ulong)s));
            // A later message of the failed session is not delivered to B's actor.
            ctx.Send(sa.RefFor(b.Address), new Ping(7, []), new SessionId(2));
        }, client)), "driver-b");
        sa.Spawn(Props.Create(() => new Driver(ctx =>
        {
            for (int s = 1; s <= 3; s++)
                ctx.Send(sa.RefFor(c.Address), new Ping(s, []), new SessionId((ulong)s));
        }, client)), "driver-c");

        await Eventually(() => Count(pongs) == 5 && sb.EventCounts.DeadLetters == 1 && sa.EventCounts.Failures == 1,
            "5 pongs, B's dead letter and A's remote failure");

        lock (pongs)
            Assert.Equal([(new SessionId(1), 1), (new SessionId(1), 1), (new SessionId(2), 2), (new SessionId(3), 3), (new SessionId(3), 3)],
                pongs.OrderBy(p => p.Item1.Value).ThenBy(p => p.Item2).ToList());
        SessionFailure failure = Assert.Single(sb.Failures);
        Assert.Equal(new SessionId(2), failure.Session);
        Assert.Equal("/fragile", failure.Actor);
        Assert.Equal("test.ping", failure.Kind);
        Assert.Equal("InvalidOperationException: hop 2 is poison", failure.Error);
        Assert.False(failure.Remote);
        Assert.Single(bActor.FailedSessions);
        SessionFailure told = Assert.Single(sa.Failures);
        Assert.True(told.Remote);
        Assert.Equal("/driver-b", told.Actor);
        Assert.Equal(new SessionId(2), told.Session);
        Assert.Contains("hop 2 is poison", told.Error);
        DeadLetter dead = Assert.Single(sb.DeadLetters);
        Assert.Equal(new SessionId(2), dead.Session);
        Assert.Contains("session s2 failed here earlier", dead.Reason);
        Assert.Equal(3, bActor.Received.Count);   // hops 1, 2 (threw), 3; not 7
        Assert.Empty(sc.Failures);
        Assert.Empty(sa.DeadLetters);
        AssertNoFaults(cluster, sa, sb, sc);
    }

    [Fact]
    public async Task ByteCountsAreTheSameUnderTheSimulatorAndInRealTime()
    {
        // Simulated.
        Simulator sim = TestKit.Sim(null);
        ActorSystem simA = sim.AddParty("A"), simB = sim.AddParty("B");
        bool simDone = false;
        ActorRef simClient = RallyScript(simA, simB, () => simDone = true);
        sim.Run();
        simClient.Tell(new Ping(0, []), new SessionId(3));
        sim.Run();
        Assert.True(simDone);

        // Real time, same nodes (same system name and ports, so even addresses would encode alike).
        using var cluster = new LocalCluster(TestKit.Registry(), sim.Options.SystemName);
        ActorSystem a = cluster.AddNode("A", sim.Options.BasePort), b = cluster.AddNode("B", sim.Options.BasePort + 1);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ActorRef client = RallyScript(a, b, () => done.TrySetResult());
        client.Tell(new Ping(0, []), new SessionId(3));
        await done.Task.WaitAsync(Patience);

        foreach ((ActorSystem s, ActorSystem r) in new[] { (simA, a), (simB, b) })
        {
            PartyCosts expected = s.Meter.Snapshot(), actual = r.Meter.Snapshot();
            Assert.True(expected.BytesSent > 500, $"{s.Party} sent only {expected.BytesSent} bytes");
            Assert.Equal(expected.BytesSent, actual.BytesSent);
            Assert.Equal(expected.BytesReceived, actual.BytesReceived);
            Assert.Equal(expected.MessagesSent, actual.MessagesSent);
            // Phase by phase and peer by peer, rounds included; compute naturally differs.
            Assert.Equal(Traffic(expected), Traffic(actual));
        }
        Assert.Equal(["setup", "online"], a.Meter.Snapshot().Phases.Select(p => p.Phase).Where(p => p != ActorSystem.DefaultPhase));
        AssertNoFaults(cluster, a, b);
    }

    [Fact]
    public async Task AFrameForAnUnknownNodeIsCountedAsDroppedAndTheSenderCarriesOn()
    {
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem a = cluster.AddNode("A", 7100);
        var nowhere = new ActorAddress(new NodeAddress(cluster.SystemName, "nowhere", 1), "/x");
        var acks = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        int handled = 0;
        var (sender, _) = a.SpawnScript("sender", (ctx, m) =>
        {
            ctx.Send(ctx.RefFor(nowhere), new Pong(7));
            if (++handled == 2) acks.TrySetResult(handled);
        });
        sender.Tell(new Pong(1), new SessionId(8));
        sender.Tell(new Pong(2), new SessionId(8));
        Assert.Equal(2, await acks.Task.WaitAsync(Patience));

        Assert.Equal(2, cluster.Transport.Dropped);
        DroppedFrame drop = cluster.Transport.Drops[0];
        Assert.Equal("test.pong", drop.Kind);
        Assert.Equal(new SessionId(8), drop.Session);
        Assert.Equal($"no node bound at {nowhere.Node}", drop.Reason);
        Assert.Empty(a.Failures);   // the sender's handler saw no exception
        Assert.Equal(2, a.Meter.Snapshot().MessagesSent);   // it did leave the party

        // Unbinding a node makes frames to it drops too.
        ActorSystem b = cluster.AddNode("B", 7101);
        var (sink, _) = b.SpawnScript("sink", (_, _) => { });
        Assert.True(cluster.Transport.Unbind(b.Address));
        a.RefFor(sink.Address).Tell(new Pong(3));
        Assert.Equal(3, cluster.Transport.Dropped);
        AssertNoFaults(cluster, a, b);
    }

    [Fact]
    public async Task TimersFireAfterTheirDelayAndCancelledOnesNever()
    {
        using var cluster = new LocalCluster(TestKit.Registry());
        ActorSystem a = cluster.AddNode("A", 7100);
        var got = new List<(int Hop, long AtNs)>();
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long startNs = 0;
        var (actor, _) = a.SpawnScript("timers", (ctx, m) =>
        {
            var p = (Pong)m;
            if (p.Hop == 0)
            {
                startNs = ctx.NowNs;
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(150), new Pong(1));
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(50), new Pong(2)).Dispose();
                ctx.ScheduleOnce(TimeSpan.FromMilliseconds(200), new Pong(3));
                return;
            }
            lock (got) got.Add((p.Hop, ctx.NowNs - startNs));
            if (p.Hop == 3) fired.TrySetResult();
        });
        actor.Tell(new Pong(0));
        await fired.Task.WaitAsync(Patience);

        lock (got)
        {
            Assert.Equal([1, 3], got.Select(g => g.Hop));
            Assert.True(got[0].AtNs >= TestKit.Ms(150), $"fired after {got[0].AtNs / 1e6} ms");
            Assert.True(got[1].AtNs >= TestKit.Ms(200), $"fired after {got[1].AtNs / 1e6} ms");
        }
        Assert.Equal(0, cluster.Dispatcher.PendingTimers);
        AssertNoFaults(cluster, a);
    }

    /// <summary>
    /// A fixed exchange: A's client plays Ping/Pong with B's server, growing payloads, switching phase,
    /// one request/reply, then calls <paramref name="done"/>. The client starts on a Ping from outside.
    /// </summary>
    private static ActorRef RallyScript(ActorSystem a, ActorSystem b, Action done)
    {
        const int Hops = 20;
        var (server, _) = b.SpawnScript("server", (ctx, m) =>
        {
            switch (m)
            {
                case Ping p:
                    if (p.Hop == Hops / 2) ctx.Phase = "online";
                    ctx.Reply(new Pong(p.Hop));
                    break;
                case Work w:
                    ctx.Reply(new Work(w.Millis + 1, w.Tag + "!"));
                    break;
            }
        });
        var (client, _) = a.SpawnScript("client", (ctx, m) =>
        {
            ActorRef to = ctx.RefFor(server.Address);
            switch (m)
            {
                case Ping:
                    ctx.Phase = "setup";
                    ctx.Send(to, new Ping(1, new byte[1]));
                    break;
                case Pong { Hop: Hops / 2 }:
                    ctx.Phase = "online";
                    ctx.Request(to, new Work(5, "request"), TimeSpan.FromSeconds(10));
                    break;
                case Work:
                    Assert.NotEqual(0, ctx.InReplyTo);
                    ctx.Send(to, new Ping(Hops / 2 + 1, new byte[100]));
                    break;
                case Pong { Hop: Hops }:
                    done();
                    break;
                case Pong p:
                    ctx.Send(to, new Ping(p.Hop + 1, new byte[p.Hop * p.Hop]));
                    break;
            }
        });
        return client;
    }

    private static List<string> Traffic(PartyCosts costs) =>
        [.. costs.Phases.Select(p => $"{p.Phase}: sent {p.MessagesSent}/{p.BytesSent} B, received {p.MessagesReceived}/{p.BytesReceived} B, "
            + $"rounds {p.Rounds}, to [{string.Join(", ", p.SentTo)}], from [{string.Join(", ", p.ReceivedFrom)}]")];

    private static int Count<T>(List<T> list)
    {
        lock (list) return list.Count;
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience)
                Assert.Fail($"not within {Patience}: {what}");
            await Task.Delay(1);
        }
    }

    private static void AssertNoFaults(LocalCluster cluster, params ActorSystem[] systems)
    {
        Assert.Empty(cluster.Dispatcher.Faults);
        foreach (ActorSystem s in systems)
            Assert.Equal(0, s.EventCounts.RejectedFrames);
    }

    private sealed class CounterState(int senders)
    {
        public bool Busy;
        public int Overlaps;
        public int Counter;
        public int Handled;
        public int OutOfOrder;
        public int[] LastHop { get; } = [.. Enumerable.Repeat(-1, senders)];
    }

    /// <summary>Runs an action on start and forwards every message it gets to <paramref name="forward"/>.</summary>
    private sealed class Driver(Action<ActorContext> start, ActorRef forward) : Actor
    {
        protected internal override void PreStart(ActorContext context) => start(context);

        protected internal override void Receive(ActorContext context, object message) => context.Send(forward, message);
    }
}
