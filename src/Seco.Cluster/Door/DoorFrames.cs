using System.Buffers;
using System.Buffers.Binary;
using Seco.MessagePack;
using Seco.Protocol.Messages;

namespace Seco.Cluster.Door;

/// <summary>A frame at the user door that breaks the rules (too long, cut short, not MessagePack): the session ends.</summary>
public sealed class DoorFrameException(string message) : IOException(message);

/// <summary>
/// The user door's framing: a 4-byte big-endian length, then that many bytes — a SECO message as
/// <see cref="SecoCodecs.Encode"/> writes it (<c>[kind, ...fields]</c>), or the door's own <c>["door.closed", reason]</c>.
/// A length over the limit is refused before anything is allocated, and the body is read in pieces of at most 1 MiB,
/// so a peer that announces 256 MiB and sends nothing costs 1 MiB, not 256.
/// </summary>
public static class DoorFrames
{
    /// <summary>Default largest frame (a user's Galois keys for the largest shipped model fit).</summary>
    public const int DefaultMaxBytes = 256 << 20;

    public const string ClosedKind = "door.closed";

    private const int Piece = 1 << 20;

    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payload.Length);
        await stream.WriteAsync(header, cancel).ConfigureAwait(false);
        await stream.WriteAsync(payload, cancel).ConfigureAwait(false);
        await stream.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>The next frame, or null at a clean end of stream (between frames).</summary>
    /// <exception cref="DoorFrameException">An over-long length, or the stream ended inside a frame.</exception>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, int maxBytes, CancellationToken cancel)
    {
        var header = new byte[4];
        int got = await ReadUpTo(stream, header, cancel).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < 4) throw new DoorFrameException($"the stream ended inside a frame's length ({got} of 4 bytes)");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxBytes)
            throw new DoorFrameException($"a frame of {length} bytes exceeds the door's limit of {maxBytes}");
        var body = new ArrayBufferWriter<byte>((int)Math.Min(length, Piece));
        long remaining = length;
        while (remaining > 0)
        {
            Memory<byte> into = body.GetMemory((int)Math.Min(remaining, Piece))[..(int)Math.Min(remaining, Piece)];
            int n = await stream.ReadAsync(into, cancel).ConfigureAwait(false);
            if (n == 0) throw new DoorFrameException($"the stream ended inside a frame ({length - remaining} of {length} bytes)");
            body.Advance(n);
            remaining -= n;
        }
        return body.WrittenSpan.ToArray();
    }

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

    private static async ValueTask<int> ReadUpTo(Stream stream, Memory<byte> buffer, CancellationToken cancel)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer[total..], cancel).ConfigureAwait(false);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}
