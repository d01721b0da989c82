using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Protocol.Model.Deployment;
using Seco.Protocol.Roles;

namespace Seco.Cluster.Deployment;

/// <summary>A server node ready to start: its settings, its share of the model, and (for the gateway) its door.</summary>
public sealed record NodeLaunch(NodeSettings Settings, ServerDeployment Deployment, DoorSettings? Door, PartyFileHeader Model)
{
    /// <summary>Problems that do not stop the node (a private-key file others can read), one line each, for stderr.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Turns a node file (<see cref="NodeConfigLoader"/>) into a <see cref="NodeLaunch"/>: opens the certificate, the CAs
/// and the party file, checks that the party file is this server's role, and makes the role factory (a fresh role per
/// run over the same share). Every problem is reported at the key that named the file.
/// </summary>
public static class NodeLauncher
{
    public static NodeLaunch Prepare(NodeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ServerEntry me = config.Self;
        X509Certificate2 certificate = DeploymentFiles.OwnCertificate(config.Source, config.Tls);
        X509Certificate2 ca = DeploymentFiles.Ca(config.Source, "tls.ca", config.Tls.CaFile);
        var pins = config.Servers.ToDictionary(s => s.Name, s => DeploymentFiles.Pin(config.Source, $"servers.{s.Name}", s.Pin), StringComparer.Ordinal);
        // Servers pinned by certificate: their keys verify the signed run-control messages (others' are learnt in the handshake).
        X509Certificate2[] peerCertificates = [.. config.Servers.Select(s => DeploymentFiles.PinnedCertificate(config.Source, $"servers.{s.Name}", s.Pin)).OfType<X509Certificate2>()];
        Party role = RoleOf(me.Role);
        var servers = config.Servers.Select(s => new ServerEndpoint(s.Name, RoleOf(s.Role), s.Host, s.Port) { BulkPort = s.BulkPort }).ToArray();

        PartyKind kind = role.IsGateway ? PartyKind.Gateway : role == Party.Garbler ? PartyKind.Garbler : PartyKind.Evaluator;
        PartyFileContents file = DeploymentFiles.At(config.Source, "model", () => PartyFile.Read(config.ModelFile, kind, DeploymentFiles.Context));
        Func<ISecoRole> newRole = file switch
        {
            GatewayPartyFile g => () => new GatewayRole(g.Parameters, g.Model),
            RemotePartyFile r when role == Party.Garbler => () => new GarblerRole(r.Parameters, r.Share),
            RemotePartyFile r => () => new EvaluatorRole(r.Parameters, r.Share),
            _ => throw DeploymentFiles.Error(config.Source, "model", $"{Path.GetFileName(config.ModelFile)} is not a server's party file"),
        };

        DoorSettings? door = null;
        if (config.Door is { } d)
        {
            X509Certificate2 userCa = DeploymentFiles.Ca(config.Source, "door.user_ca", d.UserCaFile);
            var users = d.PinnedUsers.ToDictionary(u => u.Key, u => DeploymentFiles.Pin(config.Source, $"door.users.{u.Key}", u.Value), StringComparer.Ordinal);
            door = new DoorSettings(d.Host, d.Port, certificate, userCa, users);
        }
        var settings = new NodeSettings(me.Name, servers, new ServerTls(certificate, ca, pins, peerCertificates), config.Failure);
        return new NodeLaunch(settings, new ServerDeployment(file.Header.DeploymentId, newRole), door, file.Header)
        {
            Warnings = DeploymentFiles.KeyFileWarnings(config.Source, config.Tls),
        };
    }

    public static Party RoleOf(ServerRole role) => role switch
    {
        ServerRole.Gateway => Party.Gateway,
        ServerRole.Garbler => Party.Garbler,
        _ => Party.Evaluator,
    };
}
