using Seco.MessagePack;

namespace Seco.Actors.Messages;

/// <summary>
/// Wire form of one message kind: a short stable name (Akka's lesson: explicit schemas, no reflection
/// serializer) and a fixed number of MessagePack fields following <c>[kind, session]</c>.
/// </summary>
public interface IMessageCodec
{
    /// <summary>Stable name on the wire, e.g. "echo.request" (1..64 printable ASCII characters).</summary>
    string Kind { get; }

    /// <summary>The CLR type this codec writes; exactly one codec per type.</summary>
    Type MessageType { get; }

    /// <summary>How many MessagePack values <see cref="Write"/> writes and <see cref="Read"/> reads.</summary>
    int FieldCount { get; }

    void Write(ref MessagePackWriter writer, object message);

    /// <summary>Reads the fields back. Must validate every value from the wire and throw
    /// <see cref="MessagePackException"/> or <see cref="FormatException"/> naming the problem. The message keeps no
    /// reference into the reader's buffer (copy binaries out): the frame is reused once decoded (issue 19).</summary>
    object Read(ref MessagePackReader reader);
}

/// <summary>Typed base for codecs.</summary>
public abstract class MessageCodec<T> : IMessageCodec where T : class
{
    protected MessageCodec(string kind, int fieldCount)
    {
        MessageRegistry.ValidateKind(kind);
        ArgumentOutOfRangeException.ThrowIfNegative(fieldCount);
        Kind = kind;
        FieldCount = fieldCount;
    }

    public string Kind { get; }

    public Type MessageType => typeof(T);

    public int FieldCount { get; }

    public abstract void Write(ref MessagePackWriter writer, T message);

    public abstract T Read(ref MessagePackReader reader);

    void IMessageCodec.Write(ref MessagePackWriter writer, object message) => Write(ref writer, (T)message);

    object IMessageCodec.Read(ref MessagePackReader reader) => Read(ref reader);
}
