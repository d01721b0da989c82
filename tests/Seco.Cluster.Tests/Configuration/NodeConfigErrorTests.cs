using Seco.Cluster.Configuration;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests.Configuration;

/// <summary>
/// Each mistake in a node file is reported as <c>file:line:column: field: reason</c>, all of them
/// at once. The files are written to config/local/x.yaml of a <see cref="ConfigFolder"/>, so
/// their paths reach the stand-in deploy/ files.
/// </summary>
public sealed class NodeConfigErrorTests : IDisposable
{
    /// <summary>A valid gateway file, 15 lines; each test changes a piece of it.</summary>
    private const string Gateway =
        """
        node: A
        deployment: test
        servers:
          A: { role: gateway, host: 127.0.0.1, port: 25520, certificate: ../../deploy/certs/A.crt }
          B: { role: garbler, host: 127.0.0.1, port: 25521, certificate: ../../deploy/certs/B.crt }
          C: { role: evaluator, host: 127.0.0.1, port: 25522, certificate: ../../deploy/certs/C.crt }
        tls:
          ca: ../../deploy/certs/ca.crt
          certificate: ../../deploy/certs/A.pfx
        model: ../../deploy/model/gateway.party
        door:
          host: 127.0.0.1
          port: 25500
          user_ca: ../../deploy/certs/user-ca.crt
          users: { user: { certificate: ../../deploy/certs/user.crt } }

        """;

    private const string UsersLine = "  users: { user: { certificate: ../../deploy/certs/user.crt } }\n";

    /// <summary>The gateway file with <paramref name="users"/> in place of its door.users line.</summary>
    private static string WithUsers(string users) => Gateway.Replace(UsersLine, users, StringComparison.Ordinal);

    private const string X = "config/local/x.yaml";

    private const string Hierarchy =
        "a deployment has one gateway and a complete hierarchy of remote servers: tiers t1, t2, … in order, each with servers " +
        "s0 (its garbler), s1 (its evaluator), s2, … in order (garbler and evaluator name t1s0 and t1s1)";

    private const string RoleHelp = "a role is gateway or a position t<tier>s<index> such as t1s0 (garbler and evaluator name t1s0 and t1s1)";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string ErrorsOf(string text) => _folder.NodeErrorsOf(text, X);

    private static string Change(string from, string to) => ConfigFolder.Change(Gateway, from, to);

    [Fact]
    public void The_base_file_is_valid()
    {
        _folder.Write(X, Gateway);
        NodeConfig config = _folder.LoadNode(X);
        Assert.Equal(("A", 3, 25500), (config.Node, config.Servers.Count, config.Door!.Port));
    }

    [Fact]
    public void The_doors_max_users_defaults_to_64_and_takes_1_to_4096()
    {
        _folder.Write(X, Gateway);
        Assert.Equal(DoorConfig.DefaultMaxUsers, _folder.LoadNode(X).Door!.MaxUsers);
        _folder.Write(X, Gateway + "  max_users: 32\n");
        Assert.Equal(32, _folder.LoadNode(X).Door!.MaxUsers);
        Assert.Equal("config/local/x.yaml:16:14: door.max_users: out of range: got 0, must be between 1 and 4096", ErrorsOf(Gateway + "  max_users: 0\n"));
        Assert.Equal("config/local/x.yaml:16:14: door.max_users: out of range: got 5000, must be between 1 and 4096", ErrorsOf(Gateway + "  max_users: 5000\n"));
    }

    [Fact]
    public void Cores_defaults_to_1_and_takes_1_to_256()
    {
        _folder.Write(X, Gateway);
        Assert.Equal(1, _folder.LoadNode(X).Cores);
        _folder.Write(X, Gateway + "cores: 8\n");
        Assert.Equal(8, _folder.LoadNode(X).Cores);
        Assert.Equal("config/local/x.yaml:16:8: cores: out of range: got 0, must be between 1 and 256", ErrorsOf(Gateway + "cores: 0\n"));
    }

    [Fact]
    public void An_unknown_key_is_refused_with_the_nearest_known_one()
    {
        Assert.Equal(
            """
            config/local/x.yaml:8:3: tls.certificate: required key is missing
            config/local/x.yaml:9:3: tls.certficate: unknown key (did you mean 'certificate'?)
            """, ErrorsOf(Change("  certificate: ../../deploy/certs/A.pfx", "  certficate: ../../deploy/certs/A.pfx")));
        Assert.Equal(
            "config/local/x.yaml:16:1: falure: unknown key (did you mean 'failure'?)",
            ErrorsOf(Gateway + "falure: { query_deadline: 1m }\n"));
    }

