namespace Seco.Actors.Runtime;

/// <summary>
/// Decides when handlers run and what time it is. The <see cref="Simulation.Simulator"/> is the one implementation
/// (virtual time); the seam keeps the runtime free of its clock and scheduling. An actor handles one message
/// at a time. Times are nanoseconds since the dispatcher started. (The real-time, multi-machine mode does not plug in
/// here: it is Akka.Cluster hosting the sans-IO roles directly, src/Seco.Cluster and docs/cluster.md.)
/// </summary>
public interface IDispatcher
{
    /// <summary>The current time as seen by <paramref name="system"/> (inside a handler: its start plus the compute so far).</summary>
    long Now(ActorSystem system);

    /// <summary>A message waits in <paramref name="cell"/>'s mailbox; run <see cref="ActorSystem.ProcessOne"/> for it when the node can.</summary>
    void Ready(ActorSystem system, ActorCell cell);

    /// <summary>Runs <paramref name="action"/> once after <paramref name="delay"/>, in the system's context. Dispose to cancel.</summary>
    IDisposable ScheduleOnce(ActorSystem system, TimeSpan delay, Action action);
}
