using System.Collections.Concurrent;
using Seco.Actors.Addressing;
using Seco.Actors.Messages;
using Seco.Actors.Runtime;

namespace Seco.Actors.RealTime;

/// <summary>
/// Several nodes in one process, in real time: one <see cref="ThreadPoolDispatcher"/> and one
/// <see cref="InMemoryTransport"/> shared by every node added. Nodes name their peers by party name (as
/// in the simulator), so meters and reports read the same. Dispose stops the dispatcher's timers and
/// scheduling.
/// </summary>
public sealed class LocalCluster : IDisposable
{
    private readonly ConcurrentDictionary<NodeAddress, ActorSystem> _nodes = new();
    private readonly List<ActorSystem> _order = [];
    private readonly Lock _lock = new();

    public LocalCluster(MessageRegistry registry, string systemName = "local")
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(systemName);
        Registry = registry;
        SystemName = systemName;
    }

    public MessageRegistry Registry { get; }

    public string SystemName { get; }

    public ThreadPoolDispatcher Dispatcher { get; } = new();

    public InMemoryTransport Transport { get; } = new();

    public IReadOnlyList<ActorSystem> Nodes { get { lock (_lock) return [.. _order]; } }

    /// <summary>Adds a node at seco://&lt;system&gt;@&lt;host&gt;:&lt;port&gt; (its party name defaults to the host).</summary>
    /// <exception cref="ArgumentException">A node exists at that address already.</exception>
    public ActorSystem AddNode(string host, int port, ActorSystemOptions? options = null)
    {
        var address = new NodeAddress(SystemName, host, port);
        lock (_lock)
        {
            if (_nodes.ContainsKey(address))
                throw new ArgumentException($"a node exists at {address} already", nameof(host));
            var system = new ActorSystem(address, Registry, Dispatcher, Transport, options)
            {
                PeerName = n => _nodes.TryGetValue(n, out ActorSystem? peer) ? peer.Party : n.ToString(),
            };
            _nodes[address] = system;
            _order.Add(system);
            return system;
        }
    }

    /// <summary>The node whose party name is <paramref name="party"/>.</summary>
    public ActorSystem Node(string party) =>
        Nodes.FirstOrDefault(s => s.Party == party) ?? throw new ArgumentException($"no node '{party}' in this cluster", nameof(party));

    public void Dispose() => Dispatcher.Dispose();
}
