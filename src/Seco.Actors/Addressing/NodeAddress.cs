using System.Text.RegularExpressions;

namespace Seco.Actors.Addressing;

/// <summary>
/// Where an actor system lives: <c>seco://&lt;system&gt;@&lt;host&gt;:&lt;port&gt;</c>. As in Akka, the system
/// name is the deployment's name (the same on every node) and host:port tell the nodes apart. In the
/// simulator the host is the party's name and the port a nominal one.
/// </summary>
public sealed partial record NodeAddress
{
    public const string Scheme = "seco";

    public NodeAddress(string system, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(host);
        if (!NamePattern().IsMatch(system))
            throw new ArgumentException($"system name '{system}' must match {NamePattern()}", nameof(system));
        if (!HostPattern().IsMatch(host))
            throw new ArgumentException($"host '{host}' must be a DNS name or an IPv4 address ({HostPattern()})", nameof(host));
        if (port is < 0 or > 65535)
            throw new ArgumentOutOfRangeException(nameof(port), port, "port must be 0..65535");
        System = system;
        Host = host;
        Port = port;
    }

    public string System { get; }

    public string Host { get; }

    public int Port { get; }

    public override string ToString() => $"{Scheme}://{System}@{Host}:{Port}";

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    internal static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$")]
    internal static partial Regex HostPattern();
}
