using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace Seco.Cluster.Wire;

/// <summary>
/// Takes the place of Akka's default Newtonsoft.Json serializer (id 1, bound to System.Object), which would otherwise
/// let any pinned peer name a .NET type in a message's manifest and have this node instantiate it and run its setters
/// (TypeNameHandling.All). Every message the servers exchange has a dedicated serializer (SECO's, Akka's protobuf ones),
/// so nothing legitimate falls through to it; whatever does is refused with a <see cref="SerializationException"/>.
/// </summary>
public sealed class RefusingSerializer : Serializer
{
    public RefusingSerializer(ExtendedActorSystem system) : base(system)
    {
    }

    /// <summary>The constructor Akka uses when the serializer has a serialization-settings section (json has).</summary>
    public RefusingSerializer(ExtendedActorSystem system, Akka.Configuration.Config config) : base(system)
    {
    }

    public override int Identifier => 1;

    public override bool IncludeManifest => true;

    public override byte[] ToBinary(object obj) =>
        throw new SerializationException($"{obj.GetType().FullName} has no serializer on a SECO node (the JSON serializer is disabled)");

    public override object FromBinary(byte[] bytes, Type type) =>
        throw new SerializationException("a message for the JSON serializer arrived; it is disabled on a SECO node");
}