    [Fact]
    public void A_missing_key_is_reported_at_its_mapping()
    {
        Assert.Equal(
            "config/local/x.yaml:1:1: model: required key is missing",
            ErrorsOf(Change("model: ../../deploy/model/gateway.party\n", "")));
        Assert.Equal(
            "config/local/x.yaml:4:6: servers.A.port: required key is missing",
            ErrorsOf(Change(" port: 25520,", "")));
    }

    [Fact]
    public void Two_servers_of_one_role_are_refused_and_the_missing_role_named()
    {
        Assert.Equal(
            $"""
            config/local/x.yaml:4:3: servers: no t1s0 (tier 1 garbler) among the servers; {Hierarchy}
            config/local/x.yaml:6:14: servers.C.role: a second t1s1 (tier 1 evaluator) (servers.B is the t1s1 (tier 1 evaluator)); {Hierarchy}
            """, ErrorsOf(Change("role: garbler", "role: evaluator")));
        // An alias and its position are one role.
        Assert.Equal(
            $"config/local/x.yaml:6:14: servers.C.role: a second t1s0 (tier 1 garbler) (servers.B is the t1s0 (tier 1 garbler)); {Hierarchy}",
            ErrorsOf(Change("role: evaluator", "role: t1s0")).Split('\n')[^1]);
    }

    [Fact]
    public void An_unknown_role_is_refused_with_the_nearest_one()
    {
        Assert.Equal(
            $"config/local/x.yaml:5:14: servers.B.role: unknown role 'garbeler': {RoleHelp} (did you mean 'garbler'?)",
            ErrorsOf(Change("role: garbler", "role: garbeler")));
        Assert.Equal(
            $"config/local/x.yaml:5:14: servers.B.role: unknown role 't01s0': {RoleHelp} (roles: gateway, garbler, evaluator)",
            ErrorsOf(Change("role: garbler", "role: t01s0")));
    }

    [Theory]
    [InlineData("t17s0", "t17s0: tier 17 is past the 16 remote tiers the protocol builds")]
    [InlineData("t1s16", "t1s16: a tier has at most 16 servers, s0..s15")]
    public void A_position_past_the_protocols_limits_is_refused(string role, string error) =>
        Assert.Equal($"config/local/x.yaml:5:14: servers.B.role: {error}", ErrorsOf(Change("role: garbler", $"role: {role}")));

    [Fact]
    public void Positions_and_aliases_name_the_same_servers()
    {
        _folder.Write(X, Change("role: garbler", "role: t1s0").Replace("role: evaluator", "role: t1s1", StringComparison.Ordinal));
        Assert.Equal([Party.Gateway, Party.Garbler, Party.Evaluator], _folder.LoadNode(X).Servers.Select(s => s.Role));
    }

    /// <summary>Five servers: gateway A, tier 1 B and C, tier 2 D and E (and a provider F of tier 2 in a third form).</summary>
    [Fact]
    public void A_deeper_hierarchy_loads()
    {
        string more = "  D: { role: t2s0, host: 127.0.0.1, port: 25523, certificate: ../../deploy/certs/B.crt }\n"
                      + "  E: { role: t2s1, host: 127.0.0.1, port: 25524, certificate: ../../deploy/certs/C.crt }\n";
        _folder.Write(X, Change("tls:", more + "tls:"));
        Assert.Equal([Party.Gateway, Party.Server(1, 0), Party.Server(1, 1), Party.Server(2, 0), Party.Server(2, 1)], _folder.LoadNode(X).Servers.Select(s => s.Role));

        _folder.Write(X, Change("tls:", more + "  F: { role: t2s2, host: 127.0.0.1, port: 25525, certificate: ../../deploy/certs/C.crt }\ntls:"));
        Assert.Equal(Party.Server(2, 2), _folder.LoadNode(X).Servers[^1].Role);
    }

    [Fact]
    public void A_fourth_server_at_a_taken_position_is_refused()
    {
        Assert.Equal(
            $"config/local/x.yaml:7:14: servers.D.role: a second t1s0 (tier 1 garbler) (servers.B is the t1s0 (tier 1 garbler)); {Hierarchy}",
            ErrorsOf(Change("tls:", "  D: { role: garbler, host: 127.0.0.1, port: 25523, certificate: ../../deploy/certs/B.crt }\ntls:")));
    }

