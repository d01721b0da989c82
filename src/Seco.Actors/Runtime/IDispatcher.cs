namespace Seco.Actors.Runtime;

/// <summary>
/// Decides when handlers run and what time it is: virtual time in the <see cref="Simulation.Simulator"/>,
/// wall-clock time in <see cref="RealTime.ThreadPoolDispatcher"/>. Either way an actor handles one message at a time.
/// Times are nanoseconds since the dispatcher started.
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
