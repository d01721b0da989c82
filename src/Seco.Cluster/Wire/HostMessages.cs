using System.Buffers;
using Akka.Actor;
using Seco.MessagePack;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Wire;

/// <summary>A control message between the server hosts (not a SECO protocol message; small, sent with a plain Tell).</summary>
public interface IHostMessage;

/// <summary>The gateway starts run <paramref name="Run"/>: every server makes a fresh role (new keys, new setup) for it.</summary>
/// <param name="Deployment">The deployment id of the gateway's model file; a server holding another deployment refuses.</param>
public sealed record RunStart(long Run, string Deployment) : IHostMessage;

/// <summary>
/// A server's half of a Delivery link for run <paramref name="Run"/>: the ConsumerController that takes what the
/// recipient sends to <paramref name="From"/>. The recipient registers its ProducerController with it.
/// </summary>
/// <param name="ProducerId">A random id the recipient's producer must use: the consumer accepts deliveries carrying it
/// only. It travels to the recipient alone, over the connection the offering node dialled to the recipient's configured
/// address, so another server cannot learn it and feed the link (Delivery accepts any new producer).</param>
public sealed record LinkOffer(long Run, Party From, IActorRef Consumer, string ProducerId) : IHostMessage;

/// <summary>A server's answer to <see cref="RunStart"/>: its role for the run exists (the gateway resends the start until it hears this).</summary>
public sealed record RunStarted(long Run, Party From) : IHostMessage;

/// <summary>The answer to a <see cref="LinkOffer"/>: the producer registered (the offering side resends until it hears this).</summary>
public sealed record LinkAccepted(long Run, Party From) : IHostMessage;

/// <summary>Run <paramref name="Run"/> is over (finished, or failed for <paramref name="Reason"/>): drop its role and links.</summary>
public sealed record RunStop(long Run, string Reason) : IHostMessage;

/// <summary>The host messages' wire form: manifest "seco-host.*", body a MessagePack array of the fields.</summary>
internal static class HostMessages
{
    private const string Prefix = "seco-host.";
    private const int MaxText = 1024;

    public static bool IsHostKind(string manifest) => manifest.StartsWith(Prefix, StringComparison.Ordinal);

    public static string KindOf(IHostMessage message) => message switch
    {
        RunStart => Prefix + "run-start",
        LinkOffer => Prefix + "link-offer",
        RunStop => Prefix + "run-stop",
        RunStarted => Prefix + "run-started",
        LinkAccepted => Prefix + "link-accepted",
        _ => throw new ArgumentException($"no host kind for {message.GetType().Name}"),
    };

    public static byte[] Encode(IHostMessage message, ExtendedActorSystem system)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        var w = new MessagePackWriter(buffer);
        switch (message)
        {
            case RunStart m:
                w.WriteArrayHeader(2);
                w.WriteInt64(m.Run);
                w.WriteString(m.Deployment);
                break;
            case LinkOffer m:
                w.WriteArrayHeader(4);
                w.WriteInt64(m.Run);
                w.WriteInt32((int)m.From);
                w.WriteString(Akka.Serialization.Serialization.SerializedActorPath(m.Consumer));
                w.WriteString(m.ProducerId);
                break;
            case RunStarted m:
                w.WriteArrayHeader(2);
                w.WriteInt64(m.Run);
                w.WriteInt32((int)m.From);
                break;
            case LinkAccepted m:
                w.WriteArrayHeader(2);
                w.WriteInt64(m.Run);
                w.WriteInt32((int)m.From);
                break;
            case RunStop m:
                w.WriteArrayHeader(2);
                w.WriteInt64(m.Run);
                w.WriteString(m.Reason.Length > MaxText ? m.Reason[..MaxText] : m.Reason);
                break;
            default:
                throw new ArgumentException($"no host encoding for {message.GetType().Name}");
        }
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    public static IHostMessage Decode(string manifest, byte[] bytes, ExtendedActorSystem system)
    {
        var r = new MessagePackReader(bytes);
        IHostMessage message;
        switch (manifest)
        {
            case Prefix + "run-start":
                Fields(ref r, 2);
                message = new RunStart(Run(ref r), Text(ref r, "deployment"));
                break;
            case Prefix + "link-offer":
                Fields(ref r, 4);
                message = new LinkOffer(Run(ref r), PartyOf(ref r), Ref(ref r, system), Text(ref r, "producer id"));
                break;
            case Prefix + "run-started":
                Fields(ref r, 2);
                message = new RunStarted(Run(ref r), PartyOf(ref r));
                break;
            case Prefix + "link-accepted":
                Fields(ref r, 2);
                message = new LinkAccepted(Run(ref r), PartyOf(ref r));
                break;
            case Prefix + "run-stop":
                Fields(ref r, 2);
                message = new RunStop(Run(ref r), Text(ref r, "reason"));
                break;
            default:
                throw new FormatException($"unknown host message kind '{SecoSerializer.Printable(manifest)}'");
        }
        r.EnsureEnd();
        return message;
    }

    private static void Fields(ref MessagePackReader r, int expected)
    {
        long at = r.Consumed;
        int count = r.ReadArrayHeader();
        if (count != expected)
            throw new MessagePackException(at, $"expected {expected} fields, got {count}");
    }

    private static long Run(ref MessagePackReader r) => r.ReadInt64InRange(1, long.MaxValue, "run");

    private static Party PartyOf(ref MessagePackReader r) =>
        (Party)r.ReadInt32InRange((int)Party.Gateway, (int)Party.Evaluator, "party (a server)");

    private static string Text(ref MessagePackReader r, string field)
    {
        long at = r.Consumed;
        string s = r.ReadString();
        if (s.Length > MaxText)
            throw new MessagePackException(at, $"{field} of {s.Length} characters exceeds {MaxText}");
        return s;
    }

    private static IActorRef Ref(ref MessagePackReader r, ExtendedActorSystem system)
    {
        string path = Text(ref r, "actor path");
        IActorRef resolved = system.Provider.ResolveActorRef(path);
        if (resolved is null || resolved.IsNobody())
            throw new FormatException($"actor path '{SecoSerializer.Printable(path)}' does not resolve");
        return resolved;
    }
}
