using Seco.Actors.Messages;
using Seco.MessagePack;

namespace Seco.Scenarios.Running;

/// <summary>One round of the echo workload going down the hierarchy, with its payload.</summary>
public sealed record EchoRequest(int Round, byte[] Payload);

/// <summary>The answer to an <see cref="EchoRequest"/> coming back up.</summary>
public sealed record EchoReply(int Round, byte[] Payload);

internal sealed class EchoRequestCodec() : MessageCodec<EchoRequest>("echo.request", 2)
{
    public override void Write(ref MessagePackWriter writer, EchoRequest message)
    {
        writer.WriteInt32(message.Round);
        writer.WriteBinary(message.Payload);
    }

    public override EchoRequest Read(ref MessagePackReader reader) => new(EchoCodecs.ReadRound(ref reader), reader.ReadBinary().ToArray());
}

internal sealed class EchoReplyCodec() : MessageCodec<EchoReply>("echo.reply", 2)
{
    public override void Write(ref MessagePackWriter writer, EchoReply message)
    {
        writer.WriteInt32(message.Round);
        writer.WriteBinary(message.Payload);
    }

    public override EchoReply Read(ref MessagePackReader reader) => new(EchoCodecs.ReadRound(ref reader), reader.ReadBinary().ToArray());
}

internal static class EchoCodecs
{
    public static MessageRegistry Registry() => new MessageRegistry().Register(new EchoRequestCodec()).Register(new EchoReplyCodec());

    public static int ReadRound(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        int round = reader.ReadInt32();
        if (round is < 0 or >= EchoWorkload.MaxRounds)
            throw new MessagePackException(at, $"echo round {round} is out of range 0..{EchoWorkload.MaxRounds - 1}");
        return round;
    }
}
