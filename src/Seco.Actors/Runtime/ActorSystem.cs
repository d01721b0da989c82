using System.Collections.Concurrent;
using System.Diagnostics;
using Seco.Actors.Addressing;
using Seco.Actors.Messages;
using Seco.Actors.Metering;
using Seco.Actors.Transport;
using Seco.MessagePack;

namespace Seco.Actors.Runtime;

/// <summary>
/// One node's actors: spawning, mailboxes, sending (always encoded, so byte counts are wire sizes),
/// receiving frames from the transport, supervision (a handler exception fails that message's session
/// only), watch, request/response with timeouts, and metering. It knows nothing of what the messages
/// mean, nor of how frames travel (<see cref="ITransport"/>) or when handlers run (<see cref="IDispatcher"/>).
/// </summary>
public sealed partial class ActorSystem : IFrameReceiver
{
    public const string DefaultPhase = "default";

    [ThreadStatic] private static HandlerClock? t_clock;

    private readonly MessageRegistry _registry;
    private readonly IDispatcher _dispatcher;
    private readonly ITransport _transport;
    private readonly ConcurrentDictionary<string, ActorCell> _cells = new(StringComparer.Ordinal);
    private readonly EventLog _events;
    private long _nextRequestId;
    private long _nextAsk;
    private volatile bool _crashed;

    public ActorSystem(NodeAddress address, MessageRegistry registry, IDispatcher dispatcher, ITransport transport, ActorSystemOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(transport);
        Options = options ?? new ActorSystemOptions();
        Address = address;
        Party = Options.PartyName ?? address.Host;
        registry.Freeze();
        _registry = registry;
        _dispatcher = dispatcher;
        _transport = transport;
        Meter = new PartyMeter(Party, address.ToString());
        _events = new EventLog(Options.MaxRecordedEvents);
        transport.Bind(address, this);
    }

    public NodeAddress Address { get; }

    public string Party { get; }

    public ActorSystemOptions Options { get; }

    public PartyMeter Meter { get; }

    public MessageRegistry Registry => _registry;

    /// <summary>Multiplies compute time (1 = this machine; 4 = a device four times slower). Set by the simulator.</summary>
    public double CpuSlowdown { get; internal set; } = 1.0;

    /// <summary>Names peers in reports (the simulator maps nodes to party names; default: host, or host:port).</summary>
    public Func<NodeAddress, string> PeerName { get; set; } = n => n.Port == 0 ? n.Host : $"{n.Host}:{n.Port}";

    /// <summary>True after the party crashed (failure injection): it neither handles nor sends anything.</summary>
    public bool IsCrashed => _crashed;

    /// <summary>Now, in nanoseconds since the run started, as this node sees it.</summary>
    public long Now => _dispatcher.Now(this);

    public IReadOnlyList<SessionFailure> Failures => _events.Failures;

    public IReadOnlyList<DeadLetter> DeadLetters => _events.DeadLetters;

    public IReadOnlyList<RejectedFrame> RejectedFrames => _events.Rejected;

    public IReadOnlyList<QueryMark> QueryMarks => _events.Queries;

    /// <summary>Exact totals, also of events no longer kept.</summary>
    public (long Failures, long DeadLetters, long RejectedFrames) EventCounts => _events.Counts;

    /// <summary>Compute of the handler running on this thread so far, in virtual nanoseconds (0 outside handlers).</summary>
    internal long HandlerElapsedVirtualNs => t_clock is { } c && c.System == this ? c.ElapsedVirtualNs() : 0;

    public ActorRef Spawn(Props props, string name) => Spawn(props, name, null);

    public ActorRef RefFor(ActorAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return new ActorRef(this, address);
    }

    /// <summary>A handle for <paramref name="path"/> on this node.</summary>
    public ActorRef RefFor(string path) => RefFor(new ActorAddress(Address, path));

    /// <summary>
    /// Request/response from outside any actor: a temporary actor sends the request and completes the task
    /// with the reply, or fails it with <see cref="TimeoutException"/> or <see cref="SessionFailedException"/>.
    /// In simulation the task completes while the simulator runs.
    /// </summary>
    public Task<object> Ask(ActorRef target, object message, TimeSpan timeout, SessionId session = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        var asker = new AskActor(target, message, timeout, session);
        SpawnAt($"/temp/ask-{Interlocked.Increment(ref _nextAsk)}", Props.Create(() => asker), null);
        return asker.Result.Task;
    }

