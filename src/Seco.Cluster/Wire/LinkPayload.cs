using Seco.Protocol.Messages;

namespace Seco.Cluster.Wire;

/// <summary>
/// What travels on a server-to-server Akka.Delivery link. The producer side hands the link an
/// <see cref="EncodedSecoMessage"/> (encoded once, so its size is metered without a second encoding); the consumer side
/// gets a <see cref="ReceivedSecoMessage"/> from <see cref="SecoSerializer.FromBinary"/>. One interface over both, because
/// the ConsumerController casts what the serializer returns to the link's message type, and a serializer that returned
/// anything else would leave the link stuck (../shared/cluster.md).
/// </summary>
public interface ILinkPayload
{
    /// <summary>The SECO message kind (the Akka manifest).</summary>
    string Kind { get; }
}

/// <summary>A SECO message already encoded by its codec: <c>[kind, ...fields]</c>, the bytes <see cref="SecoCodecs.Encode"/> writes.</summary>
public sealed record EncodedSecoMessage(string Kind, byte[] Body, ProtocolPhase Phase) : ILinkPayload
{
    public static EncodedSecoMessage Of(SecoMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new EncodedSecoMessage(SecoCodecs.For(message.GetType()).Kind, SecoCodecs.Encode(message), message.Phase);
    }
}

/// <summary>
/// A SECO message as it arrived: decoded, or — when its body was malformed — the problem and, if it could be read, the
/// query it belonged to, so the host fails that one query (or the run, for a setup message) instead of the link.
/// </summary>
/// <param name="BodyBytes">The encoded size, for metering (the same bytes the sender metered).</param>
public sealed record ReceivedSecoMessage(string Kind, int BodyBytes, SecoMessage? Message, string? Problem, int? Query) : ILinkPayload
{
    public bool IsMalformed => Message is null;

    /// <summary>The body was well framed but this process ran out of memory decoding it: the receiver's limit, not the sender's fault.</summary>
    public bool OutOfMemory { get; init; }

    /// <summary>Why the message was not taken, from the receiver's side: the sender's fault, or this process's memory.</summary>
    public string Why(string sender) => OutOfMemory
        ? $"this process ran out of memory decoding {sender}'s '{Kind}' of {BodyBytes:N0} bytes: its memory_limit (or the machine) is too small for this model and split"
        : $"{sender} sent a malformed message: {Problem}";
}

/// <summary>
/// A large SECO body announced on a Delivery link: the body itself travels on the bulk lane (docs/cluster.md, "Bulk
/// lane"), as the <paramref name="Index"/>-th frame of the sender's bulk connection for the run. The receiver hands the
/// body to its role here, in Delivery order, once it has arrived and its size and SHA-256 match.
/// </summary>
/// <param name="SecoKind">The announced message's SECO kind (checked against the body's own).</param>
public sealed record BulkAnnouncement(string SecoKind, int Bytes, byte[] Sha256, long Index) : ILinkPayload
{
    /// <summary>The Akka manifest of an announcement.</summary>
    public const string Manifest = "seco-bulk.announce";

    public string Kind => Manifest;
}
