using Seco.Actors.Messages;
using Seco.MessagePack;
using Seco.Protocol.Messages;

namespace Seco.Scenarios.Secure;

/// <summary>Adapts the protocol's codecs (Seco.Protocol knows no runtime) to the actor runtime's registry.</summary>
internal sealed class SecoMessageCodec(IProtocolCodec inner) : IMessageCodec
{
    public string Kind => inner.Kind;

    public Type MessageType => inner.MessageType;

    public int FieldCount => inner.FieldCount;

    public void Write(ref MessagePackWriter writer, object message) => inner.Write(ref writer, (SecoMessage)message);

    public object Read(ref MessagePackReader reader) => inner.Read(ref reader);
}

internal static class SecoMessageCodecs
{
    public static MessageRegistry Registry()
    {
        var registry = new MessageRegistry();
        foreach (IProtocolCodec codec in SecoCodecs.All)
            registry.Register(new SecoMessageCodec(codec));
        return registry;
    }
}
