using System.Text.RegularExpressions;

namespace Seco.Scenarios;

/// <summary>
/// The rules for naming a party (the gateway, a remote server) or a tier: a letter, then up to
/// 31 letters, digits, '_' or '-'. Names appear in reports, log lines and node configurations, so
/// they are kept short and shell-safe. References are case-sensitive, but two parties may not
/// differ only in case (it is too easy to confuse "b" with "B" in a report). "user" is reserved
/// for the party that holds the input.
/// </summary>
public static partial class PartyName
{
    public const string User = "user";

    public const string Pattern = "^[A-Za-z][A-Za-z0-9_-]{0,31}$";

    public static bool IsValid(string? name) => name is not null && NameRegex().IsMatch(name);

    /// <summary>"user", and "user-1", "user-2", … — the users of a run with several (<see cref="Users"/>).</summary>
    public static bool IsReserved(string name) => string.Equals(name, User, StringComparison.OrdinalIgnoreCase)
        || (name.StartsWith(User + "-", StringComparison.OrdinalIgnoreCase) && name.Length > User.Length + 1 && name[(User.Length + 1)..].All(char.IsAsciiDigit));

    /// <summary>The users of a run with <paramref name="count"/> of them: "user" alone, else "user-1" … "user-N".</summary>
    public static IReadOnlyList<string> Users(int count) => count == 1 ? [User] : [.. Enumerable.Range(1, count).Select(k => $"{User}-{k}")];

    /// <summary>Why <paramref name="name"/> cannot name a gateway or a server, or null if it can.</summary>
    public static string? ProblemWithServerName(string name)
    {
        if (!IsValid(name))
            return $"invalid name '{name}': must match {Pattern} (a letter, then up to 31 letters, digits, '_' or '-')";
        if (IsReserved(name))
            return string.Equals(name, User, StringComparison.OrdinalIgnoreCase)
                ? $"'{name}' is reserved for the user party"
                : $"'{name}' is reserved for the users of a load (user-1, user-2, …)";
        return null;
    }

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();
}