    [Theory]
    [InlineData("t1s3", "no t1s2 (tier 1 provider 2) among the servers")]
    [InlineData("t2s0", "no t2s1 (tier 2 evaluator) among the servers")]
    [InlineData("t3s1", "no t2s0 (tier 2 garbler), t2s1 (tier 2 evaluator) or t3s0 (tier 3 garbler) among the servers")]
    public void A_hierarchy_with_a_hole_is_refused_naming_the_missing_positions(string role, string error) =>
        Assert.Equal($"config/local/x.yaml:4:3: servers: {error}; {Hierarchy}",
            ErrorsOf(Change("tls:", $"  D: {{ role: {role}, host: 127.0.0.1, port: 25523, certificate: ../../deploy/certs/B.crt }}\ntls:")));

    [Fact]
    public void A_missing_gateway_is_named()
    {
        Assert.Equal(
            $"config/local/x.yaml:4:3: servers: no gateway among the servers; {Hierarchy}",
            ErrorsOf(Change("role: gateway", "role: t1s2")).Split('\n')[0]);
    }

    [Fact]
    public void Two_servers_at_one_host_and_port_are_refused()
    {
        Assert.Equal(
            """
            config/local/x.yaml:6:48: servers.C.port: 127.0.0.1:25521 is also servers.B.port; every server needs a host:port of its own for the cluster and another for its bulk lane
            config/local/x.yaml:6:48: servers.C.bulk_port: 127.0.0.1:25621 is also servers.B.bulk_port; every server needs a host:port of its own for the cluster and another for its bulk lane
            """,
            ErrorsOf(Change("port: 25522", "port: 25521")));
        // A bulk lane's port is an address too (its default is port + 100).
        Assert.Equal(
            "config/local/x.yaml:6:48: servers.C.port: 127.0.0.1:25621 is also servers.B.bulk_port; every server needs a host:port of its own for the cluster and another for its bulk lane",
            ErrorsOf(Change("port: 25522", "port: 25621")));
        // The same port on another host is fine.
        _folder.Write(X, Change("host: 127.0.0.1, port: 25522", "host: 127.0.0.2, port: 25521"));
        Assert.Equal(25521, _folder.LoadNode(X).Servers[2].Port);
    }

    [Fact]
    public void The_gateway_must_be_listed_first()
    {
        string b = "  B: { role: garbler, host: 127.0.0.1, port: 25521, certificate: ../../deploy/certs/B.crt }\n";
        Assert.Equal(
            "config/local/x.yaml:4:3: servers.B: the gateway (servers.A) must be listed first: "
            + "the servers are the cluster's seed nodes in this order, and only the first seed starts a new cluster",
            ErrorsOf(Change(b, "").Replace("servers:\n", "servers:\n" + b, StringComparison.Ordinal)));
    }

    [Fact]
    public void The_node_must_be_one_of_the_servers()
    {
        Assert.Equal(
            "config/local/x.yaml:1:7: node: 'D' is not one of the servers (servers: A, B, C)",
            ErrorsOf(Change("node: A", "node: D")));
        Assert.Equal(
            "config/local/x.yaml:1:7: node: 'a' is not one of the servers (did you mean 'A'?)",
            ErrorsOf(Change("node: A", "node: a")));
    }

    [Fact]
    public void A_server_pins_its_certificate_by_exactly_one_of_certificate_and_fingerprint()
    {
        Assert.Equal(
            "config/local/x.yaml:5:6: servers.B: set either 'certificate' or 'fingerprint', not both: each pins B's certificate on its own",
            ErrorsOf(Change("B.crt }", $"B.crt, fingerprint: {new string('b', 64)} }}")));
        Assert.Equal(
            "config/local/x.yaml:5:6: servers.B: pin B's certificate: set 'certificate' (the path of its PEM file) or 'fingerprint' (its SHA-256, 64 hex digits)",
            ErrorsOf(Change(", certificate: ../../deploy/certs/B.crt", "")));
    }

