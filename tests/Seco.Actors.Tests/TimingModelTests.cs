using Seco.Actors.Transport;

namespace Seco.Actors.Tests;

/// <summary>The simulator's timing model (docs/simulator.md): latency + queueing + size/bandwidth, FIFO links, CPU time.</summary>
public class TimingModelTests
{
    private const int MiB = 1 << 20;

    /// <summary>A Ping whose whole frame (header included) is exactly <paramref name="frameBytes"/> long.</summary>
    private static Ping PingOfFrameSize(MessageRegistry registry, string to, int frameBytes)
    {
        int overhead = Frame.Encode(registry, to, null, 0, 0, new Ping(0, new byte[frameBytes]), SessionId.None).Length - frameBytes;
        for (int payload = frameBytes - overhead - 4; payload <= frameBytes - overhead + 4; payload++)
        {
            var ping = new Ping(0, new byte[payload]);
            if (Frame.Encode(registry, to, null, 0, 0, ping, SessionId.None).Length == frameBytes)
                return ping;
        }
        throw new InvalidOperationException("no payload length gives that frame size");
    }

    [Fact]
    public void TransmitTimeIsExactIntegerArithmetic()
    {
        var link = new LinkModel(10, 100);
        Assert.Equal(83_886_080, link.TransmitNs(MiB));   // 2^20 · 8 bit / 10^8 bit/s = 83.88608 ms exactly
        Assert.Equal(10_000_000, link.LatencyNs);
        Assert.Equal(1, new LinkModel(0, 1e7).TransmitNs(1));   // 0.8 ns rounds up to 1
        Assert.Equal(80, new LinkModel(0, 100).TransmitNs(1));        // 8 bit / 10^8 bit/s = 80 ns
    }

    [Fact]
    public void OneMebibyteOver100MbitWith10msArrivesAt10msPlus83_886ms()
    {
        Simulator sim = TestKit.Sim(new LinkModel(10, 100), "A", "B");
        long arrived = -1;
        var (b, _) = sim.Party("B").SpawnScript("sink", (ctx, m) => arrived = ctx.NowNs);
        sim.Run();   // start the actor (no traffic)
        Ping ping = PingOfFrameSize(sim.Registry, "/sink", MiB);
        sim.Party("A").RefFor(b.Address).Tell(ping);
        sim.Run();

        MessageRecord record = Assert.Single(sim.Messages);
        Assert.Equal(MiB, record.Bytes);
        Assert.Equal(0, record.SentNs);
        Assert.Equal(10_000_000 + 83_886_080, record.ArrivedNs);
        Assert.Equal(93_886_080, arrived);
    }

    [Fact]
    public void BackToBackMessagesOnOneLinkQueue()
    {
        Simulator sim = TestKit.Sim(new LinkModel(10, 100), "A", "B");
        var arrivals = new List<long>();
        var (b, _) = sim.Party("B").SpawnScript("sink", (ctx, m) => arrivals.Add(ctx.NowNs));
        sim.Run();
        Ping ping = PingOfFrameSize(sim.Registry, "/sink", MiB);
        ActorRef toB = sim.Party("A").RefFor(b.Address);
        toB.Tell(ping);
        toB.Tell(ping);
        sim.Run();

        Assert.Equal([93_886_080, 10_000_000 + 2 * 83_886_080], arrivals);
        Assert.Equal([0, 83_886_080], sim.Messages.Select(m => m.QueuedNs));
    }

    [Fact]
    public void ParallelLinksDoNotQueueUnlessTheSendersNicIsTheBottleneck()
    {
        foreach (double? nic in new double?[] { null, 100 })
        {
            var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly, DefaultLink = new LinkModel(10, 100) });
            sim.AddParty("A", new PartyModel(nicMbps: nic));
            sim.AddParty("B");
            sim.AddParty("C");
            var (b, _) = sim.Party("B").SpawnScript("sink", (_, _) => { });
            var (c, _) = sim.Party("C").SpawnScript("sink", (_, _) => { });
            sim.Run();
            Ping ping = PingOfFrameSize(sim.Registry, "/sink", MiB);
            sim.Party("A").RefFor(b.Address).Tell(ping);
            sim.Party("A").RefFor(c.Address).Tell(ping);
            sim.Run();

