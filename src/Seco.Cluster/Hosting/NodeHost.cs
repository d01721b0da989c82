using Seco.Cluster.Configuration;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Seco.Cluster.Bulk;
using Seco.Cluster.Wire;

namespace Seco.Cluster.Hosting;

/// <summary>
/// The one host builder of a SECO server node, used by `seco node`, `seco run --runtime cluster` and the tests: an Akka
/// ActorSystem with the cluster provider, the SECO serializer, Delivery links chunked at 64 KiB with flow control only,
/// mutual TLS with pinned peers, the failure detector and split-brain resolver of <see cref="FailureSettings"/>, and the
/// node actor (docs/cluster.md).
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    /// <summary>The ActorSystem name every server uses (it is part of every address).</summary>
    public const string SystemName = "seco";

    /// <summary>Delivery chunk size: below the 85 KB large-object-heap threshold (../shared/cluster.md).</summary>
    public const int ChunkBytes = 64 * 1024;

    /// <summary>Chunks in flight per link: 16 × 64 KiB = 1 MiB (../shared/cluster.md measured 83 Mbit/s on a 100 Mbit/s link).</summary>
    public const int FlowControlWindow = 16;

    private readonly object _gate = new();
    private readonly Dictionary<long, RunMeter> _meters = [];
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NodeHost(NodeSettings settings, ActorSystem system)
    {
        Settings = settings;
        System = system;
    }

    public NodeSettings Settings { get; }

    public ActorSystem System { get; }

    public IActorRef Node { get; private set; } = ActorRefs.Nobody;

    /// <summary>Completes when this node has found every other server of the deployment (they are up and answer).</summary>
    public Task WhenReady => _ready.Task;

    /// <summary>Completes when the ActorSystem has terminated (Ctrl-C, or this node was downed).</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>The meters of the runs this node took part in (run number → its costs).</summary>
    public IReadOnlyDictionary<long, RunMeter> Runs
    {
        get
        {
            lock (_gate) return new Dictionary<long, RunMeter>(_meters);
        }
    }

    public static NodeHost Start(NodeSettings settings, ServerDeployment deployment, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(deployment);
        Action<string> sink = log ?? (_ => { });
        Action<string> tagged = line => sink($"[{settings.Self}] {line}");
        ActorSystem system = CreateSystem(settings);
        var host = new NodeHost(settings, system);
        host.Node = system.ActorOf(Props.Create(() => new NodeActor(settings, deployment, tagged, host.OnRunStarted, host._ready)), NodeActor.Name);
        BulkListener bulk;
        try
        {
            IActorRef node = host.Node;
            bulk = BulkListener.Start(settings, m => node.Tell(m), tagged);
        }
        catch (IOException)
        {
            system.Terminate().Wait(TimeSpan.FromSeconds(10));
            throw;
        }
        // The bulk lane lives as long as the ActorSystem (Ctrl-C, downing and DisposeAsync all end there).
        system.WhenTerminated.ContinueWith(_ => bulk.DisposeAsync().AsTask(), TaskScheduler.Default);
        return host;
    }

    /// <summary>Admits a user at the gateway, into the run in progress or a new one; its host and session number are returned (the door feeds it).</summary>
    internal Task<UserAdmission> AdmitUser(IUserChannel channel)
    {
        var admitted = new TaskCompletionSource<UserAdmission>(TaskCreationOptions.RunContinuationsAsynchronously);
        Node.Tell(new UserArrived(channel, admitted));
        return admitted.Task;
    }

    internal void UserLeft(long run, int user, string? problem) => Node.Tell(new UserLeft(run, user, problem));

    private void OnRunStarted(long run, RunMeter meter)
    {
        lock (_gate)
        {
            _meters[run] = meter;
            // The 64 most recent runs: older ones, and a previous gateway incarnation's (whose runs numbered higher), go.
            foreach (long old in _meters.Keys.Where(r => r <= run - 64 || r > run).ToList()) _meters.Remove(old);
        }
    }

    /// <summary>Leaves the cluster gracefully and stops (coordinated shutdown).</summary>
    public async ValueTask DisposeAsync()
    {
        await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClrExitReason.Instance).ConfigureAwait(false);
    }

    /// <summary>
    /// The node's ActorSystem as <see cref="Start"/> makes it (HOCON, TLS), without the node actor: the transport
    /// benchmarks (bench/Seco.Bench, DeliveryLinkBenchmarks) run their links on it, with <paramref name="delivery"/>
    /// varied to compare settings.
    /// </summary>
    internal static ActorSystem CreateSystem(NodeSettings settings, DeliveryTuning? delivery = null)
    {
        Config config = ConfigurationFactory.ParseString(Hocon(settings, delivery));
        BootstrapSetup bootstrap = BootstrapSetup.Create().WithConfig(config);
        ActorSystemSetup setup = settings.Tls is { } tls
            ? ActorSystemSetup.Create(bootstrap, TlsSetup.For(tls))
            : ActorSystemSetup.Create(bootstrap);
        return ActorSystem.Create(SystemName, setup);
    }

    /// <summary>The node's HOCON: everything but the TLS certificate and validator (those go in <see cref="TlsSetup"/>).</summary>
    /// <param name="delivery">The Delivery link settings; null: <see cref="DeliveryTuning.Product"/>.</param>
    internal static string Hocon(NodeSettings s, DeliveryTuning? delivery = null)
    {
        DeliveryTuning d = delivery ?? DeliveryTuning.Product;
        ServerEndpoint me = s.Self;
        string scheme = s.Tls is null ? "akka.tcp" : "akka.ssl.tcp";
        string seeds = string.Join(", ", s.Servers.Select(x => $"\"{scheme}://{SystemName}@{x.Host}:{x.Port}\""));
        FailureSettings f = s.Failure;
        return $$"""
            akka {
              loglevel = WARNING
              stdout-loglevel = WARNING
              log-dead-letters = 0
              log-dead-letters-during-shutdown = off
              actor {
                provider = cluster
                serializers { seco = "{{typeof(SecoSerializer).AssemblyQualifiedName}}", json = "{{typeof(RefusingSerializer).AssemblyQualifiedName}}" }
                serialization-bindings {
                  "{{typeof(ILinkPayload).AssemblyQualifiedName}}" = seco
                  "{{typeof(Protocol.Messages.SecoMessage).AssemblyQualifiedName}}" = seco
                  "{{typeof(IHostMessage).AssemblyQualifiedName}}" = seco
                }
              }
              remote {
                log-remote-lifecycle-events = off
                # Each node sends to a peer only over a connection it dialled itself, to the peer's configured address,
                # where the TLS validator checks the certificate: a pinned server that connects claiming another's
                # address (Akka does not bind the claim to the certificate) is never answered on that connection.
                use-passive-connections = off
                dot-netty.tcp {
                  hostname = "{{me.Host}}"
                  port = {{me.Port}}
                  enable-ssl = {{(s.Tls is null ? "false" : "true")}}
                  # Chunks are 64 KiB; nothing larger is ever sent whole.
                  maximum-frame-size = 1MiB
                }
              }
              cluster {
                seed-nodes = [{{seeds}}]
                roles = ["{{me.ClusterRole}}"]
                min-nr-of-members = 1
                failure-detector {
                  heartbeat-interval = {{Ms(f.HeartbeatInterval)}}
                  acceptable-heartbeat-pause = {{Ms(f.AcceptableHeartbeatPause)}}
                }
                downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                split-brain-resolver {
                  active-strategy = keep-majority
                  stable-after = {{Ms(f.StableAfter)}}
                }
                log-info = off
              }
              reliable-delivery {
                producer-controller.chunk-large-messages = {{d.ChunkBytes}}b
                # Resend on: a gap is filled from the producer's unconfirmed messages. Only flow control (no resend)
                # delivers past a gap — messages lost when a starved node's association drops are skipped, and the
                # bulk lane's bodies then meet the wrong announcements (issue 22: 32 users on two busy cores). Resend
                # was off while whole bodies were chunked over Delivery (a chunked message is confirmed only after its
                # last chunk, and every unconfirmed chunk was resent each interval — a storm); since the bulk lane
                # carries every body, Delivery carries small announcements only, never chunked.
                consumer-controller {
                  only-flow-control = false
                  flow-control-window = {{d.FlowControlWindow}}
                  # Akka.NET 1.5.75's consumer asks for more only when exactly half the window is left. Its retry (a
                  # Request up to received + window/2) fires whenever a link sits idle this long, and after one retry
                  # the counts never line up again: every half window then waits for the timer — 5 MB/s at 100 ms,
                  # 0.26 MB/s at the default 2 s (docs/cluster.md, "Transport measurements"). The counts also drift
                  # without any retry (a slow confirmation of the first message makes the producer resend it, and the
                  # consumer answers a repeated first with a retry request), and then only the timer moves the link:
                  # a retry that never fires hung a MiniONN session under CI load. So the retry stays, short.
                  resend-interval-min = {{Ms(d.ResendIntervalMin)}}
                  resend-interval-max = {{Ms(d.ResendIntervalMax)}}
                }
              }
              coordinated-shutdown.exit-clr = off
            }
            """;
    }

    private static string Ms(TimeSpan t) => $"{(long)t.TotalMilliseconds}ms";
}

/// <summary>
/// The settings of every server-to-server Akka.Delivery link (<see cref="NodeHost.Hocon"/>). Nodes always run
/// <see cref="Product"/>; the transport benchmarks vary it (docs/cluster.md, "Transport measurements").
/// </summary>
/// <param name="ChunkBytes">Producer chunk size; keep it below the 85 KB large-object-heap threshold.</param>
/// <param name="FlowControlWindow">Consumer flow-control window, in chunks.</param>
/// <param name="ResendIntervalMin">Consumer retry interval (a Request again, with flow control only).</param>
/// <param name="ResendIntervalMax">Its back-off limit.</param>
internal sealed record DeliveryTuning(int ChunkBytes, int FlowControlWindow, TimeSpan ResendIntervalMin, TimeSpan ResendIntervalMax)
{
    public static DeliveryTuning Product { get; } =
        new(NodeHost.ChunkBytes, NodeHost.FlowControlWindow, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500));
}
