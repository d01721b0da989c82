using System.Buffers;
using Seco.Cluster.Wire;
using Seco.MessagePack;

namespace Seco.Cluster.Bulk;

/// <summary>A bulk lane connection that breaks the rules (bad hello, over-long or cut-short frame): that connection ends.</summary>
public sealed class BulkLaneException(string message) : IOException(message);

/// <summary>
/// The bulk lane's wire (docs/cluster.md, "Bulk lane"): after the TLS handshake the dialling server sends one hello
/// frame <c>["seco-bulk.hello", its server name, run, token]</c> (the token: the producer id the receiving run offered
/// this server, which binds the connection to that run), then one frame per body, in the order the bodies were
/// announced on the run's Delivery link. A frame is a 4-byte big-endian length and that many bytes, as at the door.
/// </summary>
internal static class BulkFrames
{
    public const string HelloKind = "seco-bulk.hello";

    public static byte[] Hello(string from, long run, string token)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(4);
        w.WriteString(HelloKind);
        w.WriteString(from);
        w.WriteInt64(run);
        w.WriteString(token);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="BulkLaneException">The frame is not a hello.</exception>
    public static (string From, long Run, string Token) ReadHello(byte[] frame)
    {
        try
        {
            var r = new MessagePackReader(frame);
            if (r.ReadArrayHeader() != 4 || r.ReadString() != HelloKind)
                throw new BulkLaneException("the first frame is not a bulk lane hello");
            string from = r.ReadString();
            long run = r.ReadInt64();
            string token = r.ReadString();
            if (from.Length is 0 or > 64 || run < 1 || token.Length is 0 or > 64)
                throw new BulkLaneException("the hello names no server, run or token");
            return (from, run, token);
        }
        catch (Exception e) when (e is MessagePackException or FormatException or OverflowException)
        {
            throw new BulkLaneException($"the hello does not read: {e.Message}");
        }
    }

    public static ValueTask WriteAsync(Stream stream, ReadOnlyMemory<byte> body, CancellationToken cancel) =>
        LengthPrefixedFrames.WriteAsync(stream, body, cancel);

    /// <summary>The next body, or null at a clean end between frames.</summary>
    /// <exception cref="BulkLaneException">Over-long, or the stream ended inside a frame.</exception>
    public static ValueTask<byte[]?> ReadAsync(Stream stream, int maxBytes, CancellationToken cancel) =>
        LengthPrefixedFrames.ReadAsync(stream, maxBytes, problem => new BulkLaneException(problem), cancel);
}
