using System.Net;
using Seco.Scenarios;
using Seco.Scenarios.Loading;

namespace Seco.Cluster.Configuration;

/// <summary>
/// Reads what node and user files share — names, hosts, ports, durations, certificate pins, the
/// <c>tls</c> section and its environment overrides — on top of the scenario loader's
/// <see cref="LoadContext"/>. Like it, each method returns null after reporting why (or for an
/// absent optional key); callers compare <see cref="LoadContext.ErrorCount"/>.
/// </summary>
internal sealed class ConfigReader(LoadContext context, Func<string, string?> environment)
{
    /// <summary>Environment variables that override <c>tls.certificate</c> and <c>tls.password_file</c>.</summary>
    public const string CertificateVariable = "SECO_TLS_CERTIFICATE", PasswordFileVariable = "SECO_TLS_PASSWORD_FILE";

    /// <summary>The longest <c>deployment</c> label.</summary>
    public const int MaxLabelLength = 100;

    public LoadContext Context => context;

    /// <summary>True for an absent key and for one set to null (<c>images: null</c>): both mean "not given".</summary>
    public static bool IsAbsent(SourceNode? node) => node is null or SourceScalar { Kind: ScalarKind.Null };

    /// <summary>A server's name (<see cref="PartyName"/> rules, not "user") or a user's name (the same pattern).</summary>
    public string? ReadName(SourceNode node, string path, bool server)
    {
        if (context.ReadString(node, path) is not { } name)
            return null;
        if (NameProblem(name, server) is { } problem)
        {
            context.Error(node.Location, path, problem);
            return null;
        }
        return name;
    }

    /// <summary>
    /// The entries of a mapping keyed by names (<c>servers</c>, <c>door.users</c>) in file order.
    /// Keys that are not valid names, repeat an earlier one or differ from it only in case are
    /// reported and skipped; <paramref name="allNamesRead"/> then says the list is incomplete.
    /// </summary>
    public List<(string Name, SourceScalar Key, SourceNode Value)> ReadNamedEntries(SourceMapping mapping, string path, bool servers, out bool allNamesRead)
    {
        var entries = NamedEntries.Read(context, mapping, path, "names", StringComparer.OrdinalIgnoreCase, name => NameProblem(name, servers));
        allNamesRead = entries.Count == mapping.Entries.Count;
        return entries;
    }

