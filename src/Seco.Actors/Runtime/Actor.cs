using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>
/// An actor: private state changed only by its own handlers, which the runtime calls one message at a
/// time. Handlers are synchronous (protocol roles are sans-IO state machines: a message in, messages out);
/// anything that waits is another message (a reply, a <see cref="RequestTimedOut"/>, a timer).
/// </summary>
public abstract class Actor
{
    /// <summary>Called once before the first message.</summary>
    protected internal virtual void PreStart(ActorContext context) { }

    /// <summary>Handles one message. An exception fails the message's session only (<see cref="OnSessionFailed"/>).</summary>
    protected internal abstract void Receive(ActorContext context, object message);

    /// <summary>
    /// A session failed here (a handler threw, a frame for it was malformed) or at a peer that told us.
    /// Drop the session's state. Later messages of the session are not delivered to this actor.
    /// </summary>
    protected internal virtual void OnSessionFailed(ActorContext context, SessionFailure failure) { }

    /// <summary>Called once when the actor stops normally (not when its party crashes).</summary>
    protected internal virtual void PostStop(ActorContext context) { }
}

/// <summary>How to create an actor (a factory, so a restarted or respawned actor gets fresh state).</summary>
public sealed class Props
{
    private Props(Func<Actor> factory, string phase)
    {
        Factory = factory;
        Phase = phase;
    }

    public Func<Actor> Factory { get; }

    /// <summary>The metering phase the actor starts in (<see cref="ActorContext.Phase"/>).</summary>
    public string Phase { get; }

    public Props WithPhase(string phase)
    {
        ActorSystem.ValidatePhase(phase);
        return new Props(Factory, phase);
    }

    public static Props Create(Func<Actor> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, ActorSystem.DefaultPhase);
    }

    public static Props Create<T>() where T : Actor, new() => new(() => new T(), ActorSystem.DefaultPhase);
}
