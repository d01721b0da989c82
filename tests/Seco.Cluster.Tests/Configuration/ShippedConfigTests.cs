using Seco.Cluster.Configuration;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Cluster.Tests.Configuration;

/// <summary>
/// The shipped configurations (config/local, config/example-vms) load, in a temporary copy that
/// holds the files they name: deploy/ is made on the machine by `seco certs` and `seco split`.
/// </summary>
public sealed class ShippedConfigTests : IDisposable
{
    private const string Placeholder = "paste-the-fingerprint-from-fingerprints.txt";

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void The_local_gateway_file_loads_with_its_door_and_default_failure_settings()
    {
        NodeConfig a = _folder.LoadNode("config/local/A.yaml");

        Assert.Equal("A", a.Node);
        Assert.Equal("local", a.Deployment);
        Assert.Equal(
        [
            new ServerEntry("A", Party.Gateway, "127.0.0.1", 25520, new PeerPin.Certificate(_folder.PathOf("deploy/certs/A.crt"))) { BulkPort = 25620 },
            new ServerEntry("B", Party.Garbler, "127.0.0.1", 25521, new PeerPin.Certificate(_folder.PathOf("deploy/certs/B.crt"))),
            new ServerEntry("C", Party.Evaluator, "127.0.0.1", 25522, new PeerPin.Certificate(_folder.PathOf("deploy/certs/C.crt"))),
        ], a.Servers);
        Assert.Same(a.Servers[0], a.Self);
        Assert.Same(a.Servers[0], a.Gateway);
        Assert.Equal(new TlsConfig(_folder.PathOf("deploy/certs/ca.crt"), _folder.PathOf("deploy/certs/A.pfx"), null), a.Tls);
        Assert.Equal(_folder.PathOf("deploy/model/gateway.party"), a.ModelFile);
        DoorConfig door = Assert.IsType<DoorConfig>(a.Door);
        Assert.Equal(("127.0.0.1", 25500, _folder.PathOf("deploy/certs/user-ca.crt")), (door.Host, door.Port, door.UserCaFile));
        Assert.Equal(new PeerPin.Certificate(_folder.PathOf("deploy/certs/user.crt")), Assert.Single(door.PinnedUsers, u => u.Key == "user").Value);
        Assert.Equal(FailureSettings.Default, a.Failure);
        Assert.Equal(new Seco.Scenarios.SourceLocation(16, 8), a.Source.Locate("model"));
    }

    [Theory]
    [InlineData("B", "t1s0")]
    [InlineData("C", "t1s1")]
    public void The_local_remote_server_files_load_without_a_door(string node, string model)
    {
        NodeConfig config = _folder.LoadNode($"config/local/{node}.yaml");

        Assert.Equal((node, model), (config.Self.Name, config.Self.Role.Slug));
        Assert.Null(config.Door);
        Assert.Equal(_folder.PathOf($"deploy/certs/{node}.pfx"), config.Tls.CertificateFile);
        Assert.Equal(_folder.PathOf($"deploy/model/{model}.party"), config.ModelFile);
        Assert.Equal(["A", "B", "C"], config.Servers.Select(s => s.Name));
    }

    [Fact]
    public void The_local_user_file_loads()
    {
        UserConfig user = _folder.LoadUser("config/local/user.yaml");

        Assert.Equal("user", user.User);
        Assert.Equal(new DoorAddress("127.0.0.1", 25500, "127.0.0.1", new PeerPin.Certificate(_folder.PathOf("deploy/certs/A.crt"))), user.Door);
        Assert.Equal(new TlsConfig(_folder.PathOf("deploy/certs/ca.crt"), _folder.PathOf("deploy/certs/user.pfx"), null), user.Tls);
        Assert.Equal(_folder.PathOf("deploy/model/user.party"), user.ModelFile);
        Assert.Equal(_folder.PathOf("models/minionn.onnx"), user.ReferenceModelFile);
        Assert.Equal(_folder.PathOf("models/fashion-mnist-test-1000-images-idx3-ubyte"), user.ImagesFile);
        Assert.Equal((3, TimeSpan.FromMinutes(10)), (user.Queries, user.QueryDeadline));
    }

    [Fact]
    public void Without_deploy_the_local_file_names_each_missing_file_at_its_key()
    {
        Directory.Delete(_folder.PathOf("deploy"), recursive: true);

        Assert.Equal(
            """
            config/local/B.yaml:9:86: servers.A.certificate: file not found: deploy/certs/A.crt
            config/local/B.yaml:10:86: servers.B.certificate: file not found: deploy/certs/B.crt
            config/local/B.yaml:11:86: servers.C.certificate: file not found: deploy/certs/C.crt
            config/local/B.yaml:13:7: tls.ca: file not found: deploy/certs/ca.crt
            config/local/B.yaml:14:16: tls.certificate: file not found: deploy/certs/B.pfx
            config/local/B.yaml:16:8: model: file not found: deploy/model/t1s0.party
            """, _folder.NodeErrors("config/local/B.yaml"));
    }

    [Theory]
    [InlineData("A.yaml")]
    [InlineData("B.yaml")]
    [InlineData("C.yaml")]
    public void An_example_vm_file_is_refused_until_every_placeholder_fingerprint_is_replaced(string file)
    {
        string reason = "placeholder not replaced: paste the SHA-256 fingerprint of {0}'s certificate here "
            + "(64 hex digits; `seco certs` lists them in fingerprints.txt)";

        Assert.Equal(
            $"""
            config/example-vms/{file}:14:18: servers.A.fingerprint: {string.Format(reason, "A")}
            config/example-vms/{file}:20:18: servers.B.fingerprint: {string.Format(reason, "B")}
            config/example-vms/{file}:26:18: servers.C.fingerprint: {string.Format(reason, "C")}
            """ + (file == "A.yaml" ? "\n" + DoorUserPlaceholder : ""), _folder.NodeErrors($"config/example-vms/{file}"));
    }

