using System.Globalization;

namespace Seco.Scenarios;

/// <summary>
/// Resource limits for loading one scenario file. A scenario is a few dozen lines; the limits are
/// far above that and exist so that a hostile or broken file (megabytes of text, thousands of
/// nested brackets, millions of unknown keys) is refused quickly, in bounded memory, with a short
/// report. <see cref="Default"/> suits every shipped scenario; a caller may raise
/// <see cref="MaxFileBytes"/> for generated experiments (the CLI's <c>--max-scenario-bytes</c>).
/// </summary>
public sealed record ScenarioLimits
{
    /// <summary>1 MiB, 64 levels, 20 errors, 64 KiB per value.</summary>
    public static ScenarioLimits Default { get; } = new();

    /// <summary>The largest file (in bytes, UTF-8) that is read; a larger one is refused before it is read.</summary>
    public long MaxFileBytes { get; init; } = 1 << 20;

    /// <summary>How deeply lists and mappings may nest (flow <c>[</c>/<c>{</c> and block indentation alike).</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// How many errors are kept (the first ones by position); the rest are only counted
    /// (<see cref="ScenarioValidationException.Omitted"/>).
    /// </summary>
    public int MaxErrors { get; init; } = 20;

    /// <summary>The longest scalar (a key or a value), in characters.</summary>
    public int MaxScalarLength { get; init; } = 64 * 1024;

    /// <summary>Throws if a limit is not positive; returns this.</summary>
    internal ScenarioLimits Validated()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxFileBytes, 1, nameof(MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDepth, 1, nameof(MaxDepth));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxErrors, 1, nameof(MaxErrors));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxScalarLength, 1, nameof(MaxScalarLength));
        // Bytes are read into one array, and the text into one string.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxFileBytes, Array.MaxLength - 1L, nameof(MaxFileBytes));
        return this;
    }

    /// <summary>"1,048,576 bytes (1 MiB)": a byte count as shown in messages.</summary>
    internal static string Bytes(long bytes)
    {
        string exact = bytes.ToString("N0", CultureInfo.InvariantCulture) + (bytes == 1 ? " byte" : " bytes");
        string? round = bytes switch
        {
            >= 1 << 30 when bytes % (1 << 30) == 0 => $"{bytes >> 30} GiB",
            >= 1 << 20 when bytes % (1 << 20) == 0 => $"{bytes >> 20} MiB",
            >= 1 << 10 when bytes % (1 << 10) == 0 => $"{bytes >> 10} KiB",
            _ => null,
        };
        return round is null ? exact : $"{exact} ({round})";
    }
}
