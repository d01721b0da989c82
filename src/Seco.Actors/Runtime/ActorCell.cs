using System.Threading.Channels;
using Seco.Actors.Addressing;
using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>
/// The runtime's side of one actor: its mailbox (an unbounded single-reader channel), its lifecycle,
/// watchers, pending requests, failed sessions and causal depths. Only the actor's own turn touches the
/// actor; the fields other threads touch are guarded by <see cref="Sync"/>.
/// </summary>
public sealed class ActorCell
{
    internal ActorCell(ActorSystem system, ActorAddress address, Actor actor, ActorCell? parent)
    {
        System = system;
        Address = address;
        Actor = actor;
        Parent = parent;
        Self = new ActorRef(system, address);
        Context = new ActorContext(this);
    }

    public ActorAddress Address { get; }

    public ActorRef Self { get; }

    internal ActorSystem System { get; }

    internal Actor Actor { get; }

    internal ActorCell? Parent { get; }

    internal ActorContext Context { get; }

    internal Channel<Envelope> Mailbox { get; } = Channel.CreateUnbounded<Envelope>(new UnboundedChannelOptions { SingleReader = true });

    internal Lock Sync { get; } = new();

    internal bool Started { get; set; }

    internal bool Stopped { get; set; }

    internal string Phase { get; set; } = ActorSystem.DefaultPhase;

    internal List<ActorCell> Children { get; } = [];

    internal HashSet<ActorAddress> Watchers { get; } = [];

    internal Dictionary<long, IDisposable> PendingRequests { get; } = [];

    internal HashSet<SessionId> FailedSessions { get; } = [];

    /// <summary>Longest causal chain received so far, per (session, phase).</summary>
    internal Dictionary<(SessionId, string), int> Depths { get; } = [];

    internal int DepthOf(SessionId session, string phase) => Depths.GetValueOrDefault((session, phase));

    internal void SawDepth(SessionId session, string phase, int depth)
    {
        if (depth > DepthOf(session, phase))
            Depths[(session, phase)] = depth;
    }

    public override string ToString() => Address.ToString();
}
