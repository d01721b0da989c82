using Seco.Actors.Addressing;
using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>
/// A handle to an actor anywhere (location transparency): its address plus the local system that sends
/// on its behalf. Equal when the addresses are equal.
/// </summary>
public sealed class ActorRef : IEquatable<ActorRef>
{
    internal ActorRef(ActorSystem system, ActorAddress address)
    {
        System = system;
        Address = address;
    }

    public ActorAddress Address { get; }

    /// <summary>The system this handle was obtained from (it sends <see cref="Tell"/>s).</summary>
    public ActorSystem System { get; }

    public string Path => Address.Path;

    /// <summary>Sends from outside any actor (no sender). Inside a handler use <see cref="ActorContext.Send(ActorRef, object)"/>.</summary>
    public void Tell(object message, SessionId session = default) => System.SendFromOutside(Address, message, session);

    public bool Equals(ActorRef? other) => other is not null && Address.Equals(other.Address);

    public override bool Equals(object? obj) => Equals(obj as ActorRef);

    public override int GetHashCode() => Address.GetHashCode();

    public override string ToString() => Address.ToString();
}
