using Seco.Actors.Addressing;
using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

/// <summary>
/// What a handler may do: send (inheriting the current message's session), reply, make requests with a
/// timeout, spawn, stop, watch, set timers, set the metering phase and mark queries. Valid only during
/// the actor's own handlers.
/// </summary>
public sealed class ActorContext
{
    private readonly ActorCell _cell;

    internal ActorContext(ActorCell cell) => _cell = cell;

    public ActorRef Self => _cell.Self;

    public ActorSystem System => _cell.System;

    /// <summary>The sender of the current message, if it came from an actor.</summary>
    public ActorRef? Sender { get; internal set; }

    /// <summary>The current message's session; sends inherit it.</summary>
    public SessionId Session { get; internal set; }

    /// <summary>Non-zero when the current message is a request (answer it with <see cref="Reply"/>).</summary>
    public long RequestId { get; internal set; }

    /// <summary>Non-zero when the current message answers this actor's request with that id.</summary>
    public long InReplyTo { get; internal set; }

    /// <summary>Now, in nanoseconds since the run started (virtual time in simulation), including this handler's compute so far.</summary>
    public long NowNs => _cell.System.Now;

    /// <summary>
    /// The metering phase (a free label, e.g. "setup", "preprocessing", "online"). Compute, bytes and
    /// rounds are charged to the phase in effect when they happen: setting it mid-handler splits that
    /// handler's compute at this point.
    /// </summary>
    public string Phase
    {
        get => _cell.Phase;
        set => _cell.System.SetPhase(_cell, value);
    }

    public void Send(ActorRef to, object message) => Send(to, message, Session);

    public void Send(ActorRef to, object message, SessionId session)
    {
        ArgumentNullException.ThrowIfNull(to);
        _cell.System.Send(_cell, to.Address, message, session, 0, 0);
    }

    /// <summary>Answers the current request (or just the current sender when it was not a request).</summary>
    /// <exception cref="InvalidOperationException">The current message has no sender.</exception>
    public void Reply(object message)
    {
        if (Sender is null)
            throw new InvalidOperationException("the current message has no sender to reply to");
        _cell.System.Send(_cell, Sender.Address, message, Session, 0, RequestId);
    }

    /// <summary>
    /// Sends a request. Its reply arrives as a normal message with <see cref="InReplyTo"/> = the returned id;
    /// without a reply within <paramref name="timeout"/> a <see cref="RequestTimedOut"/> arrives instead, and a
    /// late reply becomes a dead letter.
    /// </summary>
    public long Request(ActorRef to, object message, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(to);
        return _cell.System.Request(_cell, to.Address, message, Session, timeout);
    }

    public ActorRef Spawn(Props props, string name) => _cell.System.Spawn(props, name, _cell);

    public void Stop(ActorRef actor) => _cell.System.Stop(actor.Address);

    public void StopSelf() => _cell.System.Stop(_cell.Address);

    /// <summary>Delivers <see cref="Terminated"/> when <paramref name="actor"/> stops (at once if it does not exist).</summary>
    public void Watch(ActorRef actor) => _cell.System.Watch(_cell, actor.Address, true);

    public void Unwatch(ActorRef actor) => _cell.System.Watch(_cell, actor.Address, false);

    /// <summary>Delivers <paramref name="message"/> to this actor after <paramref name="delay"/> (local, not encoded).</summary>
    public IDisposable ScheduleOnce(TimeSpan delay, object message) => _cell.System.ScheduleToSelf(_cell, delay, message, Session);

    /// <summary>
    /// Declares compute this handler stands for (e.g. a device modelled rather than run), as time on this
    /// machine; the party's CPU slowdown applies. With <see cref="ComputeTiming.ChargedOnly"/> it is the only compute counted.
    /// </summary>
    public void ChargeCompute(TimeSpan duration) => _cell.System.Charge(duration);

    /// <summary>
    /// Gives back <paramref name="measuredNs"/> nanoseconds of this handler's measured time that would have run in
    /// parallel with the rest on a party with several cores (a data-parallel kernel timed one iteration after another):
    /// with <see cref="ComputeTiming.Measured"/> the current phase segment is charged max(0, measured − credit) ×
    /// slowdown + charged; with <see cref="ComputeTiming.ChargedOnly"/> measured time is not counted, so neither is this.
    /// </summary>
    public void CreditCompute(long measuredNs) => _cell.System.Credit(measuredNs);

    /// <summary>Marks the start of query <paramref name="query"/> on this party (for waiting and participation time).</summary>
    public void BeginQuery(string query) => _cell.System.MarkQuery(query, begin: true);

    public void EndQuery(string query) => _cell.System.MarkQuery(query, begin: false);

    /// <summary>A handle for an actor anywhere, by address.</summary>
    public ActorRef RefFor(ActorAddress address) => _cell.System.RefFor(address);
}
