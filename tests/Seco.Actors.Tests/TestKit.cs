global using Xunit;
global using Seco.Actors.Addressing;
global using Seco.Actors.Messages;
global using Seco.Actors.Runtime;
global using Seco.Actors.Simulation;
using Seco.MessagePack;

namespace Seco.Actors.Tests;

public sealed record Ping(int Hop, byte[] Payload);

public sealed record Pong(int Hop);

/// <summary>Asks the receiver to charge <see cref="Millis"/> ms of compute and then do what its script says.</summary>
public sealed record Work(int Millis, string Tag);

internal sealed class PingCodec() : MessageCodec<Ping>("test.ping", 2)
{
    public override void Write(ref MessagePackWriter writer, Ping message)
    {
        writer.WriteInt32(message.Hop);
        writer.WriteBinary(message.Payload);
    }

    public override Ping Read(ref MessagePackReader reader) => new(reader.ReadInt32(), reader.ReadBinary().ToArray());
}

internal sealed class PongCodec() : MessageCodec<Pong>("test.pong", 1)
{
    public override void Write(ref MessagePackWriter writer, Pong message) => writer.WriteInt32(message.Hop);

    public override Pong Read(ref MessagePackReader reader) => new(reader.ReadInt32());
}

internal sealed class WorkCodec() : MessageCodec<Work>("test.work", 2)
{
    public override void Write(ref MessagePackWriter writer, Work message)
    {
        writer.WriteInt32(message.Millis);
        writer.WriteString(message.Tag);
    }

    public override Work Read(ref MessagePackReader reader)
    {
        int millis = reader.ReadInt32();
        if (millis < 0) throw new FormatException($"test.work: millis must be >= 0, got {millis}");
        return new(millis, reader.ReadString());
    }
}

/// <summary>An actor whose behaviour is a delegate, so each test states it where it is used.</summary>
internal sealed class Script(Action<ActorContext, object> receive, Action<ActorContext, SessionFailure>? failed = null) : Actor
{
    public List<object> Received { get; } = [];

    public List<SessionFailure> FailedSessions { get; } = [];

    protected internal override void Receive(ActorContext context, object message)
    {
        Received.Add(message);
        receive(context, message);
    }

    protected internal override void OnSessionFailed(ActorContext context, SessionFailure failure)
    {
        FailedSessions.Add(failure);
        failed?.Invoke(context, failure);
    }
}

internal static class TestKit
{
    public static MessageRegistry Registry() => new MessageRegistry().Register(new PingCodec()).Register(new PongCodec()).Register(new WorkCodec());

    /// <summary>A charged-only simulator (bit-for-bit repeatable) with the given parties on one default link.</summary>
    public static Simulator Sim(LinkModel? link = null, params string[] parties)
    {
        var sim = new Simulator(Registry(), new SimulationOptions { ComputeTiming = ComputeTiming.ChargedOnly, DefaultLink = link ?? new LinkModel(1, 1000) });
        foreach (string p in parties) sim.AddParty(p);
        return sim;
    }

    public static (ActorRef Ref, Script Actor) SpawnScript(this ActorSystem system, string name, Action<ActorContext, object> receive,
        Action<ActorContext, SessionFailure>? failed = null)
    {
        var actor = new Script(receive, failed);
        return (system.Spawn(Props.Create(() => actor), name), actor);
    }

    /// <summary>Charges the compute a <see cref="Work"/> message asks for.</summary>
    public static void Charge(ActorContext ctx, object message)
    {
        if (message is Work w) ctx.ChargeCompute(TimeSpan.FromMilliseconds(w.Millis));
    }

    public static long Ms(double ms) => (long)Math.Round(ms * 1e6);
}
