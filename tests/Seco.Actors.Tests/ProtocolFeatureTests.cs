namespace Seco.Actors.Tests;

/// <summary>Requests with timeouts, watch, failure injection, phases and rounds, queries.</summary>
public class ProtocolFeatureTests
{
    [Fact]
    public void ARequestWithoutReplyTimesOutAtExactlyItsVirtualDeadlineAndALateReplyIsADeadLetter()
    {
        Simulator sim = TestKit.Sim(new LinkModel(5, 1000), "A", "B");
        // B answers only after 30 ms of compute: too late for a 20 ms timeout.
        var (b, _) = sim.Party("B").SpawnScript("slow", (ctx, m) => { TestKit.Charge(ctx, m); ctx.Reply(new Pong(1)); });
        var events = new List<(object Message, long At)>();
        long requestedAt = -1, id = 0;
        var (a, _) = sim.Party("A").SpawnScript("client", (ctx, m) =>
        {
            if (m is Pong && ctx.InReplyTo == 0) { requestedAt = ctx.NowNs; id = ctx.Request(ctx.RefFor(b.Address), new Work(30, "x"), TimeSpan.FromMilliseconds(20)); }
            else events.Add((m, ctx.NowNs));
        });
        sim.Run();
        a.Tell(new Pong(0));
        sim.Run();

        var (timedOut, at) = Assert.Single(events);
        Assert.Equal(new RequestTimedOut(id, b.Address, "test.work"), timedOut);
        Assert.Equal(requestedAt + TestKit.Ms(20), at);
        DeadLetter late = Assert.Single(sim.Party("A").DeadLetters);
        Assert.Equal("test.pong", late.Kind);
        Assert.Contains($"reply to request {id} that timed out", late.Reason);
    }

    [Fact]
    public async Task AskFromOutsideGetsTheReplyOrATimeout()
    {
        Simulator sim = TestKit.Sim(null, "A", "B");
        var (b, _) = sim.Party("B").SpawnScript("echo", (ctx, m) => { if (m is Ping p) ctx.Reply(new Pong(p.Hop + 1)); });
        Task<object> answer = sim.Party("A").Ask(sim.Party("A").RefFor(b.Address), new Ping(41, [1, 2, 3]), TimeSpan.FromSeconds(1), new SessionId(3));
        sim.Run();
        Assert.Equal(new Pong(42), await answer);

        long askedAt = sim.NowNs;
        Task<object> unanswered = sim.Party("A").Ask(sim.Party("A").RefFor(b.Address), new Pong(0), TimeSpan.FromMilliseconds(50));
        sim.Run();
        TimeoutException e = await Assert.ThrowsAsync<TimeoutException>(() => unanswered);
        Assert.Contains("no reply from seco://sim@B:7101/echo to 'test.pong' within", e.Message);
        Assert.Equal(askedAt + TestKit.Ms(50), sim.NowNs);   // at exactly its virtual timeout
        Assert.Equal(2, sim.Party("B").Meter.Snapshot().MessagesReceived);   // the request did arrive
    }

    [Fact]
    public void AWatcherLearnsWhenARemoteActorStopsOrItsPartyCrashes()
    {
        Simulator sim = TestKit.Sim(new LinkModel(3, 1000), "A", "B", "C");
        var (b, _) = sim.Party("B").SpawnScript("b", (ctx, m) => { if (m is Pong) ctx.StopSelf(); });
        var (c, _) = sim.Party("C").SpawnScript("c", (_, _) => { });
        var seen = new List<(Terminated, long)>();
        var (w, _) = sim.Party("A").SpawnScript("watcher", (ctx, m) =>
        {
            if (m is Ping) { ctx.Watch(ctx.RefFor(b.Address)); ctx.Watch(ctx.RefFor(c.Address)); ctx.Watch(ctx.RefFor(new ActorAddress(c.Address.Node, "/ghost"))); }
            if (m is Terminated t) seen.Add((t, ctx.NowNs));
        });
        sim.Run();
        w.Tell(new Ping(0, []));
        sim.Run(TimeSpan.FromMilliseconds(10));
        b.Tell(new Pong(0));     // B's actor stops itself
        sim.StopPartyAt("C", TimeSpan.FromMilliseconds(40));
        sim.Run();

        Assert.Equal(3, seen.Count);
        Assert.Equal(("no such actor", "/ghost"), (seen[0].Item1.Reason, seen[0].Item1.Actor.Path));
        Assert.Equal(("stopped", "/b"), (seen[1].Item1.Reason, seen[1].Item1.Actor.Path));
        Assert.Equal("/c", seen[2].Item1.Actor.Path);
        Assert.Equal("party C stopped at 40 ms", seen[2].Item1.Reason);
        Assert.Equal(TestKit.Ms(43), seen[2].Item2);   // an ideal failure detector: one link latency later
        Assert.Equal([new InjectedFailure(TestKit.Ms(40), "party C stopped")], sim.InjectedFailures);
    }

