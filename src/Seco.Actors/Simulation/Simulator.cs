using Seco.Actors.Addressing;
using Seco.Actors.Messages;
using Seco.Actors.Runtime;
using Seco.Actors.Transport;
using Seco.MessagePack;

namespace Seco.Actors.Simulation;

/// <summary>
/// The deterministic network simulator: a discrete-event scheduler with a virtual clock that is both the
/// dispatcher and the transport of a set of parties (one <see cref="ActorSystem"/> each) in one process.
/// Handlers run for real, one at a time; each handler's compute time (measured or charged, times the
/// party's CPU slowdown) keeps that party's CPU busy and advances its clock. Messages go out at the moment
/// of sending inside the handler and cross FIFO links (latency + queueing + size/bandwidth), optionally
/// through per-party NIC limits. Events at equal virtual times run in the order they were scheduled
/// (a global sequence number): the tie-break that makes runs repeatable. docs/simulator.md has the model.
/// </summary>
public sealed partial class Simulator : IDispatcher, ITransport
{
    private readonly PriorityQueue<SimEvent, (long Time, long Seq)> _queue = new();
    private readonly Dictionary<string, Node> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<NodeAddress, Node> _byAddress = [];
    private readonly Dictionary<ActorSystem, Node> _bySystem = new(ReferenceEqualityComparer.Instance);
    private readonly List<Node> _nodes = [];
    private readonly Dictionary<(Node, Node), LinkState> _links = [];
    private readonly List<HandlerSpan> _spans = [];
    private readonly List<MessageRecord> _messages = [];
    private readonly List<InjectedFailure> _injected = [];
    private long _seq;
    private long _nextMessageId;
    private long _now;
    private long _events;
    private long _dropped;
    private Node? _running;

    public Simulator(MessageRegistry registry, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        Options = options ?? new SimulationOptions();
    }

    public MessageRegistry Registry { get; }

    public SimulationOptions Options { get; }

    /// <summary>Virtual time of the event being (or last) processed, in nanoseconds.</summary>
    public long NowNs => _now;

    public long EventsProcessed => _events;

    public IReadOnlyList<ActorSystem> Parties => _nodes.Select(n => n.System).ToList();

    public IReadOnlyList<HandlerSpan> Spans => _spans;

    public IReadOnlyList<MessageRecord> Messages => _messages;

    public IReadOnlyList<InjectedFailure> InjectedFailures => _injected;

    /// <summary>Messages lost to injected failures (always exact, also with recording off).</summary>
    public long MessagesDropped => _dropped;

