using System.Diagnostics;
using Seco.Actors.Runtime;

namespace Seco.Actors.RealTime;

/// <summary>
/// Runs handlers on the .NET thread pool in wall-clock time: different actors in parallel, each actor one
/// message at a time (Akka-style mailbox scheduling). A cell whose mailbox gets mail is queued once (its
/// <see cref="ActorCell.Scheduled"/> flag); the work item drains up to <see cref="Throughput"/> messages,
/// re-queues itself if mail is left (fairness), and otherwise clears the flag and looks again so that mail
/// enqueued between the last read and the clearing is not stranded.
/// <see cref="NowNs"/> is nanoseconds since the dispatcher was created (Stopwatch). Timers live in one
/// priority queue behind one System.Threading.Timer: they never fire before their delay (on the Stopwatch
/// clock), and timers that are due together fire earliest first, equal times in the order they were set.
/// </summary>
public sealed class ThreadPoolDispatcher : IDispatcher, IDisposable
{
    /// <summary>Longest single System.Threading.Timer period (ms); longer delays re-arm.</summary>
    private const long MaxTimerMs = 0xFFFF_FFFE;

    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly double _nsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly Lock _timerLock = new();
    private readonly Lock _fireLock = new();
    private readonly PriorityQueue<TimerItem, (long Due, long Seq)> _due = new();
    private readonly Timer _timer;
    private long _timerSeq;
    private long _armedForNs = long.MaxValue;
    private int _pendingTimers;
    private readonly Lock _faultLock = new();
    private readonly List<DispatcherFault> _faults = [];
    private long _faultCount;
    private volatile bool _disposed;

