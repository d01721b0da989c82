using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Delivery;
using Akka.Util;
using AkkaCluster = Akka.Cluster.Cluster;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Cluster.Security;
using Seco.Cluster.Wire;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;

namespace Seco.Bench;

/// <summary>
/// Two server nodes in this process on 127.0.0.1, each an ActorSystem exactly as <see cref="NodeHost"/> makes it
/// (<see cref="NodeHost.CreateSystem"/>: cluster provider, SECO serializer, failure detector, split-brain resolver,
/// optional mutual TLS with dev certificates), joined into one cluster, with directed Delivery links A → B: the
/// product's producer side (<see cref="OutboundLink"/>) on A and a ConsumerController on B whose consumer confirms each
/// reassembled <see cref="ReceivedSecoMessage"/> at once, as PartyHost does after handling it. All links share the
/// node pair's one Akka association (one TCP connection), as a run's links do.
/// </summary>
internal sealed class DeliveryLinkPair : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly DevDeployment? _pki;
    private readonly ActorSystem _a, _b;
    private readonly IActorRef[] _producers;
    private readonly Sink[] _sinks;
    private readonly Watcher _watcher;

    private DeliveryLinkPair(DevDeployment? pki, ActorSystem a, ActorSystem b, IActorRef[] producers, Sink[] sinks, Watcher watcher)
    {
        _pki = pki;
        _a = a;
        _b = b;
        _producers = producers;
        _sinks = sinks;
        _watcher = watcher;
    }

    /// <summary>Cluster members either node saw as unreachable (the failure detector missed heartbeats) since start.</summary>
    public int UnreachableEvents => _watcher.Unreachable;

    public static async Task<DeliveryLinkPair> StartAsync(bool tls, DeliveryTuning tuning, int links)
    {
        DevDeployment? pki = tls ? DevCertificates.Create(DevCertificatePlan.Create(["A", "B"])) : null;
        int[] ports = LoopbackCluster.FreePorts(2);
        ServerEndpoint[] servers = [new("A", Party.Gateway, "127.0.0.1", ports[0]), new("B", Party.Garbler, "127.0.0.1", ports[1])];
        ActorSystem Node(string name)
        {
            ServerTls? t = pki is null ? null : new ServerTls(pki.Servers.Single(s => s.Name == name).Certificate, pki.DeploymentCa, pki.ServerPins);
            return NodeHost.CreateSystem(new NodeSettings(name, servers, t, Seco.Cluster.Configuration.FailureSettings.Default), tuning);
        }
        ActorSystem a = Node("A"), b = Node("B");
        var watcher = new Watcher();
        foreach (ActorSystem s in new[] { a, b })
            s.ActorOf(Props.Create(() => new UnreachableListener(watcher)), "bench-watch");
        await WhenBothUp(a, b).ConfigureAwait(false);

        var producers = new IActorRef[links];
        var sinks = new Sink[links];
        Address addressB = AkkaCluster.Get(b).SelfAddress;
        for (int i = 0; i < links; i++)
        {
            var sink = sinks[i] = new Sink();
            IActorRef receiver = b.ActorOf(Props.Create(() => new Receiver(sink)), $"bench-receiver-{i}");
            IActorRef consumer = b.ActorOf(ConsumerController.Create<ILinkPayload>(b, Option<IActorRef>.None), $"bench-in-{i}");
            consumer.Tell(new ConsumerController.Start<ILinkPayload>(receiver));
            producers[i] = a.ActorOf(Props.Create(() => new OutboundLink()), $"bench-out-{i}");
            IActorRef remote = await a.ActorSelection(new RootActorPath(addressB) / "user" / $"bench-in-{i}").ResolveOne(Patience).ConfigureAwait(false);
            producers[i].Tell(new LinkOffer(0, Party.Garbler, remote, $"bench:A->B:{i}"));
        }
        var pair = new DeliveryLinkPair(pki, a, b, producers, sinks, watcher);
        EncodedSecoMessage hello = EncodedSecoMessage.Of(new QueryReady(0));
        for (int i = 0; i < links; i++)
            await pair.SendAsync(i, hello).ConfigureAwait(false);
        // A run's links sit idle between protocol steps for far longer than the consumer's retry interval, and the first
        // idle retry changes how the link requests chunks for good (docs/cluster.md, "Transport measurements"). Measure
        // in that state: idle for three retry intervals first (unless retries are effectively off).
        if (tuning.ResendIntervalMin <= TimeSpan.FromSeconds(10))
            await Task.Delay(3 * tuning.ResendIntervalMin).ConfigureAwait(false);
        return pair;
    }

    /// <summary>
    /// Hands <paramref name="message"/> to link <paramref name="link"/>'s producer; completes when B's consumer holds
    /// the reassembled, decoded message. Messages on one link arrive in order, so completions are matched FIFO.
    /// </summary>
    public Task<ReceivedSecoMessage> SendAsync(int link, EncodedSecoMessage message)
    {
        Sink sink = _sinks[link];
        var done = new TaskCompletionSource<ReceivedSecoMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (sink)
        {
            sink.Waiting.Enqueue((done, message.Body.Length));
            _producers[link].Tell(message);
        }
        return done.Task;
    }

    /// <summary>Sends a bulk body's announcement on link <paramref name="link"/>; completes when B's consumer holds it.</summary>
    public Task AnnounceAsync(int link, BulkAnnouncement announcement)
    {
        Sink sink = _sinks[link];
        var done = new TaskCompletionSource<ReceivedSecoMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (sink)
        {
            sink.Waiting.Enqueue((done, -1));
            _producers[link].Tell(announcement);
        }
        return done.Task;
    }

    /// <summary>As <see cref="SendAsync"/>, failing after <paramref name="timeout"/> (a downed node never delivers).</summary>
    public async Task<ReceivedSecoMessage> SendAndWaitAsync(int link, EncodedSecoMessage message, TimeSpan timeout) =>
        await SendAsync(link, message).WaitAsync(timeout).ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_a.Terminate(), _b.Terminate()).ConfigureAwait(false);
        _pki?.Dispose();
    }

    /// <summary>
    /// A SECO message of kind seco.mask-shares whose encoded body is exactly <paramref name="bodyBytes"/>: ciphertext-sized
    /// blobs (356,403 bytes, one four-prime ciphertext at n = 8192) and a last, shorter one.
    /// </summary>
    public static EncodedSecoMessage MaskShares(int bodyBytes)
    {
        const int Ciphertext = 356_403;
        var blobs = new List<byte[]>();
        for (int left = bodyBytes; left > 0; left -= Ciphertext)
            blobs.Add(new byte[Math.Min(left, Ciphertext)]);
        foreach (byte[] blob in blobs)
            Random.Shared.NextBytes(blob);
        // Resize the last blob by the framing overhead (array and bin headers, whose size depends on the blob's), so
        // that the body is bodyBytes exactly.
        for (int round = 0; round < 4; round++)
        {
            int over = SecoCodecs.Size(new Protocol.Messages.MaskShares(7, [.. blobs])) - bodyBytes;
            if (over == 0) break;
            blobs[^1] = new byte[Math.Max(0, blobs[^1].Length - over)];
            Random.Shared.NextBytes(blobs[^1]);
        }
        EncodedSecoMessage encoded = EncodedSecoMessage.Of(new Protocol.Messages.MaskShares(7, [.. blobs]));
        if (encoded.Body.Length != bodyBytes)
            throw new InvalidOperationException($"mask-shares body of {encoded.Body.Length} bytes, wanted {bodyBytes}");
        return encoded;
    }

    private static async Task WhenBothUp(ActorSystem a, ActorSystem b)
    {
        DateTime until = DateTime.UtcNow + Patience;
        while (!new[] { a, b }.All(s => AkkaCluster.Get(s).State.Members.Count(m => m.Status == MemberStatus.Up) == 2))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("the two bench nodes did not form a cluster");
            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    private sealed class Sink
    {
        public ConcurrentQueue<(TaskCompletionSource<ReceivedSecoMessage> Done, int Bytes)> Waiting { get; } = new();
    }

    private sealed class Watcher
    {
        public int Unreachable;
    }

    /// <summary>Confirms each delivery at once and completes the oldest waiting send of its link.</summary>
    private sealed class Receiver(Sink sink) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not ConsumerController.Delivery<ILinkPayload> d)
            {
                Unhandled(message);
                return;
            }
            d.ConfirmTo.Tell(ConsumerController.Confirmed.Instance);
            if (!sink.Waiting.TryDequeue(out var waiting))
                return;
            if (d.Message is ReceivedSecoMessage { IsMalformed: false } received && received.BodyBytes == waiting.Bytes)
                waiting.Done.TrySetResult(received);
            else if (d.Message is BulkAnnouncement && waiting.Bytes == -1)
                waiting.Done.TrySetResult(null!);
            else
                waiting.Done.TrySetException(new InvalidOperationException($"link delivered {d.Message.Kind} ({(d.Message as ReceivedSecoMessage)?.Problem ?? "wrong size"})"));
        }
    }

    private sealed class UnreachableListener(Watcher watcher) : UntypedActor
    {
        protected override void PreStart() => AkkaCluster.Get(Context.System).Subscribe(Self, typeof(ClusterEvent.UnreachableMember));

        protected override void OnReceive(object message)
        {
            if (message is ClusterEvent.UnreachableMember) Interlocked.Increment(ref watcher.Unreachable);
        }
    }
}
