namespace Seco.Scenarios;

/// <summary>How many inferences to run and on which inputs.</summary>
public sealed record QuerySpec
{
    public const int DefaultCount = 1;
    public const int MaxCount = 100_000;

    public QuerySpec(int count, QueryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (count is < 1 or > MaxCount)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"query count must be between 1 and {MaxCount}");
        Count = count;
        Input = input;
    }

    /// <summary>One query on a random input.</summary>
    public static QuerySpec Default { get; } = new(DefaultCount, RandomInput.Instance);

    public int Count { get; }

    public QueryInput Input { get; }
}
