namespace Seco.MessagePack;

/// <summary>Limits a <see cref="MessagePackReader"/> enforces on hostile input.</summary>
public sealed record MessagePackReaderOptions
{
    /// <summary>The defaults: <see cref="MaxDepth"/> = 64.</summary>
    public static MessagePackReaderOptions Default { get; } = new();

    /// <summary>Largest value the reader accepts for <see cref="MaxDepth"/>; deeper limits only help attackers.</summary>
    public const int MaxDepthLimit = 1 << 20;

    private readonly int _maxDepth = 64;

    /// <summary>
    /// How many arrays/maps may be open at once. A top-level array is depth 1, an array inside it depth 2, and so on;
    /// the header of a container that would exceed the limit is rejected (by the Read...Header methods and by
    /// <see cref="MessagePackReader.Skip"/>). 0 forbids containers altogether.
    /// </summary>
    public int MaxDepth
    {
        get => _maxDepth;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxDepthLimit);
            _maxDepth = value;
        }
    }
}
