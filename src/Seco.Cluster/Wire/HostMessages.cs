using System.Buffers;
using Akka.Actor;
using Seco.MessagePack;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Wire;

/// <summary>A control message between the server hosts (not a SECO protocol message; small, sent with a plain Tell).</summary>
public interface IHostMessage;

/// <summary>
/// A host message that starts, acknowledges or stops a run. Akka does not bind a peer's claimed address to its TLS
/// certificate, so the connection does not say who sent it: each carries a <see cref="ControlSeal"/>, a signature by
/// the sending server's TLS key that the recipient checks against the sender's pinned certificate (RunControl).
/// </summary>
public interface IRunControl : IHostMessage
{
    long Run { get; }

    /// <summary>The server that sent (and signed) it.</summary>
    Party From { get; }

    ControlSeal Seal { get; }
}

/// <summary>
/// The authentication of an <see cref="IRunControl"/> message: which incarnation of the gateway the run belongs to
/// (its Akka <c>UniqueAddress</c> uid, so a message of a previous incarnation does not count for the next), and the
/// sender's signature over the canonical encoding of the message, its deployment, sender, recipient and that uid.
/// </summary>
/// <param name="Gateway">The uid of the gateway incarnation that runs the run.</param>
/// <param name="Signature">Empty only between nodes without TLS (plain-TCP plumbing tests), where nothing is signed.</param>
public sealed record ControlSeal(long Gateway, byte[] Signature)
{
    public static readonly ControlSeal None = new(0, []);

    public bool Equals(ControlSeal? other) =>
        other is not null && Gateway == other.Gateway && Signature.AsSpan().SequenceEqual(other.Signature);

    public override int GetHashCode() => HashCode.Combine(Gateway, Signature.Length);
}

/// <summary>The gateway starts run <paramref name="Run"/>: every server makes a fresh role (new keys, new setup) for it.</summary>
/// <param name="Deployment">The deployment id of the gateway's model file; a server holding another deployment refuses.</param>
public sealed record RunStart(long Run, string Deployment) : IRunControl
{
    public Party From => Party.Gateway;

    public ControlSeal Seal { get; init; } = ControlSeal.None;
}

/// <summary>
/// A server's half of a Delivery link for run <paramref name="Run"/>: the ConsumerController that takes what the
/// recipient sends to <paramref name="From"/>. The recipient registers its ProducerController with it.
/// </summary>
/// <param name="ProducerId">A random id the recipient's producer must use: the consumer accepts deliveries carrying it
/// only. It travels to the recipient alone, over the connection the offering node dialled to the recipient's configured
/// address, so another server cannot learn it and feed the link (Delivery accepts any new producer).</param>
public sealed record LinkOffer(long Run, Party From, IActorRef Consumer, string ProducerId) : IHostMessage;

/// <summary>A server's answer to <see cref="RunStart"/>: its role for the run exists (the gateway resends the start until it hears this).</summary>
public sealed record RunStarted(long Run, Party From) : IRunControl
{
    public ControlSeal Seal { get; init; } = ControlSeal.None;
}

/// <summary>The answer to a <see cref="LinkOffer"/>: the producer registered (the offering side resends until it hears this).</summary>
public sealed record LinkAccepted(long Run, Party From) : IHostMessage;

/// <summary>Run <paramref name="Run"/> is over (finished, or failed for <paramref name="Reason"/>): drop its role and links.</summary>
/// <param name="From">The gateway (it resends the stop until a <see cref="RunStopped"/> comes back), or a server that refuses the run.</param>
public sealed record RunStop(long Run, Party From, string Reason) : IRunControl
{
    public ControlSeal Seal { get; init; } = ControlSeal.None;
}

/// <summary>A server's answer to the gateway's <see cref="RunStop"/>: it holds no role for run <paramref name="Run"/> any more.</summary>
public sealed record RunStopped(long Run, Party From) : IRunControl
{
    public ControlSeal Seal { get; init; } = ControlSeal.None;
}

/// <summary>The host messages' wire form: manifest "seco-host.*", body a MessagePack array of the fields.</summary>
internal static class HostMessages
{
    private const string Prefix = "seco-host.";
    private const int MaxText = 1024;

    /// <summary>Largest signature accepted: RSA-4096 is 512 bytes, ECDSA P-521 132.</summary>
    public const int MaxSignature = 1024;

    /// <summary>What the sender of an <see cref="IRunControl"/> signs: fixed prefix, then the fields that name the run.</summary>
    private const string SignedContext = "seco run control v1";

    public static bool IsHostKind(string manifest) => manifest.StartsWith(Prefix, StringComparison.Ordinal);

