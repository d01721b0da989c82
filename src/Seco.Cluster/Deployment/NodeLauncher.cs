using System.Security.Cryptography.X509Certificates;
using Seco.Cluster.Configuration;
using Seco.Cluster.Door;
using Seco.Cluster.Hosting;
using Seco.Protocol.Model;
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
/// and the party file, checks that the party file is this server's (its position in the hierarchy) and that the file's
/// hierarchy has exactly the servers the node file lists, and makes the role factory (a fresh role per run over the
/// same share). Every problem is reported at the key that named the file.
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
        Party role = me.Role;
        var servers = config.Servers.Select(s => new ServerEndpoint(s.Name, s.Role, s.Host, s.Port) { BulkPort = s.BulkPort }).ToArray();

        PartyFileContents file = DeploymentFiles.At(config.Source, "model", () => PartyFile.Read(config.ModelFile, role, DeploymentFiles.Context));
        (SecoParameters parameters, Func<ISecoRole> newRole) = file switch
        {
            GatewayPartyFile g => (g.Parameters, new Func<ISecoRole>(() => new GatewayRole(g.Parameters, g.Model))),
            RemotePartyFile r => (r.Parameters, new Func<ISecoRole>(() => RemoteServerRole.For(r.Parameters, r.Share, r.Server))),
            _ => throw DeploymentFiles.Error(config.Source, "model", $"{Path.GetFileName(config.ModelFile)} is not a server's party file"),
        };
        CheckHierarchy(config, parameters);

        DoorSettings? door = null;
        if (config.Door is { } d)
        {
            X509Certificate2 userCa = DeploymentFiles.Ca(config.Source, "door.user_ca", d.UserCaFile);
            var users = d.PinnedUsers.ToDictionary(u => u.Key, u => DeploymentFiles.Pin(config.Source, $"door.users.{u.Key}", u.Value), StringComparer.Ordinal);
            door = new DoorSettings(d.Host, d.Port, certificate, userCa, users);
        }
        var settings = new NodeSettings(me.Name, servers, new ServerTls(certificate, ca, pins, peerCertificates), config.Failure)
        {
            MaxUsers = config.Door?.MaxUsers ?? DoorConfig.DefaultMaxUsers,
            Cores = config.Cores,
        };
        return new NodeLaunch(settings, new ServerDeployment(file.Header.DeploymentId, newRole), door, file.Header)
        {
            Warnings = DeploymentFiles.KeyFileWarnings(config.Source, config.Tls),
        };
    }

    /// <summary>
    /// The node file's servers must be the party file's hierarchy, position for position: a server the model has no
    /// share for, or a share no listed server holds, would leave a run waiting for a peer that never comes.
    /// </summary>
    private static void CheckHierarchy(NodeConfig config, SecoParameters parameters)
    {
        Party[] model = [.. parameters.Servers];
        Party[] listed = [.. config.Servers.Select(s => s.Role).Where(r => r.IsServer).Order()];
        if (model.SequenceEqual(listed))
            return;
        string Layout(IEnumerable<Party> servers) => servers.Any()
            ? string.Join(", ", servers.GroupBy(p => p.Tier).Select(g => $"tier {g.Key}: {string.Join(" ", g.Select(p => p.Slug))}"))
            : "no remote server";
        string[] unlisted = [.. model.Except(listed).Select(p => p.Slug)];
        string[] extra = [.. listed.Except(model).Select(p => p.Slug)];
        string detail = string.Join("; ", new[]
        {
            unlisted.Length > 0 ? $"no server is listed for {string.Join(", ", unlisted)}" : null,
            extra.Length > 0 ? $"the model has no share for {string.Join(", ", extra)}" : null,
        }.OfType<string>());
        throw DeploymentFiles.Error(config.Source, "model",
            $"{Path.GetFileName(config.ModelFile)} was split for {Layout(model)}, but servers lists {Layout(listed)} ({detail}); " +
            "list every server of the split's hierarchy under servers, or split again with --tiers to match");
    }
}