            long[] arrivals = sim.Messages.Select(m => m.ArrivedNs).ToArray();
            if (nic is null)
                Assert.Equal([93_886_080, 93_886_080], arrivals);
            else   // a 100 Mbit/s NIC shared by two 100 Mbit/s links: the second message waits for the first
                Assert.Equal([93_886_080, 10_000_000 + 2 * 83_886_080], arrivals);
        }
    }

    [Fact]
    public void ReceiverNicLimitSerializesIncomingMessages()
    {
        var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly, DefaultLink = new LinkModel(10, 100) });
        sim.AddParty("A");
        sim.AddParty("B");
        sim.AddParty("U", new PartyModel(nicMbps: 50));
        var (u, _) = sim.Party("U").SpawnScript("sink", (_, _) => { });
        sim.Run();
        Ping ping = PingOfFrameSize(sim.Registry, "/sink", MiB);
        sim.Party("A").RefFor(u.Address).Tell(ping);
        sim.Party("B").RefFor(u.Address).Tell(ping);
        sim.Run();
        // The first arrives at latency + size/50 Mbit/s; the second's bits queue behind it at U's NIC.
        Assert.Equal([10_000_000 + 2 * 83_886_080, 10_000_000 + 4 * 83_886_080], sim.Messages.Select(m => m.ArrivedNs));
    }

    [Fact]
    public void ComputeKeepsThePartysCpuBusyAndScalesWithItsSlowdown()
    {
        var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly, DefaultLink = new LinkModel(1, 1e6) });
        sim.AddParty("A");
        sim.AddParty("U", new PartyModel(cpuSlowdown: 4));
        var replies = new List<(int Hop, long At)>();
        var (a, _) = sim.Party("A").SpawnScript("client", (ctx, m) => { if (m is Pong p) replies.Add((p.Hop, ctx.NowNs)); });
        var (u, _) = sim.Party("U").SpawnScript("worker", (ctx, m) =>
        {
            TestKit.Charge(ctx, m);
            ctx.Reply(new Pong(int.Parse(((Work)m).Tag)));
        });
        sim.Run();
        // Two requests arrive together: U computes 5 ms for each, 4x slower, one at a time.
        sim.Party("A").Spawn(Props.Create(() => new Starter(u, [new Work(5, "1"), new Work(5, "2")], a)), "starter");
        sim.Run();

        Assert.Equal(2, replies.Count);
        long handlerStart = sim.Messages.First(m => m.Kind == "test.work").ArrivedNs;
        HandlerSpan[] work = sim.Spans.Where(x => x.Party == "U" && x.Kind == "test.work").ToArray();
        Assert.Equal([handlerStart, handlerStart + TestKit.Ms(20)], work.Select(x => x.StartNs));
        Assert.Equal([TestKit.Ms(20), TestKit.Ms(20)], work.Select(x => x.DurationNs));
        // Each reply leaves when its handler sends it (at the end of its 20 ms) and crosses the 1 ms link.
        MessageRecord[] pongs = sim.Messages.Where(m => m.Kind == "test.pong" && m.From == "U").ToArray();
        Assert.Equal(work.Select(x => x.EndNs), pongs.Select(m => m.SentNs));
        Assert.Equal(TestKit.Ms(40) / 1e9, sim.Report().Parties.Single(p => p.Party == "U").ComputeSeconds, 9);
    }

    /// <summary>Sends each of <paramref name="messages"/> to <paramref name="to"/> on start, replies going to <paramref name="replyTo"/>.</summary>
    private sealed class Starter(ActorRef to, object[] messages, ActorRef replyTo) : Actor
    {
        protected internal override void PreStart(ActorContext context)
        {
            foreach (object m in messages) context.Send(to, m);
        }

        protected internal override void Receive(ActorContext context, object message) => context.Send(replyTo, message);
    }
}
