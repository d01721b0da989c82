using System.Net;
using System.Net.Sockets;

namespace Seco.Cluster.Security;

/// <summary>A server to make a certificate for: its party name (the CN) and the host its peers dial (the SAN).</summary>
public sealed record DevServer(string Name, string Host);

/// <summary>
/// Who `seco certs` makes certificates for, checked: names are 1–32 characters of [A-Za-z0-9_-] (they become file
/// names and config keys), distinct ignoring case (a case-insensitive file system would merge "A.pfx" and "a.pfx"),
/// a user is never also a server, and every host is an IP address or a DNS name.
/// </summary>
public sealed class DevCertificatePlan
{
    public const int MaxNameLength = 32;

    /// <summary>The SAN of a server whose host is not given: every node on one machine.</summary>
    public const string DefaultHost = "127.0.0.1";

    /// <summary>Names whose files would collide with the CA files (ca.crt, user-ca.crt).</summary>
    private static readonly string[] Reserved = ["ca", "user-ca"];

    private DevCertificatePlan(IReadOnlyList<DevServer> servers, IReadOnlyList<string> users)
    {
        Servers = servers;
        Users = users;
    }

    public IReadOnlyList<DevServer> Servers { get; }

    public IReadOnlyList<string> Users { get; }

    /// <param name="hosts">Server name → host; servers not named get <see cref="DefaultHost"/>.</param>
    /// <exception cref="DevCertificateException">The first problem, in one line.</exception>
    public static DevCertificatePlan Create(IEnumerable<string> servers, IEnumerable<string>? users = null, IReadOnlyDictionary<string, string>? hosts = null)
    {
        List<string> serverNames = servers.ToList();
        List<string> userNames = users?.ToList() ?? [];
        hosts ??= new Dictionary<string, string>();
        if (serverNames.Count == 0) throw new DevCertificateException("at least one server is required");
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach ((string name, string role) in serverNames.Select(n => (n, "server")).Concat(userNames.Select(n => (n, "user"))))
        {
            if (NameProblem(name) is { } problem) throw new DevCertificateException($"{role} {problem}");
            if (!seen.TryAdd(name, role))
            {
                string other = seen[name];
                throw new DevCertificateException(other == role
                    ? $"{role} name '{name}' is given twice (names are compared ignoring case)"
                    : $"'{name}' is both a server and a user; a user needs a name of its own (names are compared ignoring case)");
            }
        }
        foreach ((string name, string host) in hosts)
        {
            if (!serverNames.Contains(name, StringComparer.Ordinal))
                throw new DevCertificateException($"a host is given for '{CertificateText.Safe(name)}', which is not one of the servers {string.Join(", ", serverNames)}");
            if (HostProblem(host) is { } problem) throw new DevCertificateException($"host of {name}: {problem}");
        }
        var planned = serverNames.Select(n => new DevServer(n, hosts.TryGetValue(n, out string? h) ? Normalize(h) : DefaultHost)).ToList();
        return new DevCertificatePlan(planned, userNames);
    }

    /// <summary>Why <paramref name="name"/> cannot be a party or user name, or null.</summary>
    public static string? NameProblem(string name)
    {
        string shown = $"'{CertificateText.Safe(name)}'";
        if (name.Length == 0) return "name is empty";
        if (name.Length > MaxNameLength) return $"name {shown} is longer than {MaxNameLength} characters";
        if (name.FirstOrDefault(c => !(char.IsAsciiLetterOrDigit(c) || c is '_' or '-')) is var bad and not '\0')
            return $"name {shown} has '{CertificateText.Safe(bad.ToString())}'; use letters, digits, '_' and '-'";
        if (Reserved.Contains(name, StringComparer.OrdinalIgnoreCase)) return $"name {shown} is taken by the CA files";
        return null;
    }

    /// <summary>Why <paramref name="host"/> cannot be a server's SAN, or null: an IPv4 address in dotted form, an IPv6 address, or a DNS name.</summary>
    public static string? HostProblem(string host)
    {
        string shown = $"'{CertificateText.Safe(host)}'";
        if (host.Length == 0) return "host is empty";
        // Digits and dots only: IPAddress.TryParse would read "10.1" as 10.0.0.1; ask for all four parts.
        if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            return host.Split('.') is { Length: 4 } parts && parts.All(p => p.Length is > 0 and <= 3 && int.Parse(p) <= 255)
                ? null : $"{shown} is not an IPv4 address (four numbers 0-255 separated by dots)";
        }
        if (host.Contains(':'))
        {
            return IPAddress.TryParse(host, out IPAddress? ip) && ip.AddressFamily == AddressFamily.InterNetworkV6 && ip.ScopeId == 0 && !host.Contains('%')
                ? null : $"{shown} is not an IPv6 address";
        }
        if (host.Length > 253) return $"{shown} is longer than 253 characters, the limit of a DNS name";
        string[] labels = host.TrimEnd('.').Split('.');
        if (labels.Any(l => l.Length is 0 or > 63 || l[0] == '-' || l[^1] == '-' || !l.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
            return $"{shown} is neither an IP address nor a DNS name (labels of letters, digits and '-', 1-63 characters, separated by dots)";
        return null;
    }

    /// <summary>IPv6 in its canonical form; a DNS name without the root dot (SAN entries carry none).</summary>
    private static string Normalize(string host) =>
        host.Contains(':') ? IPAddress.Parse(host).ToString() : host.TrimEnd('.');
}
