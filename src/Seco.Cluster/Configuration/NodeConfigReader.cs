using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Seco.Protocol.Roles;
using Seco.Scenarios;
using Seco.Scenarios.Loading;

namespace Seco.Cluster.Configuration;

/// <summary>Reads a server's node file into a <see cref="NodeConfig"/>, collecting every error (format: docs/cluster.md).</summary>
internal sealed partial class NodeConfigReader(ConfigReader reader)
{
    private const string Hierarchy =
        "a deployment has one gateway and a complete hierarchy of remote servers: tiers t1, t2, … in order, each with servers " +
        "s0 (its garbler), s1 (its evaluator), s2, … in order (garbler and evaluator name t1s0 and t1s1)";

    private static readonly string[] Keys = ["node", "deployment", "servers", "tls", "model", "door", "failure", "memory_limit", "cores"];

    /// <summary>The roles with a name (for the spelling hint); every other role is a position t{tier}s{index}.</summary>
    private static readonly string[] RoleNames = ["gateway", "garbler", "evaluator"];

    [GeneratedRegex("^t(?<tier>[1-9][0-9]{0,5})s(?<index>0|[1-9][0-9]{0,5})$", RegexOptions.CultureInvariant)]
    private static partial Regex Position();

    /// <summary>The <c>failure</c> keys: default, least and largest value.</summary>
    private static readonly (string Key, TimeSpan Default, TimeSpan Min, TimeSpan Max)[] FailureKeys =
    [
        ("heartbeat_interval", FailureSettings.Default.HeartbeatInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1)),
        ("acceptable_heartbeat_pause", FailureSettings.Default.AcceptableHeartbeatPause, TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10)),
        ("stable_after", FailureSettings.Default.StableAfter, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)),
        ("unreachable_grace", FailureSettings.Default.UnreachableGrace, TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)),
        ("query_deadline", FailureSettings.Default.QueryDeadline, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)),
    ];

    private LoadContext Context => reader.Context;

    /// <summary>What could be read of one <c>servers</c> entry; an <see cref="ServerEntry"/> once complete.</summary>
    private sealed record Draft(string Name, SourceScalar Key, Party? Role, SourceNode? RoleNode, string? Host, int? Port, SourceNode? PortNode, PeerPin? Pin,
        int? BulkPort = null, SourceNode? BulkPortNode = null)
    {
        public ServerEntry? Entry => Role is { } role && Host is { } host && Port is { } port && BulkPort is { } bulk && Pin is { } pin
            ? new ServerEntry(Name, role, host, port, pin) { BulkPort = bulk }
            : null;
    }

    public NodeConfig? Read(SourceNode root)
    {
        if (root is not SourceMapping mapping)
        {
            Context.TypeError(root, "", "a mapping of node keys (node, deployment, servers, tls, model, door, failure)");
            return null;
        }
        var fields = new MappingReader(Context, mapping, "", Keys);
        SourceNode? nodeNode = fields.Require("node");
        string? node = nodeNode is null ? null : reader.ReadName(nodeNode, "node", server: true);
        string? deployment = fields.Require("deployment") is { } d
            ? Context.ReadText(d, "deployment", ConfigReader.MaxLabelLength, "", "printable text on one line")
            : null;
        (List<Draft>? servers, bool allNamesRead) = fields.Require("servers") is { } s ? ReadServers(s, "servers") : (null, false);
        TlsConfig? tls = fields.Require("tls") is { } t ? reader.ReadTls(t, "tls") : null;
        string? model = fields.Require("model") is { } m ? Context.ReadExistingFile(m, "model") : null;
        FailureSettings? failure = ReadFailure(fields.Get("failure"), "failure");
        long? memoryLimit = reader.ReadMemoryLimit(fields);
        int? cores = fields.Get("cores") is { } c ? Context.ReadInt(c, "cores", 1, NodeConfig.MaxCores) : 1;

        Draft? self = servers?.FirstOrDefault(e => e.Name == node);
        if (node is not null && servers is not null && self is null && allNamesRead)
            // The nearest-name search runs over every server: only for an error that will be shown.
            Context.Error(nodeNode!.Location, "node", () => $"'{node}' is not one of the servers" + Spelling.Hint(node, servers.Select(e => e.Name).ToList(), "servers"));
        DoorConfig? door = ReadDoor(fields, self, servers ?? []);

        List<ServerEntry> entries = servers?.Select(e => e.Entry).OfType<ServerEntry>().ToList() ?? [];
        if (Context.ErrorCount > 0 || node is null || deployment is null || tls is null || model is null || failure is null || cores is null)
            return null;
        return new NodeConfig(node, deployment, entries, tls, model, door, failure, Context.SourceMap()) { MemoryLimit = memoryLimit, Cores = cores.Value };
    }

    private (List<Draft>? Servers, bool AllNamesRead) ReadServers(SourceNode node, string path)
    {
        if (Context.ExpectMapping(node, path) is not { } mapping)
            return (null, false);
        var drafts = new List<Draft>();
        var entries = reader.ReadNamedEntries(mapping, path, servers: true, out bool allNamesRead);
        foreach (var (name, key, value) in entries)
            drafts.Add(ReadServer(name, key, value, FieldPath.Key(path, name)));
        CheckRoles(drafts, mapping, path, allNamesRead);
        CheckAddresses(drafts, path);
        return (drafts, allNamesRead);
    }

    private Draft ReadServer(string name, SourceScalar key, SourceNode node, string path)
    {
        if (node is not SourceMapping mapping)
        {
            Context.TypeError(node, path, "a mapping such as { role: t1s0, host: 10.0.0.11, port: 25521, certificate: certs/B.crt }");
            return new Draft(name, key, null, null, null, null, null, null);
        }
        var fields = new MappingReader(Context, mapping, path, "role", "host", "port", "bulk_port", "certificate", "fingerprint");
        SourceNode? roleNode = fields.Require("role");
        Party? role = roleNode is null ? null : ReadRole(roleNode, fields.PathOf("role"));
        string? host = fields.Require("host") is { } h ? reader.ReadHost(h, fields.PathOf("host"), listen: false) : null;
        SourceNode? portNode = fields.Require("port");
        int? port = portNode is null ? null : reader.ReadPort(portNode, fields.PathOf("port"));
        SourceNode? bulkNode = fields.Get("bulk_port");
        int? bulk = bulkNode is not null ? reader.ReadPort(bulkNode, fields.PathOf("bulk_port"))
            : port + ServerEntry.BulkPortOffset is <= 65535 and int p ? p : null;
        if (bulkNode is null && port is not null && bulk is null)
            Context.Error(portNode!.Location, fields.PathOf("port"), $"port {port} leaves no room for the default bulk_port (port + {ServerEntry.BulkPortOffset}); give bulk_port explicitly");
        PeerPin? pin = reader.ReadPin(fields, $"{name}'s certificate");
        return new Draft(name, key, role, roleNode, host, port, portNode, pin, bulk, bulkNode ?? portNode);
    }

    /// <summary><c>gateway</c>, a position <c>t{tier}s{index}</c>, or the aliases <c>garbler</c> (t1s0) and <c>evaluator</c> (t1s1).</summary>
    private Party? ReadRole(SourceNode node, string path)
    {
        if (Context.ReadString(node, path) is not { } text)
            return null;
        switch (text)
        {
            case "gateway": return Party.Gateway;
            case "garbler": return Party.Garbler;
            case "evaluator": return Party.Evaluator;
        }
        if (Position().Match(text) is { Success: true } m)
        {
            int tier = int.Parse(m.Groups["tier"].Value, CultureInfo.InvariantCulture);
            int index = int.Parse(m.Groups["index"].Value, CultureInfo.InvariantCulture);
            if (tier > Party.MaxTiers)
                Context.Error(node.Location, path, $"{text}: tier {tier} is past the {Party.MaxTiers} remote tiers the protocol builds");
            else if (index >= Party.MaxServersPerTier)
                Context.Error(node.Location, path, $"{text}: a tier has at most {Party.MaxServersPerTier} servers, s0..s{Party.MaxServersPerTier - 1}");
            else
                return Party.Server(tier, index);
            return null;
        }
        Context.Error(node.Location, path, $"unknown role '{SourceScalar.Shorten(text)}': a role is gateway or a position t<tier>s<index> such as t1s0 " +
                                           "(garbler and evaluator name t1s0 and t1s1)" + Spelling.Hint(text, RoleNames, "roles"));
        return null;
    }

    /// <summary>One gateway, listed first (the seed nodes' order); no position twice; the positions a complete hierarchy.</summary>
    private void CheckRoles(List<Draft> drafts, SourceMapping mapping, string path, bool allNamesRead)
    {
        var holders = new Dictionary<Party, Draft>();
        foreach (Draft draft in drafts)
        {
            if (draft.Role is not { } role)
                continue;
            if (holders.TryGetValue(role, out Draft? first))
                Context.Error(draft.RoleNode!.Location, FieldPath.Key(FieldPath.Key(path, draft.Name), "role"),
                    $"a second {Describe(role)} ({path}.{first.Name} is the {Describe(role)}); {Hierarchy}");
            else
                holders.Add(role, draft);
        }
        // An entry whose role could not be read may hold a missing one: say nothing then.
        if (allNamesRead && drafts.All(d => d.Role is not null))
        {
            var missing = new List<string>();
            if (!holders.ContainsKey(Party.Gateway))
                missing.Add("gateway");
            int depth = holders.Keys.Select(p => p.Tier).DefaultIfEmpty(0).Max();
            for (int t = 1; t <= depth; t++)
            {
                int width = Math.Max(2, holders.Keys.Where(p => p.Tier == t).Select(p => p.Index + 1).DefaultIfEmpty(0).Max());
                for (int j = 0; j < width; j++)
                    if (!holders.ContainsKey(Party.Server(t, j)))
                        missing.Add(Describe(Party.Server(t, j)));
            }
            if (missing.Count > 0)
                Context.Error(mapping.Location, path, $"no {Join([.. missing])} among the servers; {Hierarchy}");
        }
        if (holders.TryGetValue(Party.Gateway, out Draft? gateway) && drafts[0] != gateway)
            Context.Error(drafts[0].Key.Location, FieldPath.Key(path, drafts[0].Name),
                $"the gateway ({path}.{gateway.Name}) must be listed first: the servers are the cluster's seed nodes in this order, and only the first seed starts a new cluster");
    }

    /// <summary>Every server listens at a host:port of its own, and its bulk lane at another.</summary>
    private void CheckAddresses(List<Draft> drafts, string path)
    {
        var seen = new Dictionary<(string, int), string>();
        foreach (Draft draft in drafts)
        {
            if (draft.Host is not { } host)
                continue;
            foreach ((int? port, SourceNode? at, string key) in new[] { (draft.Port, draft.PortNode, "port"), (draft.BulkPort, draft.BulkPortNode, "bulk_port") })
            {
                if (port is not { } p) continue;
                string here = $"{path}.{draft.Name}.{key}";
                if (!seen.TryAdd((host.ToLowerInvariant(), p), here))
                    Context.Error(at!.Location, FieldPath.Key(FieldPath.Key(path, draft.Name), key),
                        $"{host}:{p} is also {seen[(host.ToLowerInvariant(), p)]}; every server needs a host:port of its own for the cluster and another for its bulk lane");
            }
        }
    }

    /// <summary>
    /// <c>door</c>: required in the gateway's file, refused in the others'. When this node is not
    /// a known server, a door that is there is still read (its errors are reported).
    /// </summary>
    private DoorConfig? ReadDoor(MappingReader fields, Draft? self, List<Draft> servers)
    {
        SourceNode? node = fields.Get("door");
        if (self?.Role is { } role && !role.IsGateway)
        {
            if (!ConfigReader.IsAbsent(node))
                fields.Reject("door", $"only the gateway's file has a door (where users connect); node {self.Name} is the {Describe(role)}");
            return null;
        }
        if (ConfigReader.IsAbsent(node))
        {
            if (self?.Role == Party.Gateway)
                Context.Error(fields.Mapping.Location, "door",
                    $"required key is missing: node {self.Name} is the gateway, whose file says where users connect (door: {{ host, port, user_ca, users }})");
            return null;
        }
        if (Context.ExpectMapping(node!, "door") is not { } mapping)
            return null;
        var door = new MappingReader(Context, mapping, "door", "host", "port", "user_ca", "users", "max_users");
        string? host = door.Require("host") is { } h ? reader.ReadHost(h, door.PathOf("host"), listen: true) : null;
        SourceNode? portNode = door.Require("port");
        int? port = portNode is null ? null : reader.ReadPort(portNode, door.PathOf("port"));
        string? userCa = door.Require("user_ca") is { } ca ? Context.ReadExistingFile(ca, door.PathOf("user_ca")) : null;
        Dictionary<string, PeerPin>? users = door.Require("users") is { } u ? ReadUsers(u, door.PathOf("users")) : null;
        int? maxUsers = door.Get("max_users") is { } mu ? Context.ReadInt(mu, door.PathOf("max_users"), 1, Protocol.Roles.Party.MaxUsers) : DoorConfig.DefaultMaxUsers;
        if (host is not null && port is not null)
        {
            // A wildcard door listens on every address of this machine, this server's own among them.
            bool wildcard = IPAddress.TryParse(host, out IPAddress? address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));
            Draft? clash = servers.FirstOrDefault(s => (s.Port == port || s.BulkPort == port) && (string.Equals(s.Host, host, StringComparison.OrdinalIgnoreCase) || (wildcard && s == self)));
            if (clash is not null)
                Context.Error(portNode!.Location, door.PathOf("port"),
                    $"{host}:{port} is also servers.{clash.Name}.{(clash.Port == port ? "port" : "bulk_port")}; the door needs a port of its own");
        }
        return host is null || port is null || userCa is null || users is null || maxUsers is null ? null
            : new DoorConfig(host, port.Value, userCa, users) { MaxUsers = maxUsers.Value };
    }

    /// <summary>
    /// <c>door.users</c>: user name → pin. Required: the door admits pinned users only — a certificate that merely chains
    /// to the user CA is not enough, as the servers pin each other (docs/cluster.md, "Certificates").
    /// </summary>
    private Dictionary<string, PeerPin>? ReadUsers(SourceNode node, string path)
    {
        var users = new Dictionary<string, PeerPin>(StringComparer.Ordinal);
        if (Context.ExpectMapping(node, path) is not { } mapping)
            return null;
        if (mapping.Entries.Count == 0)
        {
            Context.Error(mapping.Location, path, "lists no user; the door admits pinned users only (name: { certificate: <file> } or { fingerprint: <SHA-256> })");
            return null;
        }
        foreach (var (name, _, value) in reader.ReadNamedEntries(mapping, path, servers: false, out _))
        {
            string userPath = FieldPath.Key(path, name);
            if (value is not SourceMapping entry)
            {
                Context.TypeError(value, userPath, "a mapping such as { certificate: certs/user.crt } or { fingerprint: <SHA-256> }");
                continue;
            }
            if (reader.ReadPin(new MappingReader(Context, entry, userPath, "certificate", "fingerprint"), $"user {name}'s certificate") is { } pin)
                users.Add(name, pin);
        }
        return users;
    }

    private FailureSettings? ReadFailure(SourceNode? node, string path)
    {
        if (ConfigReader.IsAbsent(node))
            return FailureSettings.Default;
        if (Context.ExpectMapping(node!, path) is not { } mapping)
            return null;
        var fields = new MappingReader(Context, mapping, path, [.. FailureKeys.Select(k => k.Key)]);
        var values = new TimeSpan?[FailureKeys.Length];
        for (int i = 0; i < FailureKeys.Length; i++)
        {
            var (key, fallback, min, max) = FailureKeys[i];
            values[i] = fields.Get(key) is { } value ? reader.ReadDuration(value, fields.PathOf(key), min, max) : fallback;
        }
        if (values[0] is { } interval && values[1] is { } pause && pause <= interval)
            Context.Error(fields.Get("acceptable_heartbeat_pause")?.Location ?? mapping.Location, fields.PathOf("acceptable_heartbeat_pause"),
                $"must be longer than the heartbeat interval ({ConfigDuration.Format(interval)}): the failure detector would suspect a healthy peer between two heartbeats");
        return values.All(v => v is not null)
            ? new FailureSettings(values[0]!.Value, values[1]!.Value, values[2]!.Value, values[3]!.Value, values[4]!.Value)
            : null;
    }

    /// <summary>"gateway", or a server's position and duty: "t1s0 (tier 1 garbler)", "t2s2 (tier 2 provider 2)".</summary>
    public static string Describe(Party role) => role.IsServer ? $"{role.Slug} ({role})" : role.ToString();

    /// <summary>"gateway", "t1s1 (tier 1 evaluator) or t2s0 (tier 2 garbler)", "a, b or c".</summary>
    private static string Join(string[] names) =>
        names.Length == 1 ? names[0] : string.Join(", ", names[..^1]) + " or " + names[^1];
}