    /// <param name="throughput">Messages one actor handles per turn before yielding its thread to other actors.</param>
    public ThreadPoolDispatcher(int throughput = 64, int maxRecordedFaults = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecordedFaults);
        Throughput = throughput;
        MaxRecordedFaults = maxRecordedFaults;
        _timer = new Timer(static s => ((ThreadPoolDispatcher)s!).OnTick(), this, Timeout.Infinite, Timeout.Infinite);
    }

    public int Throughput { get; }

    public int MaxRecordedFaults { get; }

    /// <summary>Nanoseconds since this dispatcher was created.</summary>
    public long NowNs => (long)((Stopwatch.GetTimestamp() - _start) * _nsPerTick);

    /// <summary>
    /// Exceptions that escaped the runtime (<see cref="ActorSystem.ProcessOne"/> or a timer action) and
    /// were caught here instead of crashing the thread pool. Handler exceptions never get here (the runtime
    /// turns them into session failures): anything here is a runtime bug.
    /// </summary>
    public IReadOnlyList<DispatcherFault> Faults { get { lock (_faultLock) return [.. _faults]; } }

    /// <summary>Exact number of faults, also of those no longer kept.</summary>
    public long FaultCount => Interlocked.Read(ref _faultCount);

    /// <summary>Timers scheduled and neither fired nor cancelled yet.</summary>
    public int PendingTimers => Volatile.Read(ref _pendingTimers);

    long IDispatcher.Now(ActorSystem system) => NowNs;

    void IDispatcher.Ready(ActorSystem system, ActorCell cell) => Schedule(system, cell);

    IDisposable IDispatcher.ScheduleOnce(ActorSystem system, TimeSpan delay, Action action)
    {
        if (delay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "a delay cannot be negative");
        ArgumentNullException.ThrowIfNull(action);
        var item = new TimerItem(this, system, action);
        long due = checked(NowNs + delay.Ticks * 100);
        lock (_timerLock)
        {
            if (_disposed)
                return item;   // never fires
            Interlocked.Increment(ref _pendingTimers);
            _due.Enqueue(item, (due, _timerSeq++));
            if (due < _armedForNs)
                ArmFor(due);
        }
        return item;
    }

    /// <summary>Cancels every pending timer and stops scheduling actors (mail already queued is not handled).</summary>
    public void Dispose()
    {
        lock (_timerLock)
        {
            _disposed = true;
            while (_due.TryDequeue(out TimerItem? item, out _))
                item.Dispose();
            _timer.Dispose();
        }
    }

    /// <summary>Points the one System.Threading.Timer at <paramref name="dueNs"/> (caller holds the timer lock).</summary>
    private void ArmFor(long dueNs)
    {
        _armedForNs = dueNs;
        long remainingNs = dueNs - NowNs;
        // Round up: a timer must never fire before its delay has passed (OnTick re-arms if the coarse
        // System.Threading.Timer clock comes early).
        long ms = remainingNs <= 0 ? 0 : Math.Min((remainingNs + 999_999) / 1_000_000, MaxTimerMs);
        _timer.Change(ms, Timeout.Infinite);
    }

    /// <summary>Fires every due timer, earliest first (equal times in scheduling order), then re-arms for the next.</summary>
    private void OnTick()
    {
        lock (_fireLock)   // one tick at a time, so that timers fire in due order
        {
            while (true)
            {
                TimerItem item;
                lock (_timerLock)
                {
                    if (_disposed)
                        return;
                    if (!_due.TryPeek(out item!, out var key))
                    {
                        _armedForNs = long.MaxValue;
                        return;
                    }
                    if (key.Due > NowNs)
                    {
                        ArmFor(key.Due);
                        return;
                    }
                    _due.Dequeue();
                }
                item.Fire();   // outside the timer lock: the action may schedule more
            }
        }
    }

    private void Schedule(ActorSystem system, ActorCell cell)
    {
        if (_disposed)
            return;
        if (Interlocked.CompareExchange(ref cell.Scheduled, 1, 0) == 0)
            ThreadPool.UnsafeQueueUserWorkItem(new Drain(this, system, cell), preferLocal: false);
    }

    private void Fault(ActorSystem system, string where, Exception e)
    {
        Interlocked.Increment(ref _faultCount);
        lock (_faultLock)
        {
            if (_faults.Count < MaxRecordedFaults)
                _faults.Add(new DispatcherFault(NowNs, system.Party, where, e));
        }
    }

    /// <summary>One turn of one actor: up to <see cref="Throughput"/> messages.</summary>
    private sealed class Drain(ThreadPoolDispatcher dispatcher, ActorSystem system, ActorCell cell) : IThreadPoolWorkItem
    {
        public void Execute()
        {
            for (int i = 0; i < dispatcher.Throughput && !dispatcher._disposed; i++)
            {
                if (!cell.Mailbox.Reader.TryPeek(out _))
                    break;
                try
                {
                    system.ProcessOne(cell);
                }
                catch (Exception e)
                {
                    // ProcessOne catches handler exceptions itself; this is the runtime failing.
                    dispatcher.Fault(system, cell.Address.Path, e);
                }
            }
            if (dispatcher._disposed)
            {
                Volatile.Write(ref cell.Scheduled, 0);
                return;
            }
            if (cell.Mailbox.Reader.TryPeek(out _))
            {
                // Mail left after a full batch: keep the flag, go to the back of the queue.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
                return;
            }
            Volatile.Write(ref cell.Scheduled, 0);
            // A sender may have written after our last peek but seen the flag still set (and not scheduled):
            // look again now that the flag is clear.
            if (cell.Mailbox.Reader.TryPeek(out _))
                dispatcher.Schedule(system, cell);
        }
    }

    /// <summary>One <see cref="IDispatcher.ScheduleOnce"/>: armed until it fires or is cancelled (lazily removed from the queue).</summary>
    private sealed class TimerItem(ThreadPoolDispatcher dispatcher, ActorSystem system, Action action) : IDisposable
    {
        private const int Armed = 0, Fired = 1, Cancelled = 2;
        private int _state;

        public void Dispose()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Armed) == Armed)
                Interlocked.Decrement(ref dispatcher._pendingTimers);
        }

        public void Fire()
        {
            if (Interlocked.CompareExchange(ref _state, Fired, Armed) != Armed)
                return;
            Interlocked.Decrement(ref dispatcher._pendingTimers);
            try
            {
                action();
            }
            catch (Exception e)
            {
                dispatcher.Fault(system, "timer", e);
            }
        }
    }
}

/// <summary>An exception that escaped the runtime on a dispatcher thread (a runtime bug, kept instead of crashing the process).</summary>
public sealed record DispatcherFault(long AtNs, string Party, string Where, Exception Exception);
