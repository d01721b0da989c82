using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Cluster.Security;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Local;

/// <summary>
/// Three server nodes in this process on 127.0.0.1 — gateway, garbler, evaluator, each its own ActorSystem on a free
/// port — with a throw-away development CA, mutual TLS among them, and the gateway's door open for one pinned user.
/// The one-machine runtime and the cluster tests start it; users come and go with <see cref="RunUserAsync"/>.
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

    /// <summary>Gateway, garbler, evaluator, in that order.</summary>
    public IReadOnlyList<NodeHost> Hosts => _hosts;

    public UserDoor Door { get; }

    /// <summary>How the pinned user reaches the door (its certificate, the gateway's pin).</summary>
    public UserClientSettings User { get; }

    /// <summary>The certificates (tests present other ones to check they are refused).</summary>
    public DevDeployment Certificates => _pki;

    /// <param name="names">The gateway's, garbler's and evaluator's names.</param>
    public static async Task<LoopbackDeployment> StartAsync(ModelSplit split, IReadOnlyList<string> names, LoopbackOptions options, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(split);
        DevDeployment pki = DevCertificates.Create(DevCertificatePlan.Create(names, ["user"]));
        int[] ports = LoopbackCluster.FreePorts(6);
        Party[] roles = [Party.Gateway, Party.Garbler, Party.Evaluator];
        ServerEndpoint[] servers = [.. names.Select((n, i) => new ServerEndpoint(n, roles[i], "127.0.0.1", ports[i]) { BulkPort = ports[3 + i] })];
        string deploymentId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        var newRole = new Dictionary<Party, Func<ISecoRole>>
        {
            [Party.Gateway] = () => new GatewayRole(split.Parameters, split.Gateway),
            [Party.Garbler] = () => new GarblerRole(split.Parameters, split.Garbler),
            [Party.Evaluator] = () => new EvaluatorRole(split.Parameters, split.Evaluator),
        };
        var hosts = new List<NodeHost>();
        try
        {
            foreach (ServerEndpoint s in servers)
            {
                ServerTls? tls = options.ServerTls
                    ? new ServerTls(pki.Servers.Single(c => c.Name == s.Name).Certificate, pki.DeploymentCa, pki.ServerPins, [.. pki.Servers.Select(c => c.Certificate)])
                    : null;
                hosts.Add(NodeHost.Start(new NodeSettings(s.Name, servers, tls, options.Failure), new ServerDeployment(deploymentId, newRole[s.Role]), options.Log));
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

    /// <summary>One user session through the door: a new run on every server (setup, then the queries).</summary>
    public Task<UserSessionResult> RunUserAsync(ulong[][] inputs, Action<ProtocolEvent>? progress = null, CancellationToken cancel = default) =>
        UserClient.RunAsync(User, _split.Parameters.ForUser(), inputs, progress, cancel);

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
