using Seco.Actors.Messages;
using Seco.MessagePack;

namespace Seco.Scenarios.Running;

/// <summary>One round of the echo workload going down the hierarchy, with its payload.</summary>
public sealed record EchoRequest(int Round, byte[] Payload);

/// <summary>The answer to an <see cref="EchoRequest"/> coming back up.</summary>
public sealed record EchoReply(int Round, byte[] Payload);

internal sealed class EchoRequestCodec() : EchoCodec<EchoRequest>("echo.request", (round, payload) => new(round, payload), m => (m.Round, m.Payload));

internal sealed class EchoReplyCodec() : EchoCodec<EchoReply>("echo.reply", (round, payload) => new(round, payload), m => (m.Round, m.Payload));

/// <summary>Both echo messages are [round, payload].</summary>
internal abstract class EchoCodec<T>(string kind, Func<int, byte[], T> create, Func<T, (int Round, byte[] Payload)> fields)
    : MessageCodec<T>(kind, 2) where T : class
{
    public override void Write(ref MessagePackWriter writer, T message)
    {
        (int round, byte[] payload) = fields(message);
        writer.WriteInt32(round);
        writer.WriteBinary(payload);
    }

    public override T Read(ref MessagePackReader reader) => create(EchoCodecs.ReadRound(ref reader), reader.ReadBinary().ToArray());
}

internal static class EchoCodecs
{
    public static MessageRegistry Registry() => new MessageRegistry().Register(new EchoRequestCodec()).Register(new EchoReplyCodec());

    public static int ReadRound(ref MessagePackReader reader) => reader.ReadInt32InRange(0, EchoWorkload.MaxRounds - 1, "echo round");
}
