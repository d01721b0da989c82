using Seco.Cluster.Configuration;
using Xunit;

namespace Seco.Cluster.Tests.Configuration;

/// <summary>A user file's mistakes, reported like a node file's (<see cref="NodeConfigErrorTests"/>).</summary>
public sealed class UserConfigErrorTests : IDisposable
{
    /// <summary>A valid user file, 8 lines.</summary>
    private const string User =
        """
        user: alice
        door: { host: gateway.example.org, port: 25500, fingerprint: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }
        tls:
          ca: ../../deploy/certs/ca.crt
          certificate: ../../deploy/certs/user.pfx
          password_file: ../../deploy/certs/user.crt
        model: ../../deploy/model/user.party

        """;

    private readonly ConfigFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Change(string from, string to) => ConfigFolder.Change(User, from, to);

    [Fact]
    public void Optional_keys_take_their_defaults_and_server_name_defaults_to_the_host()
    {
        _folder.Write("config/local/x.yaml", User + "images: null\n");
        UserConfig config = _folder.LoadUser("config/local/x.yaml");

        Assert.Equal(("gateway.example.org", 25500, "gateway.example.org"), (config.Door.Host, config.Door.Port, config.Door.ServerName));
        Assert.Equal(new PeerPin.Fingerprint("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"), config.Door.Gateway);
        Assert.Equal(_folder.PathOf("deploy/certs/user.crt"), config.Tls.PasswordFile);
        Assert.Equal((null, null, 1, TimeSpan.FromMinutes(10)), (config.ReferenceModelFile, config.ImagesFile, config.Queries, config.QueryDeadline));
    }

    [Fact]
    public void A_memory_limit_caps_the_users_heap_and_a_bare_number_is_refused()
    {
        _folder.Write("config/local/x.yaml", User + "memory_limit: 1.5GiB\n");
        Assert.Equal(1536L << 20, _folder.LoadUser("config/local/x.yaml").MemoryLimit);
        Assert.Contains("memory_limit: expected a size such as 512MiB, 3.5GiB or 4GB, got an integer (2) (add a unit: MiB, GiB, MB or GB)",
            _folder.UserErrorsOf(User + "memory_limit: 2\n"));
    }

    [Fact]
    public void Every_error_is_reported_at_once_with_its_position_and_field()
    {
        string text = Change("user: alice", "user: 9lives")
            .Replace("host: gateway.example.org", "host: 0.0.0.0", StringComparison.Ordinal)
            .Replace("../../deploy/model/user.party", "../../deploy/model/nothing.party", StringComparison.Ordinal)
            + "reference_modle: ../../models/minionn.onnx\nqueries: 0\nquery_deadline: 10\n";

        Assert.Equal(
            """
            config/local/x.yaml:1:7: user: invalid name '9lives': must match ^[A-Za-z][A-Za-z0-9_-]{0,31}$ (a letter, then up to 31 letters, digits, '_' or '-')
            config/local/x.yaml:2:15: door.host: 0.0.0.0 is the wildcard address, which no one can connect to; give the address this server is reached at
            config/local/x.yaml:7:8: model: file not found: deploy/model/nothing.party
            config/local/x.yaml:8:1: reference_modle: unknown key (did you mean 'reference_model'?)
            config/local/x.yaml:9:10: queries: out of range: got 0, must be between 1 and 1000000
            config/local/x.yaml:10:17: query_deadline: expected a duration such as 500ms, 5s, 2m or 1h (a whole number and a unit), got an integer (10) (add a unit: ms, s, m or h)
            """, _folder.UserErrorsOf(text));
    }

    [Fact]
    public void The_gateway_is_pinned_by_exactly_one_of_certificate_and_fingerprint()
    {
        Assert.Equal(
            "config/local/x.yaml:2:7: door: pin the gateway's certificate: set 'certificate' (the path of its PEM file) or 'fingerprint' (its SHA-256, 64 hex digits)",
            _folder.UserErrorsOf(Change("port: 25500, fingerprint: \"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"", "port: 25500")));
        Assert.Equal(
            "config/local/x.yaml:2:7: door: set either 'certificate' or 'fingerprint', not both: each pins the gateway's certificate on its own",
            _folder.UserErrorsOf(Change("port: 25500,", "port: 25500, certificate: ../../deploy/certs/A.crt,")));
    }

    [Fact]
    public void An_environment_override_that_names_a_missing_file_is_reported_with_the_variable()
    {
        _folder.Write("config/local/x.yaml", User);
        Assert.Equal(
            "config/local/x.yaml:6:18: tls.password_file: SECO_TLS_PASSWORD_FILE (which overrides this key): file not found: nowhere/pw",
            _folder.UserErrors("config/local/x.yaml", ("SECO_TLS_PASSWORD_FILE", _folder.PathOf("nowhere/pw"))));
    }

    [Fact]
    public void The_user_file_has_no_server_keys()
    {
        Assert.Equal(
            """
            config/local/x.yaml:8:1: servers: unknown key (expected one of: user, door, tls, model, reference_model, images, queries, query_deadline, memory_limit)
            """, _folder.UserErrorsOf(User + "servers: {}\n"));
    }
}