    /// <summary>
    /// An IP address or a DNS name. A wildcard address (0.0.0.0, ::) is refused unless
    /// <paramref name="listen"/>: peers cannot connect to it.
    /// </summary>
    public string? ReadHost(SourceNode node, string path, bool listen)
    {
        if (context.ReadString(node, path) is not { } host)
            return null;
        if (host.Length > 253 || Uri.CheckHostName(host) is UriHostNameType.Unknown or UriHostNameType.Basic)
        {
            context.Error(node.Location, path, $"expected an IP address or a DNS name, got '{SourceScalar.Shorten(host)}'");
            return null;
        }
        if (!listen && IPAddress.TryParse(host, out IPAddress? address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)))
        {
            context.Error(node.Location, path, $"{host} is the wildcard address, which no one can connect to; give the address this server is reached at");
            return null;
        }
        return host;
    }

    public int? ReadPort(SourceNode node, string path) => context.ReadInt(node, path, 1, 65535);

    /// <summary>A duration (<see cref="ConfigDuration"/>) between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public TimeSpan? ReadDuration(SourceNode node, string path, TimeSpan min, TimeSpan max)
    {
        if (node is not SourceScalar { Kind: not ScalarKind.Null } scalar)
        {
            context.TypeError(node, path, ConfigDuration.Expected);
            return null;
        }
        if (ConfigDuration.Parse(scalar.Value) is not { } duration)
        {
            string hint = scalar.Kind is ScalarKind.Integer or ScalarKind.Float ? " (add a unit: ms, s, m or h)" : "";
            context.Error(node.Location, path, $"expected {ConfigDuration.Expected} (a whole number and a unit), got {scalar.Describe()}{hint}");
            return null;
        }
        if (duration < min || duration > max)
        {
            context.Error(node.Location, path,
                $"out of range: got {SourceScalar.Shorten(scalar.Value)}, must be between {ConfigDuration.Format(min)} and {ConfigDuration.Format(max)}");
            return null;
        }
        return duration;
    }

    /// <summary>The smallest and largest <c>memory_limit</c> a node or user file may give.</summary>
    public const long MinMemoryLimit = 256L << 20, MaxMemoryLimit = 1L << 40;

    /// <summary>
    /// The optional <c>memory_limit</c>: the process's managed-heap limit (<see cref="ConfigByteSize"/>, 256 MiB to 1 TiB),
    /// or null when absent (the runtime's default: most of the machine's memory).
    /// </summary>
    public long? ReadMemoryLimit(MappingReader fields)
    {
        if (fields.Get("memory_limit") is not { } node || IsAbsent(node))
            return null;
        string path = fields.PathOf("memory_limit");
        if (node is not SourceScalar { Kind: not ScalarKind.Null } scalar)
        {
            context.TypeError(node, path, ConfigByteSize.Expected);
            return null;
        }
        if (ConfigByteSize.Parse(scalar.Value) is not { } bytes)
        {
            string hint = scalar.Kind is ScalarKind.Integer or ScalarKind.Float ? " (add a unit: MiB, GiB, MB or GB)" : "";
            context.Error(node.Location, path, $"expected {ConfigByteSize.Expected}, got {scalar.Describe()}{hint}");
            return null;
        }
        if (bytes < MinMemoryLimit || bytes > MaxMemoryLimit)
        {
            context.Error(node.Location, path,
                $"out of range: got {SourceScalar.Shorten(scalar.Value)}, must be between {ConfigByteSize.Format(MinMemoryLimit)} and {ConfigByteSize.Format(MaxMemoryLimit)}");
            return null;
        }
        return bytes;
    }

    /// <summary>The file an optional key names; null when it is absent or null (<c>images: null</c>), or reported.</summary>
    public string? ReadOptionalFile(MappingReader fields, string key) =>
        fields.Get(key) is { } node && !IsAbsent(node) ? context.ReadExistingFile(node, fields.PathOf(key)) : null;

    /// <summary>
    /// The pin set by exactly one of <c>certificate</c> (a PEM file) and <c>fingerprint</c>
    /// (SHA-256) in <paramref name="fields"/>. <paramref name="whose"/> names the certificate in
    /// messages: "B's certificate", "the gateway's certificate".
    /// </summary>
    public PeerPin? ReadPin(MappingReader fields, string whose)
    {
        bool hasCertificate = fields.Has("certificate"), hasFingerprint = fields.Has("fingerprint");
        if (hasCertificate && hasFingerprint)
            context.Error(fields.Mapping.Location, fields.Path,
                $"set either 'certificate' or 'fingerprint', not both: each pins {whose} on its own");
        else if (!hasCertificate && !hasFingerprint)
            context.Error(fields.Mapping.Location, fields.Path,
                $"pin {whose}: set 'certificate' (the path of its PEM file) or 'fingerprint' (its SHA-256, 64 hex digits)");
        PeerPin? pin = null;
        if (fields.Get("certificate") is { } certificate && context.ReadExistingFile(certificate, fields.PathOf("certificate")) is { } file)
            pin = new PeerPin.Certificate(file);
        if (fields.Get("fingerprint") is { } fingerprint && ReadFingerprint(fingerprint, fields.PathOf("fingerprint"), whose) is { } hex)
            pin = new PeerPin.Fingerprint(hex);
        return hasCertificate != hasFingerprint ? pin : null;
    }

    /// <summary><c>tls</c>: <c>ca</c>, <c>certificate</c> and <c>password_file</c>, with their environment overrides.</summary>
    public TlsConfig? ReadTls(SourceNode node, string path)
    {
        if (context.ExpectMapping(node, path) is not { } mapping)
            return null;
        var fields = new MappingReader(context, mapping, path, "ca", "certificate", "password_file");
        string? ca = fields.Require("ca") is { } caNode ? context.ReadExistingFile(caNode, fields.PathOf("ca")) : null;
        string? certificate = ReadOverridableFile(fields, "certificate", CertificateVariable, required: true);
        string? password = ReadOverridableFile(fields, "password_file", PasswordFileVariable, required: false);
        return ca is null || certificate is null ? null : new TlsConfig(ca, certificate, password);
    }

    /// <summary>
    /// The file named by <paramref name="variable"/> when it is set (not empty), resolved against
    /// the working directory — the key's own value is then not read, and the key may be left
    /// out; otherwise the file the key names.
    /// </summary>
    private string? ReadOverridableFile(MappingReader fields, string key, string variable, bool required)
    {
        string path = fields.PathOf(key);
        if (environment(variable) is { Length: > 0 } value)
        {
            SourceLocation at = fields.Get(key)?.Location ?? fields.Mapping.Location;
            return context.CheckExistingFile(value, Environment.CurrentDirectory, at, path, $"{variable} (which overrides this key): ");
        }
        if (required)
            return fields.Require(key) is { } node ? context.ReadExistingFile(node, path) : null;
        return ReadOptionalFile(fields, key);
    }

    private string? ReadFingerprint(SourceNode node, string path, string whose)
    {
        if (context.ReadString(node, path) is not { } text)
            return null;
        if (PinnedFingerprint.Normalize(text) is { } hex)
            return hex;
        string message = text.StartsWith("paste", StringComparison.OrdinalIgnoreCase)
            ? $"placeholder not replaced: paste the SHA-256 fingerprint of {whose} here (64 hex digits; `seco certs` lists them in fingerprints.txt)"
            : $"expected a SHA-256 fingerprint (64 hex digits, ':' separators allowed), got '{SourceScalar.Shorten(text)}'";
        context.Error(node.Location, path, message);
        return null;
    }

    private static string? NameProblem(string name, bool server) =>
        server || !PartyName.IsValid(name) ? PartyName.ProblemWithServerName(name) : null;
}
