using Seco.Actors.Addressing;
using Seco.Actors.Messages;

namespace Seco.Actors.Runtime;

public sealed partial class ActorSystem
{
    /// <summary>
    /// Runs one message of <paramref name="cell"/>'s mailbox (called by the dispatcher, never concurrently
    /// for one cell). Supervision: an exception fails the message's session at this actor, is recorded in
    /// <see cref="Failures"/>, and the sender is told; the actor and the node carry on.
    /// </summary>
    public HandlerRun ProcessOne(ActorCell cell)
    {
        if (!cell.Mailbox.Reader.TryRead(out Envelope? env))
            return HandlerRun.None;
        if (cell.Stopped || _crashed)
        {
            if (!_crashed) _events.Add(new DeadLetter(Now, Party, cell.Address.Path, env.Kind, env.Session, "actor stopped"));
            return HandlerRun.None;
        }
        ActorContext ctx = cell.Context;
        var clock = new HandlerClock(this, cell);
        t_clock = clock;
        try
        {
            if (env.Bytes > 0)
                Meter.Received(env.MessagePhase, env.FromParty, env.Bytes, env.Depth);
            if (env.Depth > 0)
                cell.SawDepth(env.Session, env.MessagePhase, env.Depth);
            ctx.Sender = env.Sender is { } s ? new ActorRef(this, s) : null;
            ctx.Session = env.Session;
            ctx.RequestId = env.RequestId;
            ctx.InReplyTo = env.InReplyTo;
            Handle(cell, env);
        }
        finally
        {
            clock.CloseSegment();
            t_clock = null;
            Meter.Handler(cell.Phase);
        }
        return new HandlerRun(true, clock.TotalVirtualNs, env.Kind, cell.Address.Path, env.Session, cell.Phase, env.MessageId, clock.TotalAllocatedBytes);
    }

    private void Handle(ActorCell cell, Envelope env)
    {
        ActorContext ctx = cell.Context;
        switch (env.Message)
        {
            case StartSignal:
                cell.Started = true;
                try
                {
                    cell.Actor.PreStart(ctx);
                }
                catch (Exception e)
                {
                    _events.Add(new SessionFailure(Now, Party, cell.Address.Path, SessionId.None, cell.Phase, "PreStart", Describe(e), false));
                    StopCell(cell, $"PreStart failed: {Describe(e)}");
                }
                return;
            case StopSignal stop:
                StopCell(cell, stop.Reason);
                return;
            case RequestTimeoutSignal t:
                if (cell.PendingRequests.Remove(t.RequestId))
                    Run(cell, env, new RequestTimedOut(t.RequestId, t.Target, t.Kind));
                return;
            case MalformedSignal bad:
                FailSession(cell, env, bad.Reason, notifySender: true);
                return;
            case SessionFailed notice:
                if (!notice.Session.IsNone) cell.FailedSessions.Add(notice.Session);
                var remote = new SessionFailure(Now, Party, cell.Address.Path, notice.Session, cell.Phase, env.Kind, $"{notice.At}: {notice.Reason}", true);
                _events.Add(remote);
                Notify(cell, remote);
                return;
        }
        if (!env.Session.IsNone && cell.FailedSessions.Contains(env.Session))
        {
            _events.Add(new DeadLetter(Now, Party, cell.Address.Path, env.Kind, env.Session, $"session {env.Session} failed here earlier"));
            return;
        }
        if (env.InReplyTo != 0)
        {
            if (!cell.PendingRequests.Remove(env.InReplyTo, out IDisposable? timer))
            {
                _events.Add(new DeadLetter(Now, Party, cell.Address.Path, env.Kind, env.Session, $"reply to request {env.InReplyTo} that timed out or was never made"));
                return;
            }
            timer.Dispose();
        }
        Run(cell, env, env.Message);
    }

    private void Run(ActorCell cell, Envelope env, object message)
    {
        try
        {
            cell.Actor.Receive(cell.Context, message);
        }
        catch (Exception e)
        {
            FailSession(cell, env, Describe(e), notifySender: true);
        }
    }

    private void FailSession(ActorCell cell, Envelope env, string error, bool notifySender)
    {
        var failure = new SessionFailure(Now, Party, cell.Address.Path, env.Session, cell.Phase, env.Kind, error, false);
        _events.Add(failure);
        if (!env.Session.IsNone)
            cell.FailedSessions.Add(env.Session);
        Notify(cell, failure);
        if (notifySender && !env.Session.IsNone && env.Sender is { } sender && sender != cell.Address)
            Send(cell, sender, new SessionFailed(env.Session, cell.Address, error), env.Session, 0, 0);
    }

