using System.Buffers.Binary;

namespace Seco.Cluster.Wire;

/// <summary>
/// The framing of the user door and the bulk lane: a 4-byte big-endian length, then that many bytes. A length over the
/// limit is refused before anything is allocated; a body up to 8 MiB is read into an array of its exact size, a larger
/// one into a buffer that doubles only as bytes arrive — so a peer that announces a large frame and sends nothing costs
/// at most 8 MiB, and an honest large frame costs at most one extra copy of itself.
/// </summary>
internal static class LengthPrefixedFrames
{
    private const int FirstAllocation = 8 << 20;

    public static async ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancel)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)payload.Length);
        await stream.WriteAsync(header, cancel).ConfigureAwait(false);
        await stream.WriteAsync(payload, cancel).ConfigureAwait(false);
        await stream.FlushAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>The next frame, or null at a clean end of stream (between frames).</summary>
    /// <param name="broken">Makes the exception for an over-long length or a stream that ends inside a frame.</param>
    public static async ValueTask<byte[]?> ReadAsync(Stream stream, int maxBytes, Func<string, Exception> broken, CancellationToken cancel)
    {
        var header = new byte[4];
        int got = await ReadUpTo(stream, header, cancel).ConfigureAwait(false);
        if (got == 0) return null;
        if (got < 4) throw broken($"the stream ended inside a frame's length ({got} of 4 bytes)");
        uint length = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (length > (uint)maxBytes)
            throw broken($"a frame of {length} bytes exceeds the limit of {maxBytes}");
        byte[] body = GC.AllocateUninitializedArray<byte>((int)Math.Min(length, FirstAllocation));
        int filled = 0;
        while (filled < length)
        {
            if (filled == body.Length)
                Array.Resize(ref body, (int)Math.Min(length, 2L * body.Length));
            int n = await stream.ReadAsync(body.AsMemory(filled), cancel).ConfigureAwait(false);
            if (n == 0) throw broken($"the stream ended inside a frame ({filled} of {length} bytes)");
            filled += n;
        }
        return body;
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
