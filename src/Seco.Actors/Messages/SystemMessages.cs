using Seco.Actors.Addressing;
using Seco.MessagePack;

namespace Seco.Actors.Messages;

/// <summary>A watched actor stopped (or its party went down). Delivered to every watcher's Receive.</summary>
public sealed record Terminated(ActorAddress Actor, string Reason);

/// <summary>
/// A peer failed session <paramref name="Session"/> (its handler threw, or a frame it got was malformed).
/// The runtime marks the session failed at the receiving actor too and calls its
/// <see cref="Runtime.Actor.OnSessionFailed"/>; it does not pass this to Receive.
/// </summary>
public sealed record SessionFailed(SessionId Session, ActorAddress At, string Reason);

/// <summary>A request made with <see cref="Runtime.ActorContext.Request"/> got no reply in time. Local only.</summary>
public sealed record RequestTimedOut(long RequestId, ActorAddress Target, string Kind);

/// <summary>Sent by a watcher's node to the watched actor's node; the envelope's sender is the watcher.</summary>
internal sealed record WatchRequest(bool Watch);

/// <summary>Codecs of the runtime's own kinds (all prefixed "seco.").</summary>
internal static class SystemMessages
{
    public const int MaxReasonLength = 4096;

    public static void RegisterIn(MessageRegistry registry)
    {
        registry.Register(new WatchCodec()).Register(new TerminatedCodec()).Register(new SessionFailedCodec());
    }

    internal static string ReadReason(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        string reason = reader.ReadString();
        if (reason.Length > MaxReasonLength)
            throw new MessagePackException(at, $"reason of {reason.Length} characters; at most {MaxReasonLength}");
        return reason;
    }

    internal static ActorAddress ReadAddress(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        string text = reader.ReadString();
        try
        {
            return ActorAddress.Parse(text);
        }
        catch (FormatException e)
        {
            throw new MessagePackException(at, e.Message);
        }
    }

    private static string Clip(string reason) => reason.Length <= MaxReasonLength ? reason : reason[..MaxReasonLength];

    private sealed class WatchCodec() : MessageCodec<WatchRequest>("seco.watch", 1)
    {
        public override void Write(ref MessagePackWriter writer, WatchRequest message) => writer.Write(message.Watch);

        public override WatchRequest Read(ref MessagePackReader reader) => new(reader.ReadBoolean());
    }

    private sealed class TerminatedCodec() : MessageCodec<Terminated>("seco.terminated", 2)
    {
        public override void Write(ref MessagePackWriter writer, Terminated message)
        {
            writer.WriteString(message.Actor.ToString());
            writer.WriteString(Clip(message.Reason));
        }

        public override Terminated Read(ref MessagePackReader reader) => new(ReadAddress(ref reader), ReadReason(ref reader));
    }

    // The session travels in the message head; this record's Session is filled in from it on decode.
    private sealed class SessionFailedCodec() : MessageCodec<SessionFailed>("seco.session-failed", 2)
    {
        public override void Write(ref MessagePackWriter writer, SessionFailed message)
        {
            writer.WriteString(message.At.ToString());
            writer.WriteString(Clip(message.Reason));
        }

        public override SessionFailed Read(ref MessagePackReader reader) => new(SessionId.None, ReadAddress(ref reader), ReadReason(ref reader));
    }
}
