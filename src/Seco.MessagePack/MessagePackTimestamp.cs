namespace Seco.MessagePack;

/// <summary>
/// A value of the spec's timestamp extension (type -1): signed seconds since 1970-01-01T00:00:00Z plus
/// nanoseconds in [0, 999 999 999]. Kept as the raw pair because the wire range (±2^63 s, 1 ns) is far wider
/// and finer than <see cref="DateTimeOffset"/> (years 1..9999, 100 ns ticks).
/// </summary>
public readonly record struct MessagePackTimestamp
{
    public const uint MaxNanoseconds = 999_999_999;

    private const long TicksPerSecond = TimeSpan.TicksPerSecond;
    private const long NanosecondsPerTick = 100;
    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    public MessagePackTimestamp(long seconds, uint nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nanoseconds, MaxNanoseconds);
        Seconds = seconds;
        Nanoseconds = nanoseconds;
    }

    /// <summary>Seconds since the Unix epoch (negative before 1970).</summary>
    public long Seconds { get; }

    /// <summary>Nanoseconds added to <see cref="Seconds"/>; always non-negative, even before 1970.</summary>
    public uint Nanoseconds { get; }

    /// <summary>Exact conversion (a tick is 100 ns, so every <see cref="DateTimeOffset"/> is representable).</summary>
    public static MessagePackTimestamp FromDateTimeOffset(DateTimeOffset value)
    {
        long ticks = value.UtcTicks - UnixEpochTicks;
        // Floor division, so that instants before 1970 get a non-negative nanosecond part as the spec requires.
        long seconds = Math.DivRem(ticks, TicksPerSecond, out long remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TicksPerSecond;
        }
        return new MessagePackTimestamp(seconds, (uint)(remainder * NanosecondsPerTick));
    }

    /// <summary>
    /// Converts to UTC <see cref="DateTimeOffset"/>, truncating nanoseconds to 100 ns ticks.
    /// Throws <see cref="ArgumentOutOfRangeException"/> outside years 1..9999.
    /// </summary>
    public DateTimeOffset ToDateTimeOffset()
    {
        const long minSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        const long maxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (Seconds < minSeconds || Seconds > maxSeconds)
        {
            throw new ArgumentOutOfRangeException(nameof(Seconds), Seconds, "Timestamp is outside the range of DateTimeOffset.");
        }
        long ticks = UnixEpochTicks + (Seconds * TicksPerSecond) + (Nanoseconds / NanosecondsPerTick);
        return new DateTimeOffset(ticks, TimeSpan.Zero);
    }

    public override string ToString() => $"{Seconds}.{Nanoseconds:D9}s";
}