    public static string KindOf(IHostMessage message) => message switch
    {
        RunStart => Prefix + "run-start",
        LinkOffer => Prefix + "link-offer",
        RunStop => Prefix + "run-stop",
        RunStarted => Prefix + "run-started",
        RunStopped => Prefix + "run-stopped",
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
                w.WriteArrayHeader(4);
                w.WriteInt64(m.Run);
                w.WriteString(m.Deployment);
                WriteSeal(ref w, m.Seal);
                break;
            case LinkOffer m:
                w.WriteArrayHeader(4);
                w.WriteInt64(m.Run);
                w.WriteInt32(m.From.Code);
                w.WriteString(Akka.Serialization.Serialization.SerializedActorPath(m.Consumer));
                w.WriteString(m.ProducerId);
                break;
            case RunStarted m:
                w.WriteArrayHeader(4);
                w.WriteInt64(m.Run);
                w.WriteInt32(m.From.Code);
                WriteSeal(ref w, m.Seal);
                break;
            case RunStopped m:
                w.WriteArrayHeader(4);
                w.WriteInt64(m.Run);
                w.WriteInt32(m.From.Code);
                WriteSeal(ref w, m.Seal);
                break;
            case LinkAccepted m:
                w.WriteArrayHeader(2);
                w.WriteInt64(m.Run);
                w.WriteInt32(m.From.Code);
                break;
            case RunStop m:
                w.WriteArrayHeader(5);
                w.WriteInt64(m.Run);
                w.WriteInt32(m.From.Code);
                w.WriteString(Cut(m.Reason));
                WriteSeal(ref w, m.Seal);
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
                Fields(ref r, 4);
                message = new RunStart(Run(ref r), Text(ref r, "deployment")) { Seal = ReadSeal(ref r) };
                break;
            case Prefix + "link-offer":
                Fields(ref r, 4);
                message = new LinkOffer(Run(ref r), PartyOf(ref r), Ref(ref r, system), Text(ref r, "producer id"));
                break;
            case Prefix + "run-started":
                Fields(ref r, 4);
                message = new RunStarted(Run(ref r), PartyOf(ref r)) { Seal = ReadSeal(ref r) };
                break;
            case Prefix + "run-stopped":
                Fields(ref r, 4);
                message = new RunStopped(Run(ref r), PartyOf(ref r)) { Seal = ReadSeal(ref r) };
                break;
            case Prefix + "link-accepted":
                Fields(ref r, 2);
                message = new LinkAccepted(Run(ref r), PartyOf(ref r));
                break;
            case Prefix + "run-stop":
                Fields(ref r, 5);
                message = new RunStop(Run(ref r), PartyOf(ref r), Text(ref r, "reason")) { Seal = ReadSeal(ref r) };
                break;
            default:
                throw new FormatException($"unknown host message kind '{SecoSerializer.Printable(manifest)}'");
        }
        r.EnsureEnd();
        return message;
    }

    /// <summary>
    /// The bytes the sender of <paramref name="message"/> signs and the recipient verifies: a MessagePack array of a
    /// fixed context string, the message kind, the run's deployment id, the run, the uid of the gateway incarnation
    /// that runs it, the sender's and the recipient's server names, and the message's own fields (the reason of a stop,
    /// as sent).
    /// </summary>
    public static byte[] SignedBytes(IRunControl message, string deployment, long gateway, string sender, string recipient)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var w = new MessagePackWriter(buffer);
        w.WriteArrayHeader(9);
        w.WriteString(SignedContext);
        w.WriteString(KindOf(message));
        w.WriteString(deployment);
        w.WriteInt64(message.Run);
        w.WriteInt64(gateway);
        w.WriteString(sender);
        w.WriteString(recipient);
        w.WriteInt32(message.From.Code);
        w.WriteString(message switch
        {
            RunStart m => m.Deployment,
            RunStop m => Cut(m.Reason),
            _ => "",
        });
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static string Cut(string text) => text.Length > MaxText ? text[..MaxText] : text;

    private static void WriteSeal(ref MessagePackWriter w, ControlSeal seal)
    {
        w.WriteInt64(seal.Gateway);
        w.WriteBinary(seal.Signature);
    }

    private static ControlSeal ReadSeal(ref MessagePackReader r)
    {
        long gateway = r.ReadInt64();
        long at = r.Consumed;
        ReadOnlySpan<byte> signature = r.ReadBinary();
        if (signature.Length > MaxSignature)
            throw new MessagePackException(at, $"signature of {signature.Length} bytes exceeds {MaxSignature}");
        return new ControlSeal(gateway, signature.ToArray());
    }

    private static void Fields(ref MessagePackReader r, int expected)
    {
        long at = r.Consumed;
        int count = r.ReadArrayHeader();
        if (count != expected)
            throw new MessagePackException(at, $"expected {expected} fields, got {count}");
    }

    private static long Run(ref MessagePackReader r) => r.ReadInt64InRange(1, long.MaxValue, "run");

    private static Party PartyOf(ref MessagePackReader r)
    {
        long at = r.Consumed;
        return Party.FromCode(r.ReadInt32()) is { IsUser: false } p ? p : throw new MessagePackException(at, "party: not a server of the hierarchy");
    }

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