    public void Stop(ActorAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Node != Address)
            throw new InvalidOperationException($"only local actors can be stopped; {address} is on another node");
        if (!_cells.TryGetValue(address.Path, out ActorCell? cell))
            return;
        if (t_clock is { } c && c.Cell == cell)
            StopCell(cell, "stopped");
        else
            Enqueue(cell, Envelope.Local(new StopSignal("stopped"), cell.Address, SessionId.None));
    }

    internal ActorRef Spawn(Props props, string name, ActorCell? parent)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(name);
        if (!ActorAddress.SegmentPattern().IsMatch(name))
            throw new ArgumentException($"actor name '{name}' must match {ActorAddress.SegmentPattern()}", nameof(name));
        return SpawnAt(parent is null ? "/" + name : $"{parent.Address.Path}/{name}", props, parent);
    }

    private ActorRef SpawnAt(string path, Props props, ActorCell? parent)
    {
        if (_crashed)
            throw new InvalidOperationException($"party {Party} has crashed");
        Actor actor = props.Factory() ?? throw new InvalidOperationException("the props factory returned null");
        var cell = new ActorCell(this, new ActorAddress(Address, path), actor, parent) { Phase = props.Phase };
        if (!_cells.TryAdd(path, cell))
            throw new ArgumentException($"an actor already exists at {cell.Address}", nameof(path));
        if (parent is not null)
            lock (parent.Sync) parent.Children.Add(cell);
        Enqueue(cell, Envelope.Local(new StartSignal(), cell.Address, SessionId.None));
        return cell.Self;
    }

    internal void SendFromOutside(ActorAddress to, object message, SessionId session) => Send(null, to, message, session, 0, 0);

    internal void Send(ActorCell? from, ActorAddress to, object message, SessionId session, long requestId, long inReplyTo)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_crashed)
            return;
        string phase = from?.Phase ?? DefaultPhase;
        int depth = (from?.DepthOf(session, phase) ?? 0) + 1;
        string? fromPath = from?.Address.Path;
        // The frame is rented (issue 19: megabytes per message, the same lengths every query); whoever delivers it
        // gives it back once decoded — codecs copy what they keep (ITransport).
        byte[] frame = Frame.Encode(_registry, to.Path, fromPath, requestId, inReplyTo, message, session, ExactArrayPool.Shared, out string kind);
        if (frame.Length > Options.MaxFrameBytes)
        {
            // The receiver would refuse it before reading its header, so nobody could tell which session it belonged
            // to: the sender fails instead, in the handler that sent it (its session fails with this reason).
            ExactArrayPool.Shared.Return(frame);
            throw new FrameTooLargeException($"a {kind} message of {frame.Length:N0} bytes exceeds the {Options.MaxFrameBytes:N0}-byte frame limit; it is not sent");
        }
        var meta = new FrameMeta(0, depth, kind, session, phase, fromPath ?? "", to.Path);
        if (to.Node == Address)
        {
            // Local: still encoded and decoded (codecs are exercised and no state is shared), not metered:
            // it never leaves the party.
            Deliver(Address, frame, meta, local: true);
            ExactArrayPool.Shared.Return(frame);
            return;
        }
        Meter.Sent(phase, PeerName(to.Node), frame.Length, depth);
        _transport.Send(Address, to.Node, frame, meta);
    }

    internal long Request(ActorCell from, ActorAddress to, object message, SessionId session, TimeSpan timeout)
    {
        if (timeout <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a request timeout must be positive");
        string kind = _registry.CodecFor(message).Kind;
        long id = Interlocked.Increment(ref _nextRequestId);
        Send(from, to, message, session, id, 0);
        from.PendingRequests[id] = _dispatcher.ScheduleOnce(this, timeout,
            () => Enqueue(from, Envelope.Local(new RequestTimeoutSignal(id, to, kind), from.Address, session)));
        return id;
    }

    internal IDisposable ScheduleToSelf(ActorCell cell, TimeSpan delay, object message, SessionId session)
    {
        ArgumentNullException.ThrowIfNull(message);
        return _dispatcher.ScheduleOnce(this, delay, () => Enqueue(cell, Envelope.Local(message, cell.Address, session)));
    }

    internal void Watch(ActorCell watcher, ActorAddress target, bool watch)
    {
        if (target.Node != Address)
        {
            Send(watcher, target, new WatchRequest(watch), SessionId.None, 0, 0);
            return;
        }
        bool added = false;
        if (_cells.TryGetValue(target.Path, out ActorCell? cell))
        {
            // Under the cell's lock, so a concurrent stop either sees this watcher or this sees the stop.
            lock (cell.Sync)
            {
                if (!cell.Stopped)
                {
                    if (watch) cell.Watchers.Add(watcher.Address); else cell.Watchers.Remove(watcher.Address);
                    added = true;
                }
            }
        }
        if (!added && watch)
            Enqueue(watcher, Envelope.Local(new Terminated(target, "no such actor"), target, SessionId.None));
    }

    internal void SetPhase(ActorCell cell, string phase)
    {
        ValidatePhase(phase);
        if (t_clock is { } c && c.Cell == cell)
            c.CloseSegment();
        cell.Phase = phase;
    }

    internal static void ValidatePhase(string phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        if (phase.Length is 0 or > 64 || phase.Any(char.IsControl))
            throw new ArgumentException($"phase '{phase}' must be 1..64 characters without control characters", nameof(phase));
    }

    internal void Charge(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "compute cannot be negative");
        if (t_clock is not { } c || c.System != this)
            throw new InvalidOperationException("ChargeCompute is only valid inside a handler");
        c.ChargedNs += checked(duration.Ticks * 100);
    }

    internal void Credit(long measuredNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(measuredNs);
        if (t_clock is not { } c || c.System != this)
            throw new InvalidOperationException("CreditCompute is only valid inside a handler");
        c.CreditedNs = checked(c.CreditedNs + measuredNs);
    }

    internal void MarkQuery(string query, bool begin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);
        _events.Add(new QueryMark(Now, Party, query, begin));
    }

    void IFrameReceiver.Receive(NodeAddress from, byte[] frame, in FrameMeta meta) => Deliver(from, frame, meta, local: false);

    private void Deliver(NodeAddress from, byte[] frame, FrameMeta meta, bool local)
    {
        if (_crashed)
            return;
        DecodedFrame decoded;
        try
        {
            decoded = Frame.Decode(_registry, frame, Options.MaxFrameBytes);
        }
        catch (FrameFormatException e)
        {
            Malformed(from, e);
            return;
        }
        FrameHeader h = decoded.Header;
        ActorAddress? sender = h.FromPath is { } fp ? new ActorAddress(from, fp) : null;
        SessionId session = h.Session ?? SessionId.None;
        if (!_cells.TryGetValue(h.ToPath!, out ActorCell? cell) || cell.Stopped)
        {
            _events.Add(new DeadLetter(Now, Party, h.ToPath!, h.Kind, session, "no such actor"));
            if (decoded.Message is WatchRequest { Watch: true } && sender is not null)
                Send(null, sender, new Terminated(new ActorAddress(Address, h.ToPath!), "no such actor"), SessionId.None, 0, 0);
            return;
        }
        string peer = local ? PartyMeter.LocalPeer : PeerName(from);
        if (decoded.Message is WatchRequest w && sender is not null)
        {
            if (!local) Meter.Received(cell.Phase, peer, frame.Length, 0);
            lock (cell.Sync)
            {
                if (w.Watch) cell.Watchers.Add(sender); else cell.Watchers.Remove(sender);
            }
            return;
        }
        string phase = meta.Phase.Length > 0 ? meta.Phase : cell.Phase;
        Enqueue(cell, new Envelope(decoded.Message, sender, session, h.RequestId, h.InReplyTo, h.Kind!,
            local ? 0 : frame.Length, peer, phase, meta.Depth, meta.MessageId));
    }

    /// <summary>A frame that does not decode fails the session it names at the actor it names, if both are readable.</summary>
    private void Malformed(NodeAddress from, FrameFormatException e)
    {
        FrameHeader h = e.Header;
        if (h.ToPath is { } path && h.Session is { IsNone: false } session && _cells.TryGetValue(path, out ActorCell? cell) && !cell.Stopped)
        {
            ActorAddress? sender = h.FromPath is { } fp ? new ActorAddress(from, fp) : null;
            var signal = new Envelope(new MalformedSignal($"from {PeerName(from)}: {e.Message}"), sender, session, 0, 0,
                h.Kind ?? "?", 0, PeerName(from), "", 0, 0);
            Enqueue(cell, signal);
            return;
        }
        _events.Add(new RejectedFrame(Now, Party, PeerName(from), e.Message));
    }

    private void Enqueue(ActorCell cell, Envelope envelope)
    {
        if (!cell.Mailbox.Writer.TryWrite(envelope))
            return;
        _dispatcher.Ready(this, cell);
    }

    /// <summary>Crashes the party (failure injection): nothing more is handled or sent; no PostStop runs.
    /// Returns the remote watchers to tell, as a failure detector would.</summary>
    internal List<(ActorAddress Watcher, ActorAddress Watched)> Crash()
    {
        _crashed = true;
        var remote = new List<(ActorAddress, ActorAddress)>();
        foreach (ActorCell cell in _cells.Values.OrderBy(c => c.Address.Path, StringComparer.Ordinal))
        {
            cell.Stopped = true;
            lock (cell.Sync)
            {
                remote.AddRange(cell.Watchers.Where(w => w.Node != Address).Order(AddressOrder.Instance).Select(w => (w, cell.Address)));
            }
            foreach (IDisposable timer in cell.PendingRequests.Values) timer.Dispose();
        }
        _cells.Clear();
        return remote;
    }

    /// <summary>Delivers a runtime-made message (e.g. <see cref="Terminated"/> from a failure detector) to a local actor.</summary>
    internal void DeliverLocal(ActorAddress to, object message, ActorAddress? sender)
    {
        if (!_crashed && _cells.TryGetValue(to.Path, out ActorCell? cell) && !cell.Stopped)
            Enqueue(cell, Envelope.Local(message, sender ?? cell.Address, SessionId.None));
    }

    public override string ToString() => $"{Party} ({Address})";

    private sealed class AddressOrder : IComparer<ActorAddress>
    {
        public static readonly AddressOrder Instance = new();

        public int Compare(ActorAddress? x, ActorAddress? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
    }

    /// <summary>Times the handler running on this thread, in segments split by phase changes.</summary>
    private sealed class HandlerClock(ActorSystem system, ActorCell cell)
    {
        private long _segmentStart = Stopwatch.GetTimestamp();
        private long _segmentAlloc = GC.GetAllocatedBytesForCurrentThread();
        private long _closedVirtualNs;
        private long _closedAllocated;

        public ActorSystem System { get; } = system;

        public ActorCell Cell { get; } = cell;

        public long ChargedNs;

        /// <summary>Measured time of this segment that ran in parallel with other measured time (CreditCompute).</summary>
        public long CreditedNs;

        public long TotalVirtualNs => _closedVirtualNs;

        /// <summary>Bytes the handler allocated on this thread's managed heap, over all closed segments.</summary>
        public long TotalAllocatedBytes => _closedAllocated;

        public long ElapsedVirtualNs() => _closedVirtualNs + Virtual(MeasuredNs(), ChargedNs, CreditedNs);

        /// <summary>Charges the segment so far to the cell's current phase and starts a new one.</summary>
        public void CloseSegment()
        {
            long measured = MeasuredNs();
            long alloc = GC.GetAllocatedBytesForCurrentThread() - _segmentAlloc;
            long virtualNs = Virtual(measured, ChargedNs, CreditedNs);
            System.Meter.Compute(Cell.Phase, virtualNs, System.Options.ComputeTiming == ComputeTiming.Measured ? measured : 0, alloc);
            _closedVirtualNs += virtualNs;
            _closedAllocated += alloc;
            ChargedNs = 0;
            CreditedNs = 0;
            _segmentStart = Stopwatch.GetTimestamp();
            _segmentAlloc = GC.GetAllocatedBytesForCurrentThread();
        }

        private long MeasuredNs() => System.Options.ComputeTiming == ComputeTiming.Measured
            ? (long)((Stopwatch.GetTimestamp() - _segmentStart) * (1e9 / Stopwatch.Frequency))
            : 0;

        /// <summary>
        /// The segment's virtual compute: measured time less what ran in parallel (never below zero: a credit cannot
        /// buy back charged time or time of another segment), plus charged time, times the party's slowdown. Under
        /// ChargedOnly measured is 0, so a credit changes nothing.
        /// </summary>
        private long Virtual(long measuredNs, long chargedNs, long creditedNs) =>
            (long)Math.Round((Math.Max(0, measuredNs - creditedNs) + chargedNs) * System.CpuSlowdown);
    }
}