    [Fact]
    public void DroppedLinksAndStoppedPartiesLoseMessagesAndSayWhy()
    {
        Simulator sim = TestKit.Sim(new LinkModel(10, 1000), "A", "B", "C");
        int atB = 0, atC = 0;
        var (b, _) = sim.Party("B").SpawnScript("b", (_, _) => atB++);
        var (c, _) = sim.Party("C").SpawnScript("c", (_, _) => atC++);
        var (a, _) = sim.Party("A").SpawnScript("a", (ctx, m) =>
        {
            ctx.Send(ctx.RefFor(b.Address), new Pong(1));
            ctx.Send(ctx.RefFor(c.Address), new Pong(1));
        });
        sim.Run();                                 // starts the actors; virtual time stays 0
        sim.DropLinkAt("A", "B", TimeSpan.FromMilliseconds(25));
        sim.StopPartyAt("C", TimeSpan.FromMilliseconds(45));
        a.Tell(new Pong(0));                       // t = 0: both arrive at 10 ms
        sim.Run(TimeSpan.FromMilliseconds(20));
        a.Tell(new Pong(0));                       // t = 20: A–B goes down in flight at 25 ms; C gets it at 30 ms
        sim.Run(TimeSpan.FromMilliseconds(40));
        a.Tell(new Pong(0));                       // t = 40: the link is down; C stops before the arrival at 50 ms
        sim.Run();

        Assert.Equal((1, 2), (atB, atC));
        Assert.Equal(3, sim.MessagesDropped);
        Assert.Equal(["link A–B went down in flight", "link A–B down", "party C stopped"],
            sim.Messages.Where(m => m.Dropped).Select(m => m.DropReason));
        Assert.Equal(3, sim.Report().MessagesDropped);
    }

    [Fact]
    public void PhasesSplitComputeWhereTheyChangeAndRoundsCountTheLongestCausalChain()
    {
        Simulator sim = TestKit.Sim(new LinkModel(1, 1000), "A", "B");
        ActorRef? a = null;
        var (b, _) = sim.Party("B").SpawnScript("b", (ctx, m) =>
        {
            if (m is Ping p)
            {
                ctx.Phase = p.Hop < 4 ? "online" : "output";
                ctx.Send(a!, new Pong(p.Hop));
            }
        });
        (a, _) = sim.Party("A").SpawnScript("a", (ctx, m) =>
        {
            if (m is Work)
            {
                ctx.Phase = "setup";
                ctx.ChargeCompute(TimeSpan.FromMilliseconds(3));
                ctx.Phase = "online";
                ctx.ChargeCompute(TimeSpan.FromMilliseconds(2));
                ctx.Send(ctx.RefFor(b.Address), new Ping(1, []));
            }
            else if (m is Pong p && p.Hop < 6)
            {
                ctx.Phase = p.Hop < 3 ? "online" : "output";
                ctx.Send(ctx.RefFor(b.Address), new Ping(p.Hop + 1, []));
            }
        });
        sim.Run();
        a.Tell(new Work(0, ""), new SessionId(1));
        sim.Run();

        SimulationReport report = sim.Report();
        var aPhases = report.Parties.Single(p => p.Party == "A").Phases.ToDictionary(p => p.Phase);
        Assert.Equal(0.003, aPhases["setup"].ComputeSeconds, 12);
        Assert.Equal(0.002, aPhases["online"].ComputeSeconds, 12);
        // Messages A→B→A→B... hops 1..3 in online (6 one-way messages), hops 3.. in output: chains restart per phase.
        PhaseSummary online = report.Phases.Single(p => p.Phase == "online");
        PhaseSummary output = report.Phases.Single(p => p.Phase == "output");
        Assert.Equal(sim.Messages.Count(m => m.Phase == "online"), online.Messages);
        Assert.Equal(online.Messages, online.Rounds);
        Assert.Equal(output.Messages, output.Rounds);
        Assert.Equal(12, online.Messages + output.Messages);
        Assert.Equal(sim.Messages.Sum(m => m.Bytes), report.Parties.Sum(p => p.BytesSent));
        Assert.Equal(report.Parties.Sum(p => p.BytesSent), report.Parties.Sum(p => p.BytesReceived));
    }

