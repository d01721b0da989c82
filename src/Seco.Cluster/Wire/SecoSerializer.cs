using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using Seco.MessagePack;
using Seco.Protocol.Messages;

namespace Seco.Cluster.Wire;

/// <summary>
/// The one Akka serializer of a SECO node (docs/cluster.md, "Wire"). The manifest is the SECO message kind and the body
/// is the project's own MessagePack encoding — <see cref="SecoCodecs.Encode"/> for protocol messages, the same bytes the
/// simulator and the user door carry; <see cref="HostMessages"/> for the hosts' small control messages.
/// <para>
/// It never throws anything but <see cref="SerializationException"/>: Akka.Remote treats any other exception as a broken
/// association, and a Delivery consumer whose reassembled message fails to deserialize is stuck for good. So a
/// malformed or unknown protocol body is not an exception at all: it becomes a <see cref="ReceivedSecoMessage"/> that
/// names the problem, and the host fails the one query it belongs to.
/// </para>
/// </summary>
public sealed class SecoSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka serializer id (ids 0–100 are Akka's own).</summary>
    public const int Id = 4171;

    /// <summary>Largest body accepted (a whole garbled F_BC for the largest shipped model fits; checked before decoding).</summary>
    public const int MaxBodyBytes = 512 << 20;

    public override int Identifier => Id;

    public override string Manifest(object o) => o switch
    {
        ILinkPayload p => p.Kind,
        SecoMessage m => KindOf(m),
        IHostMessage h => HostMessages.KindOf(h),
        _ => throw new SerializationException($"the SECO serializer does not carry {o.GetType().Name}"),
    };

    public override byte[] ToBinary(object obj)
    {
        try
        {
            return obj switch
            {
                EncodedSecoMessage e => e.Body,
                BulkAnnouncement a => EncodeAnnouncement(a),
                SecoMessage m => SecoCodecs.Encode(m),
                IHostMessage h => HostMessages.Encode(h, system),
                _ => throw new SerializationException($"the SECO serializer does not carry {obj.GetType().Name}"),
            };
        }
        catch (Exception e) when (e is not SerializationException)
        {
            throw new SerializationException($"could not encode {obj.GetType().Name}: {e.Message}", e);
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (manifest is null)
            throw new SerializationException("a SECO message arrived without a manifest");
        if (HostMessages.IsHostKind(manifest))
        {
            try
            {
                return HostMessages.Decode(manifest, bytes, system);
            }
            catch (Exception e) when (e is not SerializationException)
            {
                // A control message is small and not on a Delivery link: Akka drops it with a log line, the node lives.
                throw new SerializationException($"malformed '{Printable(manifest)}' control message: {e.Message}", e);
            }
        }
        if (manifest == BulkAnnouncement.Manifest)
            return ReadAnnouncement(bytes);
        return Receive(bytes, manifest);
    }

    private static byte[] EncodeAnnouncement(BulkAnnouncement a)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(96);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(4);
        w.WriteString(a.SecoKind);
        w.WriteInt32(a.Bytes);
        w.WriteBinary(a.Sha256);
        w.WriteInt64(a.Index);
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// An announcement arrives on a Delivery link, so a bad one is not an exception either: it becomes a
    /// <see cref="ReceivedSecoMessage"/> naming the problem, and the run fails (the bulk lane's order is lost).
    /// </summary>
    internal static ILinkPayload ReadAnnouncement(byte[] bytes)
    {
        try
        {
            var r = new MessagePackReader(bytes);
            if (r.ReadArrayHeader() != 4) throw new FormatException("not an array of 4");
            string kind = r.ReadString();
            if (!SecoCodecs.All.Any(c => c.Kind == kind)) throw new FormatException($"unknown SECO message kind '{Printable(kind)}'");
            int size = r.ReadInt32InRange(1, MaxBodyBytes, "bytes");
            byte[] hash = r.ReadBinary().ToArray();
            if (hash.Length != 32) throw new FormatException($"a SHA-256 of {hash.Length} bytes");
            long index = r.ReadInt64InRange(0, long.MaxValue, "index");
            return new BulkAnnouncement(kind, size, hash, index);
        }
        catch (Exception e)
        {
            return new ReceivedSecoMessage(BulkAnnouncement.Manifest, bytes.Length, null, $"malformed bulk announcement: {e.Message}", null);
        }
    }

    /// <summary>Decodes a protocol body; anything wrong becomes a <see cref="ReceivedSecoMessage"/> naming the problem.</summary>
    public static ReceivedSecoMessage Receive(byte[] bytes, string kind)
    {
        string shown = Printable(kind);
        if (bytes.Length > MaxBodyBytes)
            return new ReceivedSecoMessage(shown, bytes.Length, null, $"'{shown}' body of {bytes.Length} bytes exceeds the limit of {MaxBodyBytes}", null);
        if (!SecoCodecs.All.Any(c => c.Kind == kind))
            return new ReceivedSecoMessage(shown, bytes.Length, null, $"unknown SECO message kind '{shown}'", null);
        try
        {
            SecoMessage message = SecoCodecs.Decode(bytes);
            string written = KindOf(message);
            if (written != kind)
                return new ReceivedSecoMessage(shown, bytes.Length, null, $"the manifest says '{shown}' but the body is '{written}'", QueryOf(message));
            return new ReceivedSecoMessage(kind, bytes.Length, message, null, QueryOf(message));
        }
        catch (OutOfMemoryException)
        {
            // Not the sender's fault: a body within the frame limit that this process's memory limit cannot hold decoded.
            return new ReceivedSecoMessage(kind, bytes.Length, null, $"out of memory decoding '{kind}'", PeekQuery(bytes, kind)) { OutOfMemory = true };
        }
        catch (Exception e)
        {
            return new ReceivedSecoMessage(kind, bytes.Length, null, $"malformed '{kind}': {e.Message}", PeekQuery(bytes, kind));
        }
    }

    private static string KindOf(SecoMessage m) => SecoCodecs.For(m.GetType()).Kind;

    private static int? QueryOf(SecoMessage m) => m is QueryMessage q ? q.Query : null;

    /// <summary>The query of a malformed per-query body, when its head <c>[kind, query, …</c> still reads.</summary>
    internal static int? PeekQuery(byte[] bytes, string kind)
    {
        IProtocolCodec codec = SecoCodecs.All.First(c => c.Kind == kind);
        if (!codec.MessageType.IsAssignableTo(typeof(QueryMessage)))
            return null;
        try
        {
            var reader = new MessagePackReader(bytes);
            reader.ReadArrayHeader();
            reader.ReadString();
            return reader.ReadInt32InRange(0, int.MaxValue, "query");
        }
        catch (Exception e) when (e is MessagePackException or FormatException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>A manifest from the wire, fit for a log line (control characters replaced, cut at 64).</summary>
    internal static string Printable(string s)
    {
        string cut = s.Length > 64 ? s[..64] + "…" : s;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
