using System.Buffers;
using Seco.Cluster.Wire;
using Seco.MessagePack;
using Seco.Protocol.Messages;

namespace Seco.Cluster.Door;

/// <summary>A frame at the user door that breaks the rules (too long, cut short, not MessagePack): the session ends.</summary>
public sealed class DoorFrameException(string message) : IOException(message);

/// <summary>
/// The user door's framing: a 4-byte big-endian length, then that many bytes — a SECO message as
/// <see cref="SecoCodecs.Encode"/> writes it (<c>[kind, ...fields]</c>), or the door's own <c>["door.closed", reason]</c>.
/// The framing and its allocation bound are <see cref="LengthPrefixedFrames"/>'s.
/// </summary>
public static class DoorFrames
{
    /// <summary>Default largest frame (a user's Galois keys for the largest shipped model fit).</summary>
    public const int DefaultMaxBytes = 256 << 20;

    public const string ClosedKind = "door.closed";

    public static ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancel) =>
        LengthPrefixedFrames.WriteAsync(stream, payload, cancel);

    /// <summary>The next frame, or null at a clean end of stream (between frames).</summary>
    /// <exception cref="DoorFrameException">An over-long length, or the stream ended inside a frame.</exception>
    public static ValueTask<byte[]?> ReadAsync(Stream stream, int maxBytes, CancellationToken cancel) =>
        LengthPrefixedFrames.ReadAsync(stream, maxBytes, problem => new DoorFrameException(problem), cancel);

    /// <summary>The kind a frame starts with (<c>[kind, …</c>), or null if it does not read as one.</summary>
    public static string? KindOf(byte[] frame)
    {
        try
        {
            var reader = new MessagePackReader(frame);
            if (reader.ReadArrayHeader() < 1) return null;
            return reader.ReadString();
        }
        catch (Exception e) when (e is MessagePackException or FormatException or OverflowException)
        {
            return null;
        }
    }

    public static byte[] Closed(string? reason)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(2);
        w.WriteString(ClosedKind);
        if (reason is null) w.WriteNil(); else w.WriteString(reason.Length > 1024 ? reason[..1024] : reason);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The reason in a <see cref="ClosedKind"/> frame (null: the run finished normally).</summary>
    public static string? ClosedReason(byte[] frame)
    {
        var reader = new MessagePackReader(frame);
        reader.ReadArrayHeader();
        reader.ReadString();
        if (reader.TryReadNil()) return null;
        string reason = reader.ReadString();
        return new string(reason.Take(1024).Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