    [Fact]
    public void WaitingAndParticipationTimeOfAQuery()
    {
        // The user sends 125,000 bytes (1 ms at 1000 Mbit/s) over a 10 ms link; the server computes 20 ms and
        // answers with a tiny reply; the user computes 2 ms before sending and 3 ms after the answer.
        var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly, DefaultLink = new LinkModel(10, 1000) });
        sim.AddParty("user");
        sim.AddParty("S");
        var (s, _) = sim.Party("S").SpawnScript("s", (ctx, m) => { ctx.ChargeCompute(TimeSpan.FromMilliseconds(20)); ctx.Reply(new Pong(0)); });
        var (u, _) = sim.Party("user").SpawnScript("u", (ctx, m) =>
        {
            if (m is Work)
            {
                ctx.BeginQuery("q0");
                ctx.ChargeCompute(TimeSpan.FromMilliseconds(2));
                ctx.Send(ctx.RefFor(s.Address), new Ping(0, new byte[125_000 - 30]));
            }
            else
            {
                ctx.ChargeCompute(TimeSpan.FromMilliseconds(3));
                ctx.EndQuery("q0");
            }
        });
        sim.Run();
        u.Tell(new Work(0, ""));
        sim.Run();

        QueryReport q = Assert.Single(sim.Report().Queries);
        MessageRecord up = sim.Messages.Single(m => m.From == "user"), down = sim.Messages.Single(m => m.From == "S");
        double expectedWaiting = (2e6 + (up.TransmitEndNs - up.SentNs) + 10e6 + 20e6 + (down.ArrivedNs - down.SentNs) + 3e6) / 1e9;
        Assert.Equal(expectedWaiting, q.WaitingSeconds!.Value, 9);
        double expectedParticipation = (2e6 + (up.TransmitEndNs - up.SentNs) + (down.ArrivedNs - down.FirstBitArrivedNs) + 3e6) / 1e9;
        Assert.Equal(expectedParticipation, q.ParticipationSeconds!.Value, 9);
        Assert.True(q.ParticipationSeconds < q.WaitingSeconds / 4);
    }

    [Fact]
    public void AddressesParseAndFormatAndBadOnesSayWhatIsWrong()
    {
        ActorAddress a = ActorAddress.Parse("seco://echo-3tier@B:7102/tier/echo");
        Assert.Equal(("echo-3tier", "B", 7102, "/tier/echo"), (a.Node.System, a.Node.Host, a.Node.Port, a.Path));
        Assert.Equal("seco://echo-3tier@B:7102/tier/echo", a.ToString());
        Assert.Contains("is not an actor address", Assert.Throws<FormatException>(() => ActorAddress.Parse("akka://x@B:1/a")).Message);
        Assert.Contains("port must be 0..65535", Assert.Throws<FormatException>(() => ActorAddress.Parse("seco://x@B:70000/a")).Message);
        Assert.Contains("segment ''", Assert.Throws<FormatException>(() => ActorAddress.Parse("seco://x@B:1/a//b")).Message);
        Assert.Throws<ArgumentException>(() => new NodeAddress("bad name", "h", 1));
    }
}
