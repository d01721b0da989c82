using System.Globalization;
using System.Text.RegularExpressions;

namespace Seco.Cluster.Configuration;

/// <summary>
/// Memory sizes as configuration files write them: a number and a unit, binary (<c>512MiB</c>, <c>3.5GiB</c>) or
/// decimal (<c>4GB</c>, <c>500MB</c>). A unit is required: a bare number would leave bytes and megabytes to a guess.
/// </summary>
internal static partial class ConfigByteSize
{
    /// <summary>What a message says is expected.</summary>
    public const string Expected = "a size such as 512MiB, 3.5GiB or 4GB";

    /// <summary>The bytes <paramref name="text"/> says (rounded down), or null if it is not a size.</summary>
    public static long? Parse(string text)
    {
        Match match = SizeRegex().Match(text);
        if (!match.Success || match.Groups[1].Value.Length > 12)
            return null;
        decimal number = decimal.Parse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        decimal unit = match.Groups[2].Value switch
        {
            "KiB" => 1L << 10,
            "MiB" => 1L << 20,
            "GiB" => 1L << 30,
            "TiB" => 1L << 40,
            "kB" or "KB" => 1_000,
            "MB" => 1_000_000,
            "GB" => 1_000_000_000,
            "TB" => 1_000_000_000_000,
            _ => 1,
        };
        decimal bytes = number * unit;
        return bytes >= long.MaxValue ? long.MaxValue : (long)bytes;
    }

    /// <summary>The size in MiB or GiB, as a person reads it: 3.5GiB, 768MiB.</summary>
    public static string Format(long bytes) => bytes >= 1L << 30
        ? $"{(bytes / (double)(1L << 30)).ToString("0.###", CultureInfo.InvariantCulture)}GiB"
        : $"{(bytes / (double)(1L << 20)).ToString("0.###", CultureInfo.InvariantCulture)}MiB";

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)(B|KiB|MiB|GiB|TiB|kB|KB|MB|GB|TB)$", RegexOptions.CultureInvariant)]
    private static partial Regex SizeRegex();
}
