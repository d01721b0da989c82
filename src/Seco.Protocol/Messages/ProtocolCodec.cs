using Seco.MessagePack;

namespace Seco.Protocol.Messages;

/// <summary>
/// The wire form of one SECO message kind: a stable name and a fixed number of MessagePack fields. Hosts put
/// them after their own header (the actor runtime writes <c>[kind, session, ...fields]</c>, docs/actors.md).
/// </summary>
public interface IProtocolCodec
{
    string Kind { get; }

    Type MessageType { get; }

    int FieldCount { get; }

    void Write(ref MessagePackWriter writer, SecoMessage message);

    /// <summary>Reads and validates the fields; throws <see cref="MessagePackException"/> naming the problem.</summary>
    SecoMessage Read(ref MessagePackReader reader);
}

public delegate void FieldWriter<in T>(ref MessagePackWriter writer, T message);

public delegate T FieldReader<out T>(ref MessagePackReader reader);

/// <summary>A codec from a field writer and a field reader.</summary>
public sealed class ProtocolCodec<T>(string kind, int fieldCount, FieldWriter<T> write, FieldReader<T> read) : IProtocolCodec
    where T : SecoMessage
{
    public string Kind { get; } = kind;

    public Type MessageType => typeof(T);

    public int FieldCount { get; } = fieldCount;

    public void Write(ref MessagePackWriter writer, SecoMessage message) => write(ref writer, (T)message);

    public SecoMessage Read(ref MessagePackReader reader) => read(ref reader);
}