    [Fact]
    public void A_fingerprint_is_64_hex_digits_with_optional_colons_in_either_case()
    {
        string colons = string.Join(':', Enumerable.Repeat("AB", 32));
        _folder.Write(X, Change("certificate: ../../deploy/certs/B.crt", $"fingerprint: \"{colons}\""));
        Assert.Equal(new PeerPin.Fingerprint(new string('a', 32).Replace("a", "ab")), _folder.LoadNode(X).Servers[1].Pin);

        Assert.Equal(
            """
            config/local/x.yaml:5:66: servers.B.fingerprint: expected a SHA-256 fingerprint (64 hex digits, ':' separators allowed), got 'abc'
            config/local/x.yaml:6:68: servers.C.fingerprint: expected a SHA-256 fingerprint (64 hex digits, ':' separators allowed), got 'ggggggggggggggggggggggggggggggggggggggg…'
            """,
            ErrorsOf(Change("certificate: ../../deploy/certs/B.crt", "fingerprint: abc")
                .Replace("certificate: ../../deploy/certs/C.crt", "fingerprint: " + new string('g', 64), StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("heartbeat_interval: 5", "failure.heartbeat_interval: expected a duration such as 500ms, 5s, 2m or 1h (a whole number and a unit), got an integer (5) (add a unit: ms, s, m or h)")]
    [InlineData("heartbeat_interval: 1.5s", "failure.heartbeat_interval: expected a duration such as 500ms, 5s, 2m or 1h (a whole number and a unit), got a string '1.5s'")]
    [InlineData("heartbeat_interval: 2d", "failure.heartbeat_interval: expected a duration such as 500ms, 5s, 2m or 1h (a whole number and a unit), got a string '2d'")]
    [InlineData("heartbeat_interval: 2m", "failure.heartbeat_interval: out of range: got 2m, must be between 100ms and 1m")]
    [InlineData("heartbeat_interval: 0s", "failure.heartbeat_interval: out of range: got 0s, must be between 100ms and 1m")]
    [InlineData("query_deadline: 99999999999999999999h", "failure.query_deadline: out of range: got 99999999999999999999h, must be between 1s and 24h")]
    [InlineData("stable_after: [7s]", "failure.stable_after: expected a duration such as 500ms, 5s, 2m or 1h, got a list")]
    [InlineData("acceptable_heartbeat_pause: 1s", "failure.acceptable_heartbeat_pause: must be longer than the heartbeat interval (1s): the failure detector would suspect a healthy peer between two heartbeats")]
    public void A_bad_duration_is_refused_at_its_value(string entry, string error)
    {
        Assert.Equal($"config/local/x.yaml:16:{entry.IndexOf(':') + 14}: {error}", ErrorsOf(Gateway + $"failure: {{ {entry} }}\n"));
    }

    [Theory]
    [InlineData("memory_limit: 4", "memory_limit: expected a size such as 512MiB, 3.5GiB or 4GB, got an integer (4) (add a unit: MiB, GiB, MB or GB)")]
    [InlineData("memory_limit: 4 GiB", "memory_limit: expected a size such as 512MiB, 3.5GiB or 4GB, got a string '4 GiB'")]
    [InlineData("memory_limit: 4gib", "memory_limit: expected a size such as 512MiB, 3.5GiB or 4GB, got a string '4gib'")]
    [InlineData("memory_limit: 100MiB", "memory_limit: out of range: got 100MiB, must be between 256MiB and 1024GiB")]
    [InlineData("memory_limit: 2TB", "memory_limit: out of range: got 2TB, must be between 256MiB and 1024GiB")]
    [InlineData("memory_limit: [4GiB]", "memory_limit: expected a size such as 512MiB, 3.5GiB or 4GB, got a list")]
    public void A_bad_memory_limit_is_refused_at_its_value(string entry, string error)
    {
        Assert.Equal($"config/local/x.yaml:16:15: {error}", ErrorsOf(Gateway + entry + "\n"));
    }

    [Theory]
    [InlineData("3.5GiB", 3584L << 20)]
    [InlineData("512MiB", 512L << 20)]
    [InlineData("4GB", 4_000_000_000L)]
    [InlineData("300MB", 300_000_000L)]
    [InlineData("1TiB", 1L << 40)]
    public void A_memory_limit_takes_binary_and_decimal_units(string value, long bytes)
    {
        _folder.Write(X, Gateway + $"memory_limit: {value}\n");
        Assert.Equal(bytes, _folder.LoadNode(X).MemoryLimit);
        _folder.Write(X, Gateway);
        Assert.Null(_folder.LoadNode(X).MemoryLimit); // absent: the runtime's default
    }

    [Fact]
    public void Durations_take_each_unit()
    {
        _folder.Write(X, Gateway + "failure: { heartbeat_interval: 500ms, acceptable_heartbeat_pause: 10s, stable_after: 2m, unreachable_grace: 1h, query_deadline: 24h }\n");
        Assert.Equal(
            new FailureSettings(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(2), TimeSpan.FromHours(1), TimeSpan.FromHours(24)),
            _folder.LoadNode(X).Failure);
    }

    [Fact]
    public void A_door_is_refused_in_a_remote_servers_file()
    {
        Assert.Equal(
            "config/local/x.yaml:11:1: door: only the gateway's file has a door (where users connect); node B is the t1s0 (tier 1 garbler)",
            ErrorsOf(Change("node: A", "node: B").Replace("A.pfx", "B.pfx", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_gateways_file_needs_a_door()
    {
        string withoutDoor = Gateway[..Gateway.IndexOf("door:", StringComparison.Ordinal)];
        Assert.Equal(
            "config/local/x.yaml:1:1: door: required key is missing: node A is the gateway, whose file says where users connect (door: { host, port, user_ca, users })",
            ErrorsOf(withoutDoor));
    }

    [Fact]
    public void The_door_needs_a_port_of_its_own()
    {
        Assert.Equal(
            "config/local/x.yaml:13:9: door.port: 127.0.0.1:25521 is also servers.B.port; the door needs a port of its own",
            ErrorsOf(Change("port: 25500", "port: 25521")));
        Assert.Equal(
            "config/local/x.yaml:13:9: door.port: 0.0.0.0:25520 is also servers.A.port; the door needs a port of its own",
            ErrorsOf(Change("port: 25500", "port: 25520").Replace("host: 127.0.0.1\n", "host: 0.0.0.0\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void Door_users_are_pinned_by_name()
    {
        _folder.Write(X, WithUsers($"  users: {{ alice: {{ certificate: ../../deploy/certs/user.crt }}, bob: {{ fingerprint: {new string('C', 64)} }} }}\n"));
        Assert.Equal(
            [new("alice", new PeerPin.Certificate(_folder.PathOf("deploy/certs/user.crt"))), new KeyValuePair<string, PeerPin>("bob", new PeerPin.Fingerprint(new string('c', 64)))],
            _folder.LoadNode(X).Door!.PinnedUsers.OrderBy(u => u.Key));

        Assert.Equal(
            """
            config/local/x.yaml:15:10: door.users: lists no user; the door admits pinned users only (name: { certificate: <file> } or { fingerprint: <SHA-256> })
            """, ErrorsOf(WithUsers("  users: {}\n")));
        Assert.Equal(
            """
            config/local/x.yaml:15:17: door.users.bob: pin user bob's certificate: set 'certificate' (the path of its PEM file) or 'fingerprint' (its SHA-256, 64 hex digits)
            config/local/x.yaml:15:19: door.users.bob.fingerprnt: unknown key (did you mean 'fingerprint'?)
            """, ErrorsOf(WithUsers("  users: { bob: { fingerprnt: x } }\n")));
    }

    [Fact]
    public void A_referenced_file_that_is_missing_is_reported_at_its_key()
    {
        Assert.Equal(
            """
            config/local/x.yaml:8:7: tls.ca: file not found: deploy/certs/nothing.crt
            config/local/x.yaml:10:8: model: expected a file, found a directory: deploy/model
            """, ErrorsOf(Change("certs/ca.crt", "certs/nothing.crt").Replace("model/gateway.party", "model", StringComparison.Ordinal)));
        _folder.Write("deploy/certs/empty.crt", "");
        Assert.Equal(
            "config/local/x.yaml:8:7: tls.ca: deploy/certs/empty.crt: the file is empty (a device or pipe, with no length, is not read)",
            ErrorsOf(Change("certs/ca.crt", "certs/empty.crt")));
    }

    [Fact]
    public void Environment_variables_override_the_tls_certificate_and_password_file()
    {
        string pfx = _folder.Write("secrets/A.pfx", "stand-in");
        string password = _folder.Write("secrets/A.password", "stand-in");
        _folder.Write(X, Change("certs/A.pfx", "certs/not-here.pfx"));

        TlsConfig tls = _folder.LoadNode(X, ("SECO_TLS_CERTIFICATE", pfx), ("SECO_TLS_PASSWORD_FILE", password)).Tls;

        Assert.Equal((pfx, password), (tls.CertificateFile, tls.PasswordFile));
        // An empty variable is not set.
        Assert.Equal(_folder.PathOf("deploy/certs/A.pfx"), _folder.LoadNode("config/local/A.yaml", ("SECO_TLS_CERTIFICATE", "")).Tls.CertificateFile);
    }

    [Fact]
    public void An_environment_override_that_names_a_missing_file_is_reported_with_the_variable()
    {
        _folder.Write(X, Gateway);
        // tls.password_file is not in the file: its override is reported at tls.
        Assert.Equal(
            """
            config/local/x.yaml:8:3: tls.password_file: SECO_TLS_PASSWORD_FILE (which overrides this key): file not found: secrets/none.password
            config/local/x.yaml:9:16: tls.certificate: SECO_TLS_CERTIFICATE (which overrides this key): file not found: secrets/none.pfx
            """,
            _folder.NodeErrors(X, ("SECO_TLS_CERTIFICATE", _folder.PathOf("secrets/none.pfx")), ("SECO_TLS_PASSWORD_FILE", _folder.PathOf("secrets/none.password"))));
    }

    [Fact]
    public void Server_names_follow_the_party_name_rules_and_differ_in_more_than_case()
    {
        Assert.Equal(
            """
            config/local/x.yaml:5:3: servers.user: 'user' is reserved for the user party
            config/local/x.yaml:6:3: servers.a: 'A' (at 4:3) differs from this name only in case; names must differ in more than case
            """, ErrorsOf(Change("  B:", "  user:").Replace("  C:", "  a:", StringComparison.Ordinal)));
        Assert.Equal(
            "config/local/x.yaml:5:3: servers.2B: invalid name '2B': must match ^[A-Za-z][A-Za-z0-9_-]{0,31}$ (a letter, then up to 31 letters, digits, '_' or '-')",
            ErrorsOf(Change("  B:", "  2B:")));
    }

    [Fact]
    public void A_server_host_is_an_address_peers_can_reach()
    {
        Assert.Equal(
            """
            config/local/x.yaml:5:29: servers.B.host: 0.0.0.0 is the wildcard address, which no one can connect to; give the address this server is reached at
            config/local/x.yaml:6:31: servers.C.host: expected an IP address or a DNS name, got 'b c'
            """, ErrorsOf(Change("host: 127.0.0.1, port: 25521", "host: 0.0.0.0, port: 25521").Replace("host: 127.0.0.1, port: 25522", "host: b c, port: 25522", StringComparison.Ordinal)));
        _folder.Write(X, Change("host: 127.0.0.1, port: 25521", "host: garbler.example.org, port: 25521").Replace("host: 127.0.0.1, port: 25522", "host: \"::1\", port: 25522", StringComparison.Ordinal));
        Assert.Equal(["127.0.0.1", "garbler.example.org", "::1"], _folder.LoadNode(X).Servers.Select(s => s.Host));
    }

    [Fact]
    public void Ports_are_between_1_and_65535()
    {
        Assert.Equal(
            """
            config/local/x.yaml:4:46: servers.A.port: out of range: got 0, must be between 1 and 65535
            config/local/x.yaml:13:9: door.port: out of range: got 65536, must be between 1 and 65535
            """, ErrorsOf(Change("port: 25520", "port: 0").Replace("port: 25500", "port: 65536", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_deployment_label_is_printable_text_on_one_line()
    {
        Assert.Equal(
            "config/local/x.yaml:2:13: deployment: must be printable text on one line; character 3 is a control character (\\e)",
            ErrorsOf(Change("deployment: test", "deployment: \"ab\\ecd\"")));
    }

    [Fact]
    public void Wrong_shapes_are_reported_as_such()
    {
        Assert.Equal("config/local/x.yaml:1:1: expected a mapping of node keys (node, deployment, servers, tls, model, door, failure), got a list",
            ErrorsOf("- node: A\n"));
        string[] lines = Gateway.Split('\n');
        Assert.Equal("config/local/x.yaml:3:10: servers: expected a mapping, got a list",
            ErrorsOf(string.Join('\n', [.. lines[..2], "servers: [A, B, C]", .. lines[6..]])));
        Assert.Equal("config/local/x.yaml:1:1: the file is empty; a node configuration needs at least node, deployment, servers, tls and model",
            ErrorsOf("# nothing yet\n"));
        Assert.Contains("config/local/x.yaml:3:10: aliases (*a) are not supported in node configuration files; write the value out",
            ErrorsOf("node: &a A\ndeployment: x\nservers: *a\n").Split('\n'));
    }

    [Fact]
    public void A_missing_node_file_is_a_file_not_found_exception_and_a_directory_an_error()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => NodeConfigLoader.Load(_folder.PathOf("config/none.yaml")));
        Assert.Equal($"node configuration file not found: {_folder.PathOf("config/none.yaml")}", missing.Message);
        Assert.Equal("config/local: is a directory; expected a node configuration file (YAML)", _folder.NodeErrors("config/local"));
    }
}
