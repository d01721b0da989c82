using System.Text.Json;

namespace Seco.Actors.Tests;

/// <summary>Same scenario, same events: two runs give identical traces; the trace is valid Chrome-trace JSON.</summary>
public class DeterminismAndTraceTests
{
    private const int Parties = 4, PerParty = 4, Hops = 25;

    /// <summary>16 actors on 4 parties pass pings around with compute and payloads that depend on the hop.</summary>
    private static Simulator PingPong(ComputeTiming timing)
    {
        var sim = new Simulator(TestKit.Registry(), new SimulationOptions { ComputeTiming = timing, DefaultLink = new LinkModel(2, 100) });
        for (int p = 0; p < Parties; p++)
            sim.AddParty($"P{p}", new PartyModel(cpuSlowdown: 1 + p));
        sim.SetLink("P0", "P3", new LinkModel(15, 10));
        var refs = new ActorRef[Parties * PerParty];
        for (int i = 0; i < refs.Length; i++)
        {
            int me = i;
            refs[i] = sim.Party($"P{i % Parties}").Spawn(Props.Create(() => new Script((ctx, m) =>
            {
                if (m is not Ping ping || ping.Hop >= Hops) return;
                ctx.Phase = ping.Hop < Hops / 2 ? "early" : "late";
                ctx.ChargeCompute(TimeSpan.FromMicroseconds(100 * (ping.Hop % 4)));
                ctx.Send(refs[(me * 7 + ping.Hop) % refs.Length], new Ping(ping.Hop + 1, new byte[64 * (ping.Hop % 5)]));
            })), $"a{i}");
        }
        sim.Run();
        for (int i = 0; i < refs.Length; i += 3)
            sim.Party("P0").RefFor(refs[i].Address).Tell(new Ping(0, new byte[1000]), new SessionId((ulong)i + 1));
        sim.Run();
        return sim;
    }

    private static string Trace(Simulator sim)
    {
        using var ms = new MemoryStream();
        ChromeTrace.Write(sim, ms);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    [Fact]
    public void TwoRunsOfAManyActorPingPongProduceIdenticalTraces()
    {
        Simulator first = PingPong(ComputeTiming.ChargedOnly), second = PingPong(ComputeTiming.ChargedOnly);
        Assert.True(first.Messages.Count > 100);
        Assert.Equal(Trace(first), Trace(second));
        Assert.Equal(first.Messages, second.Messages);
        Assert.Equal(first.NowNs, second.NowNs);
        // Queueing happened (the test exercises the FIFO links, not just latency).
        Assert.Contains(first.Messages, m => m.QueuedNs > 0);
    }

    [Fact]
    public void MeasuredComputeChangesTimesButNotWhatIsSent()
    {
        Simulator charged = PingPong(ComputeTiming.ChargedOnly), measured = PingPong(ComputeTiming.Measured);
        static object Shape(Simulator s) => s.Report().Parties.Select(p => (p.Party, p.BytesSent, p.BytesReceived, p.MessagesSent)).ToList();
        Assert.Equal(Shape(charged), Shape(measured));
        Assert.True(measured.Report().Parties.Sum(p => p.ComputeSeconds) > charged.Report().Parties.Sum(p => p.ComputeSeconds));
    }

    [Fact]
    public void TheTraceIsValidChromeTraceEventJson()
    {
        Simulator sim = PingPong(ComputeTiming.ChargedOnly);
        using JsonDocument doc = JsonDocument.Parse(Trace(sim));
        JsonElement events = doc.RootElement.GetProperty("traceEvents");
        var processNames = new Dictionary<int, string>();
        var flowStarts = new HashSet<long>();
        var flowEnds = new HashSet<long>();
        int spans = 0;
        foreach (JsonElement e in events.EnumerateArray())
        {
            string ph = e.GetProperty("ph").GetString()!;
            int pid = e.GetProperty("pid").GetInt32();
            Assert.True(e.TryGetProperty("tid", out _));
            Assert.False(string.IsNullOrEmpty(e.GetProperty("name").GetString()));
            switch (ph)
            {
                case "M":
                    if (e.GetProperty("name").GetString() == "process_name")
                        processNames[pid] = e.GetProperty("args").GetProperty("name").GetString()!;
                    break;
                case "X":
                    spans++;
                    Assert.True(e.GetProperty("ts").GetDouble() >= 0);
                    Assert.True(e.GetProperty("dur").GetDouble() >= 0);
                    break;
                case "s":
                    Assert.True(flowStarts.Add(e.GetProperty("id").GetInt64()));
                    break;
                case "f":
                    Assert.Equal("e", e.GetProperty("bp").GetString());
                    Assert.True(flowEnds.Add(e.GetProperty("id").GetInt64()));
                    break;
                case "i":
                    break;
                default:
                    Assert.Fail($"unexpected phase '{ph}'");
                    break;
            }
        }
        Assert.Equal(["P0", "P1", "P2", "P3"], processNames.OrderBy(kv => kv.Key).Select(kv => kv.Value));
        Assert.Equal(flowStarts, flowEnds);
        Assert.Equal(sim.Messages.Count, flowStarts.Count);
        Assert.Equal(sim.Spans.Count + sim.Messages.Count, spans);
        // Every event's process is named.
        Assert.All(events.EnumerateArray(), e => Assert.Contains(e.GetProperty("pid").GetInt32(), processNames.Keys));
    }

    [Fact]
    public void TheReportSerializesToJsonWithEveryParty()
    {
        Simulator sim = PingPong(ComputeTiming.ChargedOnly);
        using JsonDocument doc = JsonDocument.Parse(sim.Report().ToJson());
        JsonElement parties = doc.RootElement.GetProperty("parties");
        Assert.Equal(Parties, parties.GetArrayLength());
        Assert.Equal(sim.Messages.Sum(m => m.Bytes), parties.EnumerateArray().Sum(p => p.GetProperty("phases").EnumerateArray().Sum(x => x.GetProperty("bytes_sent").GetInt64())));
        Assert.Equal(["default", "early", "late"], doc.RootElement.GetProperty("phases").EnumerateArray().Select(p => p.GetProperty("phase").GetString()).Order());
        Assert.Equal(4, parties[3].GetProperty("cpu_slowdown").GetDouble());
    }
}
