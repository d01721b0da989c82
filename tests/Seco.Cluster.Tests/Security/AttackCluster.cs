using System.Collections.Concurrent;
using Akka.Actor;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Local;
using Seco.Cluster.Security;
using Seco.Nn.Field;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Secure;

namespace Seco.Cluster.Tests.Security;

/// <summary>
/// Three real server nodes A (gateway), B (garbler), C (evaluator) on 127.0.0.1 with a dev CA, mutual TLS and pins —
/// as LoopbackDeployment, but each node's log is kept and the servers are pinned by fingerprint only (as in
/// config/example-vms), so a node verifies its peers' signed run-control messages with the certificates it saw in
/// their TLS handshakes. The attacker is the real garbler node B: its own ActorSystem, certificate and associations;
/// only the messages it sends are chosen by the test (ported from the review branch i17-review).
/// </summary>
internal sealed class AttackCluster : IAsyncDisposable
{
    private readonly Dictionary<string, NodeHost> _hosts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _log = new();

    private AttackCluster(PreparedScenario prepared, ModelSplit split, DevDeployment pki, ServerEndpoint[] servers, string deploymentId)
    {
        Prepared = prepared;
        Split = split;
        Pki = pki;
        Servers = servers;
        DeploymentId = deploymentId;
    }

    public PreparedScenario Prepared { get; }

    public ModelSplit Split { get; }

    public DevDeployment Pki { get; }

    public ServerEndpoint[] Servers { get; }

    public string DeploymentId { get; }

    public UserDoor? Door { get; private set; }

    public IReadOnlyCollection<string> Log => _log;

    public NodeHost Host(string name) => _hosts[name];

    public static async Task<AttackCluster> StartAsync()
    {
        PreparedScenario prepared = ClusterScenarios.Mlp();
        ModelSplit split = SecureRun.Deploy(prepared.Scenario, prepared.FixedModel, SecureRun.ContextFor(prepared.Scenario));
        DevDeployment pki = DevCertificates.Create(DevCertificatePlan.Create(["A", "B", "C"], ["user"]));
        int[] ports = LoopbackCluster.FreePorts(6);
        Party[] roles = [Party.Gateway, Party.Garbler, Party.Evaluator];
        string[] names = ["A", "B", "C"];
        ServerEndpoint[] servers = [.. names.Select((n, i) => new ServerEndpoint(n, roles[i], "127.0.0.1", ports[i]) { BulkPort = ports[3 + i] })];
        string id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var cluster = new AttackCluster(prepared, split, pki, servers, id);
        try
        {
            foreach (ServerEndpoint s in servers)
                cluster._hosts[s.Name] = NodeHost.Start(cluster.Settings(s.Name), new ServerDeployment(id, cluster.NewRole(s.Role)), l => cluster._log.Enqueue(l));
            await Task.WhenAll(cluster._hosts.Values.Select(h => h.WhenReady)).WaitAsync(TimeSpan.FromSeconds(60));
            IssuedCertificate a = pki.Servers.Single(c => c.Name == "A");
            cluster.Door = UserDoor.Open(cluster._hosts["A"], new DoorSettings("127.0.0.1", 0, a.Certificate, pki.UserCa, pki.UserPins), l => cluster._log.Enqueue("[door] " + l));
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The settings node <paramref name="name"/> runs with (servers pinned by fingerprint only).</summary>
    public NodeSettings Settings(string name) =>
        new(name, Servers, new ServerTls(Pki.Servers.Single(c => c.Name == name).Certificate, Pki.DeploymentCa, Pki.ServerPins), Seco.Cluster.Configuration.FailureSettings.Default);

    private Func<ISecoRole> NewRole(Party role) =>
        role.IsGateway ? () => new GatewayRole(Split.Parameters, Split.Gateway)
        : role == Party.Garbler ? () => new GarblerRole(Split.Parameters, Split.Garbler)
        : () => new EvaluatorRole(Split.Parameters, Split.Evaluator);

    /// <summary>The node actor of <paramref name="name"/>, as another node addresses it.</summary>
    public string NodePath(string name)
    {
        ServerEndpoint s = Servers.Single(x => x.Name == name);
        return $"akka.ssl.tcp://{NodeHost.SystemName}@{s.Host}:{s.Port}/user/{NodeActor.Name}";
    }

    /// <summary>A's node actor as B can name it (path and uid): the sender B forges.</summary>
    public IActorRef GatewayAsSeenBy(string name) =>
        ((ExtendedActorSystem)Host(name).System).Provider.ResolveActorRef($"{NodePath("A")}#{Host("A").Node.Path.Uid}");

    /// <summary>The uid of gateway A's incarnation (what run-control messages are signed for).</summary>
    public long GatewayUid => Akka.Cluster.Cluster.Get(Host("A").System).SelfUniqueAddress.Uid;

    /// <summary>B sends <paramref name="message"/> to <paramref name="to"/>'s node actor, naming <paramref name="sender"/> as its sender.</summary>
    public void FromGarbler(string to, object message, IActorRef? sender = null) =>
        Host("B").System.ActorSelection(NodePath(to)).Tell(message, sender ?? ActorRefs.NoSender);

    public Task<UserSessionResult> RunUserAsync(int queries, CancellationToken cancel = default)
    {
        IssuedCertificate a = Pki.Servers.Single(c => c.Name == "A");
        var settings = new UserClientSettings("127.0.0.1", Door!.Port, "127.0.0.1", Pki.Users[0].Certificate, Pki.DeploymentCa, "A", a.Fingerprint)
        {
            QueryDeadline = TimeSpan.FromSeconds(60),
        };
        ulong[][] inputs = Prepared.Queries.Take(queries)
            .Select(q => q.Input.Select(v => PrimeField.FromSigned(Prepared.FixedModel.Format.Encode(v))).ToArray()).ToArray();
        return UserClient.RunAsync(settings, Split.Parameters.ForUser(), inputs, null, cancel);
    }

    public bool BitExact(UserSessionResult result) =>
        result.Queries.All(q => q.Logits is not null &&
            q.Logits.Select(PrimeField.ToSigned).SequenceEqual(Nn.FixedPoint.FixedPointReference.Forward(Prepared.FixedModel, Prepared.Queries[q.Query].Input).Logits));

    public static async Task WaitUntil(Func<bool> condition, TimeSpan limit, string what)
    {
        DateTime end = DateTime.UtcNow + limit;
        while (!condition())
        {
            if (DateTime.UtcNow > end) throw new TimeoutException($"timed out after {limit.TotalSeconds:F0} s waiting for {what}");
            await Task.Delay(100);
        }
    }

    public bool Logged(string fragment) => _log.Any(l => l.Contains(fragment, StringComparison.Ordinal));

    public int Count(string fragment) => _log.Count(l => l.Contains(fragment, StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        if (Door is not null) await Door.DisposeAsync();
        await Task.WhenAll(_hosts.Values.Where(h => !h.WhenTerminated.IsCompleted).Select(h => h.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20))));
        Pki.Dispose();
    }
}
