using System.Globalization;
using System.Text.RegularExpressions;

namespace Seco.Cluster.Configuration;

/// <summary>
/// Durations as configuration files write them: a whole number and a unit, <c>500ms</c>,
/// <c>5s</c>, <c>2m</c>, <c>1h</c>. No fractions, spaces or compound forms: each key's bounds
/// are far wider than a unit's step, so one number and one unit says every useful value.
/// </summary>
internal static partial class ConfigDuration
{
    /// <summary>"a duration such as 500ms, 5s, 2m or 1h": what a message says is expected.</summary>
    public const string Expected = "a duration such as 500ms, 5s, 2m or 1h";

    /// <summary>
    /// The duration <paramref name="text"/> says, or null if it is not one. More than 9 digits
    /// give <see cref="TimeSpan.MaxValue"/>: out of every key's range, not malformed.
    /// </summary>
    public static TimeSpan? Parse(string text)
    {
        Match match = DurationRegex().Match(text);
        if (!match.Success)
            return null;
        string digits = match.Groups[1].Value.TrimStart('0');
        if (digits.Length > 9)
            return TimeSpan.MaxValue;
        long count = digits.Length == 0 ? 0 : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        // At most 999,999,999 hours: 3.6e15 ms would overflow TimeSpan, so clamp at its maximum.
        long milliseconds = match.Groups[2].Value switch
        {
            "ms" => count,
            "s" => count * 1000,
            "m" => count * 60_000,
            _ => count * 3_600_000,
        };
        return milliseconds >= (long)TimeSpan.MaxValue.TotalMilliseconds ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(milliseconds);
    }

    /// <summary>The duration in the largest unit that says it exactly: 1h, 90s, 1500ms.</summary>
    public static string Format(TimeSpan duration)
    {
        long ms = (long)duration.TotalMilliseconds;
        return ms % 3_600_000 == 0 && ms > 0 ? $"{ms / 3_600_000}h"
            : ms % 60_000 == 0 && ms > 0 ? $"{ms / 60_000}m"
            : ms % 1000 == 0 && ms > 0 ? $"{ms / 1000}s"
            : $"{ms}ms";
    }

    [GeneratedRegex("^([0-9]+)(ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationRegex();
}
