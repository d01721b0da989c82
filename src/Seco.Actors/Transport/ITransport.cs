using Seco.Actors.Addressing;
using Seco.Actors.Messages;

namespace Seco.Actors.Transport;

/// <summary>
/// Carries encoded frames between nodes. The runtime does not care which transport it is; the simulated network
/// (<see cref="Simulation.Simulator"/>) is the one implementation. A transport must keep the frames from one node to
/// another in order; it may lose them (a dropped link, a stopped party) and reports such losses itself. (Frames between
/// machines do not go through this seam: the real-time mode is Akka.Cluster, src/Seco.Cluster and docs/cluster.md.)
/// </summary>
public interface ITransport
{
    /// <summary>Frames addressed to <paramref name="node"/> go to <paramref name="receiver"/> from now on.</summary>
    void Bind(NodeAddress node, IFrameReceiver receiver);

    /// <summary>
    /// Sends one frame. Never blocks on the network; the frame array is not modified afterwards. The frame is the
    /// transport's from now on: it was rented from <see cref="Seco.MessagePack.ExactArrayPool.Shared"/>, and the transport
    /// may give it back there once the receiver's <see cref="IFrameReceiver.Receive"/> has returned or the frame is lost
    /// (receivers decode into copies), or leave it to the collector.
    /// </summary>
    void Send(NodeAddress from, NodeAddress to, byte[] frame, in FrameMeta meta);
}

/// <summary>The receiving side of a node (its <see cref="ActorSystem"/>).</summary>
public interface IFrameReceiver
{
    /// <summary>Decodes and enqueues one frame; keeps nothing of the array once it returns (the frame may be reused).</summary>
    void Receive(NodeAddress from, byte[] frame, in FrameMeta meta);
}

/// <summary>
/// Out-of-band facts about a frame, for metering and traces only; they are not part of the frame and a
/// network transport cannot carry them (it passes <see cref="None"/>). <see cref="Depth"/> is the message's
/// position in its causal chain within <see cref="Phase"/> (see docs/actors.md, "rounds").
/// </summary>
public readonly record struct FrameMeta(long MessageId, int Depth, string Kind, SessionId Session, string Phase, string FromPath, string ToPath)
{
    public static FrameMeta None => new(0, 0, "", SessionId.None, "", "", "");
}
