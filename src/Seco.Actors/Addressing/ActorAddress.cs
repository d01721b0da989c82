using System.Globalization;
using System.Text.RegularExpressions;

namespace Seco.Actors.Addressing;

/// <summary>
/// An actor's full address, <c>seco://&lt;system&gt;@&lt;host&gt;:&lt;port&gt;/&lt;path&gt;</c>, e.g.
/// <c>seco://echo@B:7100/tier/echo</c>. The path is one or more segments of letters, digits, '_', '-' and '.'.
/// </summary>
public sealed partial record ActorAddress
{
    public ActorAddress(NodeAddress node, string path)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(path);
        if (ProblemWithPath(path) is { } problem)
            throw new ArgumentException(problem, nameof(path));
        Node = node;
        Path = path;
    }

    public NodeAddress Node { get; }

    /// <summary>Starts with '/', e.g. "/tier/echo".</summary>
    public string Path { get; }

    public override string ToString() => $"{Node}{Path}";

    /// <summary>Parses <c>seco://system@host:port/path</c>.</summary>
    /// <exception cref="FormatException">Not an actor address; the message says which part is wrong.</exception>
    public static ActorAddress Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Match m = AddressPattern().Match(text);
        if (!m.Success)
            throw new FormatException($"'{text}' is not an actor address of the form {NodeAddress.Scheme}://<system>@<host>:<port>/<path>");
        if (!int.TryParse(m.Groups["port"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > 65535)
            throw new FormatException($"'{text}': port must be 0..65535");
        try
        {
            return new ActorAddress(new NodeAddress(m.Groups["system"].Value, m.Groups["host"].Value, port), m.Groups["path"].Value);
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{text}': {e.Message}", e);
        }
    }

    /// <summary>Why <paramref name="path"/> is not a valid actor path, or null if it is.</summary>
    public static string? ProblemWithPath(string path)
    {
        if (path.Length is < 2 or > 512 || path[0] != '/')
            return $"actor path '{path}' must start with '/' and have 2..512 characters";
        foreach (string segment in path[1..].Split('/'))
        {
            if (!SegmentPattern().IsMatch(segment))
                return $"actor path '{path}': segment '{segment}' must match {SegmentPattern()}";
        }
        return null;
    }

    [GeneratedRegex("^seco://(?<system>[^@/]+)@(?<host>[^:/]+):(?<port>[0-9]{1,5})(?<path>/.*)$")]
    private static partial Regex AddressPattern();

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    internal static partial Regex SegmentPattern();
}
