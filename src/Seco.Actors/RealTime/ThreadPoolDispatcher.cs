using System.Collections.Concurrent;
using System.Diagnostics;
using Seco.Actors.Runtime;

namespace Seco.Actors.RealTime;

/// <summary>
/// Runs handlers on the .NET thread pool in wall-clock time: different actors in parallel, each actor one
/// message at a time (Akka-style mailbox scheduling). A cell whose mailbox gets mail is queued once (its
/// <see cref="ActorCell.Scheduled"/> flag); the work item drains up to <see cref="Throughput"/> messages,
/// re-queues itself if mail is left (fairness), and otherwise clears the flag and looks again so that mail
/// enqueued between the last read and the clearing is not stranded.
/// <see cref="Now"/> is nanoseconds since the dispatcher was created (Stopwatch).
/// </summary>
public sealed class ThreadPoolDispatcher : IDispatcher, IDisposable
{
    /// <summary>Longest single System.Threading.Timer period (ms); longer delays re-arm.</summary>
    private const long MaxTimerMs = 0xFFFF_FFFE;

    private readonly long _start = Stopwatch.GetTimestamp();
    private readonly double _nsPerTick = 1e9 / Stopwatch.Frequency;
    private readonly ConcurrentDictionary<TimerItem, byte> _timers = new();
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
    public int PendingTimers => _timers.Count;

    long IDispatcher.Now(ActorSystem system) => NowNs;

    void IDispatcher.Ready(ActorSystem system, ActorCell cell) => Schedule(system, cell);

    IDisposable IDispatcher.ScheduleOnce(ActorSystem system, TimeSpan delay, Action action)
    {
        if (delay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "a delay cannot be negative");
        ArgumentNullException.ThrowIfNull(action);
        var item = new TimerItem(this, system, action, checked(NowNs + delay.Ticks * 100));
        if (_disposed)
            return item;   // never fires; Dispose is a no-op
        _timers.TryAdd(item, 0);
        item.Arm();
        return item;
    }

    /// <summary>Cancels every pending timer and stops scheduling actors (mail already queued is not handled).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (TimerItem t in _timers.Keys)
            t.Dispose();
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

    private sealed class TimerItem(ThreadPoolDispatcher dispatcher, ActorSystem system, Action action, long dueNs) : IDisposable
    {
        private const int Armed = 0, Fired = 1, Cancelled = 2;
        private readonly Lock _lock = new();
        private int _state;
        private Timer? _timer;

        public void Arm()
        {
            long remainingNs = dueNs - dispatcher.NowNs;
            if (remainingNs <= 0)
            {
                // Due already: still run it off the caller's thread, as a timer would.
                ThreadPool.UnsafeQueueUserWorkItem(static t => t.Fire(), this, preferLocal: false);
                return;
            }
            // Round up: a timer must never fire before its delay has passed.
            long ms = Math.Min((remainingNs + 999_999) / 1_000_000, MaxTimerMs);
            lock (_lock)
            {
                if (_state != Armed)
                    return;
                _timer?.Dispose();
                _timer = new Timer(static s => ((TimerItem)s!).Tick(), this, ms, Timeout.Infinite);
            }
        }

        public void Dispose()
        {
            if (Interlocked.CompareExchange(ref _state, Cancelled, Armed) != Armed)
                return;
            lock (_lock) _timer?.Dispose();
            dispatcher._timers.TryRemove(this, out _);
        }

        private void Tick()
        {
            // System.Threading.Timer runs on a coarse clock and may come a little early; re-arm for the rest.
            if (dueNs - dispatcher.NowNs > 0)
                Arm();
            else
                Fire();
        }

        private void Fire()
        {
            if (Interlocked.CompareExchange(ref _state, Fired, Armed) != Armed)
                return;
            lock (_lock) _timer?.Dispose();
            dispatcher._timers.TryRemove(this, out _);
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
