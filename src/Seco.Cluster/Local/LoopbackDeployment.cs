using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Security;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Local;

/// <summary>
/// The server nodes of a hierarchy in this process on 127.0.0.1 — the gateway and every remote server of every tier, each
/// its own ActorSystem on a free port — with a throw-away development CA, mutual TLS among them, and the gateway's door open for one pinned user.
/// The one-machine runtime and the cluster tests start it; users come and go with <see cref="RunUserAsync"/> (one) and
/// <see cref="RunUsersAsync"/> (many at once).
/// </summary>
public sealed class LoopbackDeployment : IAsyncDisposable
{
    private readonly DevDeployment _pki;
    private readonly List<NodeHost> _hosts;
    private readonly ModelSplit _split;

    private LoopbackDeployment(DevDeployment pki, List<NodeHost> hosts, UserDoor door, UserClientSettings user, ModelSplit split)
    {
        _pki = pki;
        _hosts = hosts;
        Door = door;
        User = user;
        _split = split;
    }

    /// <summary>The gateway, then the remote servers tier by tier (position order).</summary>
    public IReadOnlyList<NodeHost> Hosts => _hosts;

    public UserDoor Door { get; }

    /// <summary>How the pinned user reaches the door (its certificate, the gateway's pin).</summary>
    public UserClientSettings User { get; }

    /// <summary>The certificates (tests present other ones to check they are refused).</summary>
    public DevDeployment Certificates => _pki;

    /// <param name="names">The gateway's name, then each server's in position order: tier 1's servers 0, 1, …, then
    /// tier 2's, … as <paramref name="split"/> lays them out (one tier of two when l = L leaves no remote block).</param>
    public static Task<LoopbackDeployment> StartAsync(ModelSplit split, IReadOnlyList<string> names, LoopbackOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(names);
        Party[] positions = split.Parameters.Depth == 0 ? [Party.Gateway, Party.Garbler, Party.Evaluator] : [Party.Gateway, .. split.Parameters.Servers];
        if (names.Count != positions.Length)
            throw new ArgumentException($"the split has {positions.Length} servers (gateway included), not {names.Count}", nameof(names));
        return StartAsync(split, positions.Zip(names).ToDictionary(x => x.First, x => x.Second), options, cancel);
    }

    /// <param name="servers">Every server's position and name, the gateway among them: one node each. With l = L (no remote
    /// block) the remote servers still join and run, idle.</param>
    public static async Task<LoopbackDeployment> StartAsync(ModelSplit split, IReadOnlyDictionary<Party, string> servers, LoopbackOptions options,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(options);
        if (!servers.ContainsKey(Party.Gateway) || servers.Keys.Any(p => p.IsUser))
            throw new ArgumentException("the servers are the gateway and remote servers (the user connects to the door)", nameof(servers));
        if (split.Parameters.Depth > 0 && !servers.Keys.Where(p => p.IsServer).Order().SequenceEqual(split.Parameters.Servers))
            throw new ArgumentException($"the servers ({string.Join(", ", servers.Keys.Where(p => p.IsServer).Order())}) are not the split's positions", nameof(servers));
        Party[] order = [.. servers.Keys.Order()]; // the gateway first: the seed order
        string[] names = [.. order.Select(p => servers[p])];
        DevDeployment pki = DevCertificates.Create(DevCertificatePlan.Create(names, ["user"]));
        int[] ports = LoopbackCluster.FreePorts(2 * order.Length);
        ServerEndpoint[] endpoints = [.. order.Select((p, i) => new ServerEndpoint(names[i], p, "127.0.0.1", ports[i]) { BulkPort = ports[order.Length + i] })];
        string deploymentId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        Func<ISecoRole> NewRole(Party p) => p.IsGateway
            ? () => new GatewayRole(split.Parameters, split.Gateway)
            : () => RemoteServerRole.For(split.Parameters, ShareOf(split, p), p);
        var hosts = new List<NodeHost>();
        try
        {
            foreach (ServerEndpoint s in endpoints)
            {
                ServerTls? tls = options.ServerTls
                    ? new ServerTls(pki.Servers.Single(c => c.Name == s.Name).Certificate, pki.DeploymentCa, pki.ServerPins, [.. pki.Servers.Select(c => c.Certificate)])
                    : null;
                hosts.Add(NodeHost.Start(new NodeSettings(s.Name, endpoints, tls, options.Failure) { MaxUsers = options.MaxUsers, Cores = options.Cores.GetValueOrDefault(s.Name, 1) }, new ServerDeployment(deploymentId, NewRole(s.Role)), options.Log));
            }
            await Task.WhenAll(hosts.Select(n => n.WhenReady)).WaitAsync(options.JoinTimeout, cancel).ConfigureAwait(false);
            IssuedCertificate a = pki.Servers.Single(c => c.Name == names[0]);
            UserDoor door = UserDoor.Open(hosts[0], new DoorSettings("127.0.0.1", 0, a.Certificate, pki.UserCa, pki.UserPins), options.Log);
            var user = new UserClientSettings("127.0.0.1", door.Port, "127.0.0.1", pki.Users[0].Certificate, pki.DeploymentCa, names[0], a.Fingerprint)
            {
                QueryDeadline = options.Failure.QueryDeadline,
            };
            return new LoopbackDeployment(pki, hosts, door, user, split);
        }
        catch
        {
            await Task.WhenAll(hosts.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
            pki.Dispose();
            throw;
        }
    }

    /// <summary>A server's share; none when l = L leaves F_BC empty (the server runs idle).</summary>
    private static RemoteShare ShareOf(ModelSplit split, Party server) =>
        server.Tier <= split.Tiers.Count ? split.Share(server) : new RemoteShare(new Dictionary<int, ulong[]>(), new Dictionary<int, ulong[]>());

    /// <summary>One user session through the door: a new run on every server (setup, then the queries).</summary>
    public Task<UserSessionResult> RunUserAsync(ulong[][] inputs, Action<ProtocolEvent>? progress = null, CancellationToken cancel = default) =>
        UserClient.RunAsync(User, _split.Parameters.ForUser(), inputs, progress, cancel);

    /// <summary>
    /// Many users through the door at once (issue 22), user u with <paramref name="inputsPerUser"/>[u]: they join one run
    /// and share its server session, each in a session of its own. The results are in the users' order.
    /// </summary>
    public Task<UserSessionResult[]> RunUsersAsync(IReadOnlyList<ulong[][]> inputsPerUser, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(inputsPerUser);
        return Task.WhenAll(inputsPerUser.Select(inputs => Task.Run(() => RunUserAsync(inputs, null, cancel), cancel)));
    }

    /// <summary>Each server's costs in its latest run.</summary>
    public IReadOnlyList<PartyCosts> LastRunCosts() =>
        [.. _hosts.Select(n => n.Runs.OrderBy(r => r.Key).LastOrDefault().Value?.Snapshot() ?? new PartyCosts(n.Settings.Name, [], []))];

    public async ValueTask DisposeAsync()
    {
        await Door.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_hosts.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
        _pki.Dispose();
    }
}
