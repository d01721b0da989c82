using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Seco.Actors.Messages;
using Seco.Actors.Runtime;
using Seco.Actors.Simulation;
using Seco.MessagePack;

namespace Seco.Bench;

/// <summary>
/// The "64 actors exchanging 100k messages in simulation finish in seconds": 8 parties × 8 actors;
/// actor i lives on party i mod 8 and passes a 32-byte Ping to actor i + 1 (mod 64), so every hop crosses
/// a party boundary (encoded, metered, and carried over the simulator's default lan link). All 64 actors
/// start with one Ping each (64 in flight) and forward until 100,000 Pings have been delivered in total.
/// Each invocation builds the parties and actors from scratch (negligible next to the messages).
/// Means are per message (OperationsPerInvoke); M/s is millions of messages per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class ActorBenchmarks
{
    public const int Messages = 100_000;
    private const int Parties = 8, ActorsPerParty = 8, Actors = Parties * ActorsPerParty;

    private static readonly byte[] Payload = new byte[32];

    /// <summary>Measured compute (the default), recording every handler span and message record.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long Simulated_64Actors_100kMessages() => Simulate(new SimulationOptions());

    /// <summary>As above without trace records (costs are still metered).</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long Simulated_64Actors_100kMessages_NoRecord() => Simulate(new SimulationOptions { Record = false });

    /// <summary>Compute only as charged (none here): no Stopwatch reads per handler, bit-for-bit repeatable.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long Simulated_64Actors_100kMessages_ChargedOnly() => Simulate(new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly });

    private static long Simulate(SimulationOptions options)
    {
        var sim = new Simulator(Registry(), options);
        var ring = new Ring();
        ActorSystem[] parties = [.. Enumerable.Range(0, Parties).Select(p => sim.AddParty($"p{p}"))];
        ActorRef[] refs = Spawn(parties, ring);
        foreach (ActorRef r in refs) r.Tell(new BenchPing(0, Payload));
        sim.Run();
        if (ring.Delivered != Messages)
            throw new InvalidOperationException($"simulation ended with {ring.Delivered} of {Messages} messages delivered");
        return sim.EventsProcessed;
    }

    private static ActorRef[] Spawn(ActorSystem[] parties, Ring ring)
    {
        var actors = new RingActor[Actors];
        var refs = new ActorRef[Actors];
        for (int i = 0; i < Actors; i++)
        {
            RingActor actor = actors[i] = new RingActor(ring);
            refs[i] = parties[i % Parties].Spawn(Props.Create(() => actor), $"a{i}");
        }
        for (int i = 0; i < Actors; i++)
            actors[i].Next = refs[(i + 1) % Actors];
        return refs;
    }

    private static MessageRegistry Registry() => new MessageRegistry().Register(new BenchPingCodec());

    /// <summary>
    /// Shared by the 64 actors: how many Pings were sent and delivered (the 64 starting ones count as sent). Plain
    /// counters: the simulator runs one handler at a time on its own thread.
    /// </summary>
    private sealed class Ring
    {
        public long Sent = Actors;
        public long Delivered;
    }

    private sealed class RingActor(Ring ring) : Actor
    {
        public ActorRef Next { get; set; } = null!;

        protected internal override void Receive(ActorContext context, object message)
        {
            var ping = (BenchPing)message;
            ring.Delivered++;
            if (++ring.Sent <= Messages)
                context.Send(Next, new BenchPing(ping.Hop + 1, Payload));
        }
    }

    public sealed record BenchPing(int Hop, byte[] Payload);

    private sealed class BenchPingCodec() : MessageCodec<BenchPing>("bench.ping", 2)
    {
        public override void Write(ref MessagePackWriter writer, BenchPing message)
        {
            writer.WriteInt32(message.Hop);
            writer.WriteBinary(message.Payload);
        }

        public override BenchPing Read(ref MessagePackReader reader) => new(reader.ReadInt32(), reader.ReadBinary().ToArray());
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new RateColumn());
    }
}
