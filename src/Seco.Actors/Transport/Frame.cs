using System.Buffers;
using Seco.Actors.Addressing;
using Seco.Actors.Messages;
using Seco.MessagePack;

namespace Seco.Actors.Transport;

/// <summary>
/// One message between nodes: the MessagePack array
/// <c>[to-path, from-path | nil, request-id, in-reply-to, [kind, session, ...fields]]</c>.
/// Only paths travel: the transport knows which node a frame came from, so the sender's full address
/// is that node plus the path. Request ids are 0 when unused. The byte count the meter charges to a link
/// is the length of this array: the real wire size (a TCP transport adds only its 4-byte length prefix).
/// </summary>
public static class Frame
{
    /// <summary>Largest frame any transport accepts (512 MiB, docs/actors.md), checked before decoding: the cluster's
    /// body limit too, so a run that fits the simulator fits the cluster. ResNet-32's largest message is its collective
    /// Galois keys at setup, 244 MB for 93 keys (issue 20).</summary>
    public const int DefaultMaxBytes = 512 << 20;

    public static byte[] Encode(MessageRegistry registry, string toPath, string? fromPath, long requestId, long inReplyTo, object message, SessionId session) =>
        Encode(registry, toPath, fromPath, requestId, inReplyTo, message, session, out _);

    /// <param name="kind">The message's kind, as written (so a sender need not look its codec up twice).</param>
    public static byte[] Encode(MessageRegistry registry, string toPath, string? fromPath, long requestId, long inReplyTo, object message, SessionId session, out string kind) =>
        Encode(registry, toPath, fromPath, requestId, inReplyTo, message, session, null, out kind);

    /// <summary>As the other overloads, with the frame rented from <paramref name="pool"/> (null: a new array).</summary>
    public static byte[] Encode(MessageRegistry registry, string toPath, string? fromPath, long requestId, long inReplyTo, object message, SessionId session, ExactArrayPool? pool, out string kind)
    {
        // Pooled segments copied out once (issue 19): frames carry tens of MB of ciphertexts and garbled tables.
        using var buffer = new PooledBufferWriter();
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(5);
        writer.WriteString(toPath);
        if (fromPath is null) writer.WriteNil(); else writer.WriteString(fromPath);
        writer.WriteInt64(requestId);
        writer.WriteInt64(inReplyTo);
        kind = registry.Write(ref writer, message, session).Kind;
        writer.Flush();
        return buffer.ToArray(pool);
    }

    /// <summary>
    /// Decodes a frame in two steps so that a bad body can still be charged to its session: the header
    /// (<paramref name="header"/>, filled as far as it could be read) and then the message.
    /// </summary>
    /// <exception cref="FrameFormatException">Anything wrong, with what was read of the header.</exception>
    public static DecodedFrame Decode(MessageRegistry registry, ReadOnlyMemory<byte> frame, int maxBytes = DefaultMaxBytes)
    {
        var header = new FrameHeader();
        if (frame.Length > maxBytes)
            throw new FrameFormatException(header, $"frame of {frame.Length} bytes exceeds the limit of {maxBytes}");
        var reader = new MessagePackReader(frame);
        try
        {
            long at = reader.Consumed;
            int count = reader.ReadArrayHeader();
            if (count != 5)
                throw new MessagePackException(at, $"a frame is [to, from, request-id, in-reply-to, message]; got an array of {count}");
            header.ToPath = ReadPath(ref reader);
            header.FromPath = reader.TryReadNil() ? null : ReadPath(ref reader);
            header.RequestId = reader.ReadInt64InRange(0, long.MaxValue, "request id");
            header.InReplyTo = reader.ReadInt64InRange(0, long.MaxValue, "in-reply-to request id");
            (IMessageCodec codec, SessionId session) = registry.ReadHead(ref reader, (kind, s) =>
            {
                header.Kind = kind;
                header.Session = s;
            });
            object message = codec.Read(ref reader);
            reader.EnsureEnd();
            if (message is SessionFailed failed)
                message = failed with { Session = session };
            return new DecodedFrame(header, message);
        }
        catch (Exception e) when (e is MessagePackException or FormatException or UnknownMessageException or OverflowException)
        {
            throw new FrameFormatException(header, e.Message, e);
        }
    }

    private static string ReadPath(ref MessagePackReader reader)
    {
        long at = reader.Consumed;
        string path = reader.ReadString();
        if (ActorAddress.ProblemWithPath(path) is { } problem)
            throw new MessagePackException(at, problem);
        return path;
    }
}

/// <summary>What a frame says about routing; fields stay null/0 where decoding stopped before them.</summary>
public sealed class FrameHeader
{
    public string? ToPath { get; internal set; }

    public string? FromPath { get; internal set; }

    public long RequestId { get; internal set; }

    public long InReplyTo { get; internal set; }

    public string? Kind { get; internal set; }

    public SessionId? Session { get; internal set; }
}

public sealed record DecodedFrame(FrameHeader Header, object Message);

/// <summary>A frame that could not be decoded; <see cref="Header"/> holds what could be read.</summary>
public sealed class FrameFormatException(FrameHeader header, string message, Exception? inner = null)
    : Exception($"malformed frame: {message}", inner)
{
    public FrameHeader Header { get; } = header;
}

/// <summary>A message whose frame exceeds the sender's frame limit (<see cref="Runtime.ActorSystemOptions.MaxFrameBytes"/>): it is not sent.</summary>
public sealed class FrameTooLargeException(string message) : Exception(message);
