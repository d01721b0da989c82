using System.Globalization;

namespace Seco.Cli.Output;

/// <summary>
/// One unit per column (a table must not show "4534.4 kB" above "42.20 MB"), decimal prefixes as the report uses
/// (1 kB = 1000 B), and counted nouns that agree with their number.
/// </summary>
internal static class Units
{
    /// <summary>A byte unit chosen for the largest of <paramref name="values"/>, so every value shows at most 4 integer digits.</summary>
    public sealed record ByteUnit(string Name, double Divisor, string Format)
    {
        public string Of(long bytes) => (bytes / Divisor).ToString(Format, CultureInfo.InvariantCulture);

        /// <summary>A column header such as "sent (MB)".</summary>
        public string Header(string what) => $"{what} ({Name})";
    }

    public static ByteUnit BytesFor(IEnumerable<long> values)
    {
        long max = values.DefaultIfEmpty(0).Max();
        return max switch
        {
            < 10_000 => new ByteUnit("B", 1, "0"),
            < 10_000_000 => new ByteUnit("kB", 1e3, "0.0"),
            < 10_000_000_000 => new ByteUnit("MB", 1e6, "0.00"),
            _ => new ByteUnit("GB", 1e9, "0.00"),
        };
    }

    /// <summary>A byte count in a sentence, with its own unit.</summary>
    public static string Bytes(long bytes)
    {
        ByteUnit unit = BytesFor([bytes]);
        return $"{unit.Of(bytes)} {unit.Name}";
    }

    /// <summary>Seconds or milliseconds for a column of durations given in seconds.</summary>
    public sealed record TimeUnit(string Name, double Multiplier)
    {
        public string Of(double seconds) => (seconds * Multiplier).ToString("0.000", CultureInfo.InvariantCulture);

        public string Header(string what) => $"{what} ({Name})";
    }

    public static TimeUnit SecondsFor(IEnumerable<double> seconds) =>
        seconds.DefaultIfEmpty(0).Max() >= 1 ? new TimeUnit("s", 1) : new TimeUnit("ms", 1e3);

    public static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>"1 query", "3 queries", "1,024 queries".</summary>
    public static string Count(long n, string one, string many) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {(n == 1 ? one : many)}";
}
