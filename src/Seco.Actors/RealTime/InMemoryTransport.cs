using System.Collections.Concurrent;
using Seco.Actors.Addressing;
using Seco.Actors.Transport;

namespace Seco.Actors.RealTime;

/// <summary>
/// Carries frames between nodes of one process in real time: <see cref="Send"/> hands the frame array
/// (not copied: the sender never touches it again) straight to the destination's
/// <see cref="IFrameReceiver.Receive"/> on the sending thread, which decodes it and puts it in a mailbox.
/// Delivery is synchronous, so frames one node sends to another arrive in the order of the
/// <see cref="Send"/> calls (per-(from,to) FIFO). In-process, it passes the <see cref="FrameMeta"/> on as
/// the simulator does. A frame for a node nobody bound is dropped and counted (<see cref="Dropped"/>);
/// the sender's handler never sees an exception. Thread-safe; no lock is held while a receiver runs.
/// </summary>
public sealed class InMemoryTransport : ITransport
{
    private readonly ConcurrentDictionary<NodeAddress, IFrameReceiver> _nodes = new();
    private readonly Lock _lock = new();
    private readonly List<DroppedFrame> _drops = [];
    private long _dropped;
    private long _delivered;
    private long _bytes;

    public InMemoryTransport(int maxRecordedDrops = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecordedDrops);
        MaxRecordedDrops = maxRecordedDrops;
    }

    public int MaxRecordedDrops { get; }

    /// <summary>Frames dropped (exact, also those no longer kept in <see cref="Drops"/>).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Frames handed to a receiver.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Bytes of the frames handed to a receiver.</summary>
    public long BytesDelivered => Interlocked.Read(ref _bytes);

    /// <summary>The first <see cref="MaxRecordedDrops"/> dropped frames and why.</summary>
    public IReadOnlyList<DroppedFrame> Drops { get { lock (_lock) return [.. _drops]; } }

    public IReadOnlyCollection<NodeAddress> Nodes => [.. _nodes.Keys];

    public void Bind(NodeAddress node, IFrameReceiver receiver)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(receiver);
        _nodes[node] = receiver;
    }

    /// <summary>Frames to <paramref name="node"/> are dropped from now on (as if its process stopped).</summary>
    public bool Unbind(NodeAddress node) => _nodes.TryRemove(node, out _);

    public void Send(NodeAddress from, NodeAddress to, byte[] frame, in FrameMeta meta)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(frame);
        if (!_nodes.TryGetValue(to, out IFrameReceiver? receiver))
        {
            Drop(from, to, frame, meta, $"no node bound at {to}");
            return;
        }
        try
        {
            receiver.Receive(from, frame, meta);
        }
        catch (Exception e)
        {
            // A receiver deals with bad frames itself; an exception here is a bug on the receiving side,
            // and it must not become a failure of the sender's handler.
            Drop(from, to, frame, meta, $"receiver threw {e.GetType().Name}: {e.Message}");
            return;
        }
        Interlocked.Increment(ref _delivered);
        Interlocked.Add(ref _bytes, frame.Length);
    }

    private void Drop(NodeAddress from, NodeAddress to, byte[] frame, in FrameMeta meta, string reason)
    {
        Interlocked.Increment(ref _dropped);
        var drop = new DroppedFrame(from, to, meta.Kind, meta.Session, frame.Length, reason);
        lock (_lock)
        {
            if (_drops.Count < MaxRecordedDrops)
                _drops.Add(drop);
        }
    }
}

/// <summary>A frame the transport could not deliver, and why.</summary>
public sealed record DroppedFrame(NodeAddress From, NodeAddress To, string Kind, Messages.SessionId Session, int Bytes, string Reason);