    /// <summary>The gateway's file also pins the user at its door.</summary>
    private const string DoorUserPlaceholder = "config/example-vms/A.yaml:37:26: door.users.user.fingerprint: placeholder not replaced: paste the SHA-256 "
        + "fingerprint of user user's certificate here (64 hex digits; `seco certs` lists them in fingerprints.txt)";

    [Fact]
    public void The_example_user_file_is_refused_until_the_gateway_fingerprint_is_replaced()
    {
        Assert.Equal(
            "config/example-vms/user.yaml:10:16: door.fingerprint: placeholder not replaced: paste the SHA-256 fingerprint "
            + "of the gateway's certificate here (64 hex digits; `seco certs` lists them in fingerprints.txt)",
            _folder.UserErrors("config/example-vms/user.yaml"));
    }

    [Fact]
    public void The_example_vm_files_load_once_the_fingerprints_are_pasted()
    {
        string[] fingerprints = ["9F:86:D0:81:88:4C:7D:65:9A:2F:EA:A0:C5:5A:D0:15:A3:BF:4F:1B:2B:0B:82:2C:D1:5D:6C:15:B0:F0:0A:08", new string('a', 64), new string('0', 64)];
        foreach (string file in new[] { "A.yaml", "B.yaml", "C.yaml", "user.yaml" })
        {
            string path = $"config/example-vms/{file}";
            string text = File.ReadAllText(_folder.PathOf(path));
            // Each pin in turn (not the comments that mention the placeholder).
            string pin = "fingerprint: " + Placeholder;
            for (int i = 0, at; (at = text.IndexOf(pin, StringComparison.Ordinal)) >= 0; i++)
                text = string.Concat(text.AsSpan(0, at), "fingerprint: ", fingerprints[i % fingerprints.Length], text.AsSpan(at + pin.Length));
            _folder.Write(path, text);
        }

        NodeConfig a = _folder.LoadNode("config/example-vms/A.yaml");
        Assert.Equal(
        [
            new ServerEntry("A", Party.Gateway, "10.0.0.10", 25520, new PeerPin.Fingerprint("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")),
            new ServerEntry("B", Party.Garbler, "10.0.0.11", 25520, new PeerPin.Fingerprint(new string('a', 64))),
            new ServerEntry("C", Party.Evaluator, "10.0.0.12", 25520, new PeerPin.Fingerprint(new string('0', 64))),
        ], a.Servers);
        Assert.Equal(_folder.PathOf("config/example-vms/certs/A.password"), a.Tls.PasswordFile);
        // The door's user pin is the fourth placeholder of A.yaml.
        Assert.Equal(new PeerPin.Fingerprint(fingerprints[0]), Assert.Single(Assert.IsType<DoorConfig>(a.Door).PinnedUsers, u => u.Key == "user").Value);
        Assert.Equal(FailureSettings.Default, a.Failure);
        Assert.Equal(Party.Garbler, _folder.LoadNode("config/example-vms/B.yaml").Self.Role);
        Assert.Equal(Party.Evaluator, _folder.LoadNode("config/example-vms/C.yaml").Self.Role);
        Assert.Equal(_folder.PathOf("config/example-vms/model/t1s1.party"), _folder.LoadNode("config/example-vms/C.yaml").ModelFile);
        UserConfig user = _folder.LoadUser("config/example-vms/user.yaml");
        Assert.Equal(new DoorAddress("10.0.0.10", 25500, "10.0.0.10", new PeerPin.Fingerprint(fingerprints[0])), user.Door);
        Assert.Null(user.ReferenceModelFile);
        Assert.Null(user.ImagesFile);
    }

    /// <summary>config/local-2tier: gateway A and two remote tiers of two (B, C; D, E), beside config/local.</summary>
    [Theory]
    [InlineData("A", "gateway")]
    [InlineData("B", "t1s0")]
    [InlineData("C", "t1s1")]
    [InlineData("D", "t2s0")]
    [InlineData("E", "t2s1")]
    public void The_two_tier_local_files_load(string node, string position)
    {
        NodeConfig config = _folder.LoadNode($"config/local-2tier/{node}.yaml");

        Assert.Equal((node, position), (config.Self.Name, config.Self.Role.Slug));
        Assert.Equal([Party.Gateway, Party.Server(1, 0), Party.Server(1, 1), Party.Server(2, 0), Party.Server(2, 1)], config.Servers.Select(s => s.Role));
        Assert.Equal(_folder.PathOf($"deploy/2tier/model/{position}.party"), config.ModelFile);
        Assert.Equal(node == "A", config.Door is not null);
        // Ports of their own: the two local deployments run side by side.
        NodeConfig local = _folder.LoadNode("config/local/A.yaml");
        int[] ours = [.. config.Servers.SelectMany(s => new[] { s.Port, s.BulkPort })];
        Assert.Empty(ours.Intersect(local.Servers.SelectMany(s => new[] { s.Port, s.BulkPort }).Append(local.Door!.Port)));
        UserConfig user = _folder.LoadUser("config/local-2tier/user.yaml");
        Assert.Equal(_folder.PathOf("deploy/2tier/model/user.party"), user.ModelFile);
        Assert.DoesNotContain(user.Door.Port, ours);
    }
}