    private void Notify(ActorCell cell, SessionFailure failure)
    {
        try
        {
            cell.Actor.OnSessionFailed(cell.Context, failure);
        }
        catch (Exception e)
        {
            _events.Add(failure with { Error = $"OnSessionFailed threw {Describe(e)} (after: {failure.Error})", Remote = false });
        }
    }

    private void StopCell(ActorCell cell, string reason)
    {
        if (cell.Stopped)
            return;
        ActorCell[] children;
        lock (cell.Sync) children = [.. cell.Children];
        // Each child stops in its own turn (its PostStop and state must not run on the parent's thread).
        foreach (ActorCell child in children)
            Enqueue(child, Envelope.Local(new StopSignal($"parent {cell.Address.Path} stopped"), child.Address, SessionId.None));
        lock (cell.Sync) cell.Stopped = true;
        _cells.TryRemove(cell.Address.Path, out _);
        foreach (IDisposable timer in cell.PendingRequests.Values) timer.Dispose();
        cell.PendingRequests.Clear();
        if (cell.Started)
        {
            try
            {
                cell.Actor.PostStop(cell.Context);
            }
            catch (Exception e)
            {
                _events.Add(new SessionFailure(Now, Party, cell.Address.Path, SessionId.None, cell.Phase, "PostStop", Describe(e), false));
            }
        }
        if (cell.Parent is { } parent)
            lock (parent.Sync) parent.Children.Remove(cell);
        ActorAddress[] watchers;
        lock (cell.Sync) watchers = [.. cell.Watchers];
        foreach (ActorAddress w in watchers.OrderBy(a => a.ToString(), StringComparer.Ordinal))
        {
            var note = new Terminated(cell.Address, reason);
            if (w.Node == Address)
                DeliverLocal(w, note, cell.Address);
            else
                Send(cell, w, note, SessionId.None, 0, 0);
        }
    }

    private static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";

    /// <summary>Sends one request for <see cref="Ask"/> and completes its task.</summary>
    private sealed class AskActor(ActorRef target, object message, TimeSpan timeout, SessionId session) : Actor
    {
        public TaskCompletionSource<object> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected internal override void PreStart(ActorContext context)
        {
            try
            {
                context.Session = session;
                context.Request(target, message, timeout);
            }
            catch (Exception e)
            {
                Result.TrySetException(e);
                context.StopSelf();
            }
        }

        protected internal override void Receive(ActorContext context, object reply)
        {
            if (reply is RequestTimedOut t)
                Result.TrySetException(new TimeoutException($"no reply from {t.Target} to '{t.Kind}' within {timeout}"));
            else
                Result.TrySetResult(reply);
            context.StopSelf();
        }

        protected internal override void OnSessionFailed(ActorContext context, SessionFailure failure)
        {
            Result.TrySetException(new SessionFailedException(failure));
            context.StopSelf();
        }
    }

    /// <summary>Bounded record of failures, dead letters, rejected frames and query marks; counts stay exact.</summary>
    private sealed class EventLog(int max)
    {
        private readonly Lock _lock = new();
        private readonly List<SessionFailure> _failures = [];
        private readonly List<DeadLetter> _dead = [];
        private readonly List<RejectedFrame> _rejected = [];
        private readonly List<QueryMark> _queries = [];
        private long _failureCount, _deadCount, _rejectedCount;

        public IReadOnlyList<SessionFailure> Failures { get { lock (_lock) return [.. _failures]; } }

        public IReadOnlyList<DeadLetter> DeadLetters { get { lock (_lock) return [.. _dead]; } }

        public IReadOnlyList<RejectedFrame> Rejected { get { lock (_lock) return [.. _rejected]; } }

        public IReadOnlyList<QueryMark> Queries { get { lock (_lock) return [.. _queries]; } }

        public (long, long, long) Counts { get { lock (_lock) return (_failureCount, _deadCount, _rejectedCount); } }

        public void Add(SessionFailure f) { lock (_lock) { _failureCount++; if (_failures.Count < max) _failures.Add(f); } }

        public void Add(DeadLetter d) { lock (_lock) { _deadCount++; if (_dead.Count < max) _dead.Add(d); } }

        public void Add(RejectedFrame r) { lock (_lock) { _rejectedCount++; if (_rejected.Count < max) _rejected.Add(r); } }

        public void Add(QueryMark q) { lock (_lock) if (_queries.Count < 10 * max) _queries.Add(q); }
    }
}

/// <summary>An <see cref="ActorSystem.Ask"/> whose session failed at the target or on the way.</summary>
public sealed class SessionFailedException(SessionFailure failure)
    : Exception($"session {failure.Session} failed at {failure.Party}{failure.Actor}: {failure.Error}")
{
    public SessionFailure Failure { get; } = failure;
}