    /// <summary>Adds a party: its own actor system at seco://&lt;system&gt;@&lt;name&gt;:&lt;port&gt;.</summary>
    public ActorSystem AddParty(string name, PartyModel? model = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.ContainsKey(name))
            throw new ArgumentException($"party '{name}' exists already", nameof(name));
        model ??= PartyModel.Default;
        var address = new NodeAddress(Options.SystemName, name, Options.BasePort + _nodes.Count);
        var node = new Node(name, model);
        _byName.Add(name, node);
        _byAddress.Add(address, node);
        _nodes.Add(node);
        var system = new ActorSystem(address, Registry, this, this, new ActorSystemOptions { PartyName = name, ComputeTiming = Options.ComputeTiming, MaxFrameBytes = Options.MaxFrameBytes })
        {
            CpuSlowdown = model.CpuSlowdown,
        };
        system.PeerName = n => _byAddress.TryGetValue(n, out Node? peer) ? peer.Name : n.ToString();
        node.System = system;
        _bySystem.Add(system, node);
        return system;
    }

    public ActorSystem Party(string name) => NodeNamed(name).System;

    /// <summary>Sets both directions of the link between two parties.</summary>
    public void SetLink(string a, string b, LinkModel link)
    {
        ArgumentNullException.ThrowIfNull(link);
        (Node x, Node y) = Pair(a, b);
        Link(x, y).Model = link;
        Link(y, x).Model = link;
    }

    public LinkModel LinkBetween(string from, string to)
    {
        (Node x, Node y) = Pair(from, to);
        return Link(x, y).Model;
    }

    /// <summary>Failure injection: party <paramref name="name"/> crashes at virtual time <paramref name="at"/>.</summary>
    public void StopPartyAt(string name, TimeSpan at)
    {
        Node node = NodeNamed(name);
        Schedule(ToNs(at), () => Crash(node));
    }

    /// <summary>Failure injection: the link between two parties goes down (both directions) at <paramref name="at"/>.</summary>
    public void DropLinkAt(string a, string b, TimeSpan at)
    {
        (Node x, Node y) = Pair(a, b);
        long t = ToNs(at);
        Schedule(t, () =>
        {
            Link(x, y).DownSince = Math.Min(Link(x, y).DownSince, t);
            Link(y, x).DownSince = Math.Min(Link(y, x).DownSince, t);
            _injected.Add(new InjectedFailure(t, $"link {x.Name}–{y.Name} down"));
        });
    }

    /// <summary>
    /// Processes events until none is left, or up to virtual time <paramref name="until"/>; then the clock
    /// stands at <paramref name="until"/> (time passes even when nothing happens).
    /// </summary>
    /// <returns>True when the queue ran empty.</returns>
    public bool Run(TimeSpan? until = null)
    {
        long limit = until is { } u ? ToNs(u) : long.MaxValue;
        bool empty = RunWhile(() => true, limit);
        if (until is not null && limit > _now)
            _now = limit;
        return empty;
    }

    /// <summary>Processes events until <paramref name="done"/> holds (checked after every event) or none is left.</summary>
    public bool RunUntil(Func<bool> done)
    {
        ArgumentNullException.ThrowIfNull(done);
        RunWhile(() => !done(), long.MaxValue);
        return done();
    }

    private bool RunWhile(Func<bool> go, long limit)
    {
        while (go() && _queue.TryPeek(out SimEvent? ev, out var key))
        {
            if (key.Time > limit)
                return false;
            _queue.Dequeue();
            if (ev.Cancelled)
                continue;
            _now = key.Time;
            _events++;
            ev.Action();
        }
        return _queue.Count == 0;
    }

    // ---- IDispatcher ----

    long IDispatcher.Now(ActorSystem system)
    {
        Node node = _bySystem[system];
        return _running == node ? node.HandlerStart + system.HandlerElapsedVirtualNs : _now;
    }

    void IDispatcher.Ready(ActorSystem system, ActorCell cell)
    {
        Node node = _bySystem[system];
        if (node.Crashed) return;
        node.Ready.Enqueue(cell);
        if (_running != node && !node.RunScheduled)
        {
            node.RunScheduled = true;
            Schedule(Math.Max(_now, node.BusyUntil), () => RunNode(node));
        }
    }

    IDisposable IDispatcher.ScheduleOnce(ActorSystem system, TimeSpan delay, Action action)
    {
        if (delay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "a delay cannot be negative");
        return Schedule(checked(system.Now + ToNs(delay)), action);
    }

    private void RunNode(Node node)
    {
        node.RunScheduled = false;
        if (node.Crashed || !node.Ready.TryDequeue(out ActorCell? cell))
            return;
        long start = Math.Max(_now, node.BusyUntil);
        _running = node;
        node.HandlerStart = start;
        HandlerRun run;
        try
        {
            run = node.System.ProcessOne(cell);
        }
        finally
        {
            _running = null;
        }
        if (run.Ran)
        {
            node.BusyUntil = start + run.VirtualNs;
            if (Options.Record)
                _spans.Add(new HandlerSpan(node.Name, start, run.VirtualNs, run.Actor, run.Kind, run.Session, run.Phase, run.MessageId, run.AllocatedBytes));
        }
        if (node.Ready.Count > 0 && !node.Crashed)
        {
            node.RunScheduled = true;
            Schedule(Math.Max(_now, node.BusyUntil), () => RunNode(node));
        }
    }

    // ---- ITransport ----

    void ITransport.Bind(NodeAddress node, IFrameReceiver receiver)
    {
        // Parties are bound by AddParty (the receiver is the system itself).
    }

    void ITransport.Send(NodeAddress from, NodeAddress to, byte[] frame, in FrameMeta meta)
    {
        Node sender = _byAddress[from];
        long sentAt = ((IDispatcher)this).Now(sender.System);
        if (!_byAddress.TryGetValue(to, out Node? receiver))
        {
            // As a network would: the frame is lost (and counted), the sender's handler goes on.
            _dropped++;
            if (Options.Record)
                _messages.Add(new MessageRecord(++_nextMessageId, sender.Name, to.ToString(), meta.Kind, meta.Session, meta.Phase, frame.Length,
                    meta.Depth, sentAt, sentAt, sentAt, sentAt, sentAt, $"no party at {to}"));
            return;
        }
        FrameMeta m = meta with { MessageId = ++_nextMessageId };
        Schedule(sentAt, () => Transmit(sender, receiver, frame, m, sentAt));
    }

    private void Transmit(Node from, Node to, byte[] frame, FrameMeta meta, long sentAt)
    {
        LinkState link = Link(from, to);
        long bytes = frame.Length;
        if (from.Crashed)
        {
            Record(meta, from, to, bytes, sentAt, sentAt, sentAt, sentAt, sentAt, $"party {from.Name} stopped before sending");
            return;
        }
        if (link.DownSince <= sentAt)
        {
            Record(meta, from, to, bytes, sentAt, sentAt, sentAt, sentAt, sentAt, $"link {from.Name}–{to.Name} down");
            return;
        }
        // Cut-through through up to three FIFO resources: sender NIC, link, receiver NIC. Each starts when the
        // previous one starts and it is free, and cannot finish before the previous one finished.
        long start = sentAt, end = sentAt;
        if (from.Model.NicBitsPerSecond is { } outBps)
        {
            start = Math.Max(start, from.NicOutFree);
            end = start + LinkModel.TransmitNs(bytes, outBps);
            from.NicOutFree = end;
        }
        long linkStart = Math.Max(start, link.FreeAt);
        long linkEnd = Math.Max(linkStart + LinkModel.TransmitNs(bytes, link.Model.BitsPerSecond), end);
        link.FreeAt = linkEnd;
        long firstBit = linkStart + link.Model.LatencyNs;
        long arrival = linkEnd + link.Model.LatencyNs;
        if (to.Model.NicBitsPerSecond is { } inBps)
        {
            firstBit = Math.Max(firstBit, to.NicInFree);
            arrival = Math.Max(firstBit + LinkModel.TransmitNs(bytes, inBps), arrival);
            to.NicInFree = arrival;
        }
        long txStart = from.Model.NicBitsPerSecond is null ? linkStart : start;
        MessageRecord record = Record(meta, from, to, bytes, sentAt, txStart, linkEnd, firstBit, arrival, null);
        int index = _messages.Count - 1;   // the record's place, when recording
        Schedule(arrival, () =>
        {
            string? lost = to.Crashed ? $"party {to.Name} stopped" : link.DownSince <= arrival ? $"link {from.Name}–{to.Name} went down in flight" : null;
            if (lost is not null)
            {
                if (Options.Record) _messages[index] = record with { DropReason = lost };
                _dropped++;
                return;
            }
            ((IFrameReceiver)to.System).Receive(from.System.Address, frame, meta);
            ExactArrayPool.Shared.Return(frame); // decoded into copies: reused for a later frame (ITransport.Send)
        });
    }

    private MessageRecord Record(FrameMeta meta, Node from, Node to, long bytes, long sent, long txStart, long txEnd, long firstBit, long arrived, string? drop)
    {
        var r = new MessageRecord(meta.MessageId, from.Name, to.Name, meta.Kind, meta.Session, meta.Phase, bytes, meta.Depth,
            sent, txStart, txEnd, firstBit, arrived, drop);
        if (drop is not null) _dropped++;
        if (Options.Record) _messages.Add(r);
        return r;
    }

    private void Crash(Node node)
    {
        if (node.Crashed) return;
        node.Crashed = true;
        node.Ready.Clear();
        _injected.Add(new InjectedFailure(_now, $"party {node.Name} stopped"));
        foreach ((ActorAddress watcher, ActorAddress watched) in node.System.Crash())
        {
            if (!_byAddress.TryGetValue(watcher.Node, out Node? w) || w.Crashed) continue;
            // An ideal failure detector: the watcher learns one link latency later.
            long at = _now + Link(node, w).Model.LatencyNs;
            var note = new Terminated(watched, $"party {node.Name} stopped at {_now / 1e6:0.###} ms");
            Schedule(at, () => w.System.DeliverLocal(watcher, note, watched));
        }
    }

    private SimEvent Schedule(long time, Action action)
    {
        if (time < _now)
            throw new InvalidOperationException($"cannot schedule at {time} ns, before now ({_now} ns)");
        var ev = new SimEvent(action);
        _queue.Enqueue(ev, (time, _seq++));
        return ev;
    }

    private Node NodeNamed(string name) =>
        _byName.TryGetValue(name, out Node? n) ? n : throw new ArgumentException($"no party '{name}' (parties: {string.Join(", ", _byName.Keys)})", nameof(name));

    private (Node, Node) Pair(string a, string b)
    {
        Node x = NodeNamed(a), y = NodeNamed(b);
        if (x == y) throw new ArgumentException($"a link needs two different parties, got '{a}' twice", nameof(b));
        return (x, y);
    }

    private LinkState Link(Node from, Node to)
    {
        if (!_links.TryGetValue((from, to), out LinkState? link))
        {
            link = new LinkState(Options.DefaultLink);
            _links.Add((from, to), link);
        }
        return link;
    }

    internal static long ToNs(TimeSpan t) => checked(t.Ticks * 100);

    private sealed class SimEvent(Action action) : IDisposable
    {
        public Action Action { get; } = action;

        public bool Cancelled { get; private set; }

        public void Dispose() => Cancelled = true;
    }

    private sealed class Node(string name, PartyModel model)
    {
        public string Name { get; } = name;

        public PartyModel Model { get; } = model;

        public ActorSystem System { get; set; } = null!;

        public Queue<ActorCell> Ready { get; } = new();

        public bool RunScheduled;
        public bool Crashed;
        public long BusyUntil;
        public long HandlerStart;
        public long NicOutFree;
        public long NicInFree;
    }

    private sealed class LinkState(LinkModel model)
    {
        public LinkModel Model { get; set; } = model;

        public long FreeAt;
        public long DownSince = long.MaxValue;
    }
}
