namespace Seco.Lattice.Serialization;

/// <summary>
/// Thrown by the <see cref="BfvSerializer"/> loaders when the input bytes are not a well-formed serialization of the
/// requested object under the given parameters. The message names the problem and the byte offset (from the start
/// of the input) where it was detected; <see cref="Offset"/> carries the same offset.
/// </summary>
public sealed class BfvFormatException : FormatException
{
    /// <summary>Creates the exception for <paramref name="problem"/> found at byte <paramref name="offset"/>.</summary>
    public BfvFormatException(string problem, long offset)
        : base($"{problem} (at byte offset {offset}).")
    {
        Problem = problem;
        Offset = offset;
    }

    /// <summary>The problem description without the offset suffix.</summary>
    public string Problem { get; }

    /// <summary>Byte offset from the start of the input where the problem was found.</summary>
    public long Offset { get; }
}
