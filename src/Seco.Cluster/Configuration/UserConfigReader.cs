using Seco.Scenarios.Loading;

namespace Seco.Cluster.Configuration;

/// <summary>Reads a user's file into a <see cref="UserConfig"/>, collecting every error (format: docs/cluster.md).</summary>
internal sealed class UserConfigReader(ConfigReader reader)
{
    /// <summary>The most queries one run of <c>seco user</c> asks for.</summary>
    public const int MaxQueries = 1_000_000;

    public static readonly TimeSpan DefaultQueryDeadline = FailureSettings.Default.QueryDeadline;

    private static readonly string[] Keys = ["user", "door", "tls", "model", "reference_model", "images", "queries", "query_deadline", "memory_limit"];

    private LoadContext Context => reader.Context;

    public UserConfig? Read(SourceNode root)
    {
        if (root is not SourceMapping mapping)
        {
            Context.TypeError(root, "", "a mapping of user keys (user, door, tls, model, ...)");
            return null;
        }
        var fields = new MappingReader(Context, mapping, "", Keys);
        string? user = fields.Require("user") is { } u ? reader.ReadName(u, "user", server: false) : null;
        DoorAddress? door = fields.Require("door") is { } d ? ReadDoor(d, "door") : null;
        TlsConfig? tls = fields.Require("tls") is { } t ? reader.ReadTls(t, "tls") : null;
        string? model = fields.Require("model") is { } m ? Context.ReadExistingFile(m, "model") : null;
        string? reference = reader.ReadOptionalFile(fields, "reference_model");
        string? images = reader.ReadOptionalFile(fields, "images");
        int? queries = fields.Get("queries") is { } q ? Context.ReadInt(q, "queries", 1, MaxQueries) : 1;
        TimeSpan? deadline = fields.Get("query_deadline") is { } qd
            ? reader.ReadDuration(qd, "query_deadline", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24))
            : DefaultQueryDeadline;
        long? memoryLimit = reader.ReadMemoryLimit(fields);
        if (Context.ErrorCount > 0 || user is null || door is null || tls is null || model is null || queries is null || deadline is null)
            return null;
        return new UserConfig(user, door, tls, model, reference, images, queries.Value, deadline.Value, Context.SourceMap()) { MemoryLimit = memoryLimit };
    }

    private DoorAddress? ReadDoor(SourceNode node, string path)
    {
        if (Context.ExpectMapping(node, path) is not { } mapping)
            return null;
        var fields = new MappingReader(Context, mapping, path, "host", "port", "server_name", "certificate", "fingerprint");
        string? host = fields.Require("host") is { } h ? reader.ReadHost(h, fields.PathOf("host"), listen: false) : null;
        int? port = fields.Require("port") is { } p ? reader.ReadPort(p, fields.PathOf("port")) : null;
        string? serverName = fields.Get("server_name") is { } s ? reader.ReadHost(s, fields.PathOf("server_name"), listen: false) : host;
        PeerPin? pin = reader.ReadPin(fields, "the gateway's certificate");
        return host is null || port is null || serverName is null || pin is null ? null : new DoorAddress(host, port.Value, serverName, pin);
    }
}
