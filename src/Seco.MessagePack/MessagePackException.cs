namespace Seco.MessagePack;

/// <summary>
/// Thrown by <see cref="MessagePackReader"/> when the input is not valid MessagePack, or not what the caller
/// asked for. Input from the network is hostile until validated, so every message names the byte offset and
/// what was expected versus found, e.g. "MessagePack: at byte 17: expected Binary, found Map (fixmap, 0x82)".
/// After this exception the reader should be discarded together with the message.
/// </summary>
public sealed class MessagePackException : Exception
{
    public MessagePackException(long offset, string problem)
        : base($"MessagePack: at byte {offset}: {problem}")
    {
        Offset = offset;
        Problem = problem;
    }

    public MessagePackException(long offset, string problem, Exception innerException)
        : base($"MessagePack: at byte {offset}: {problem}", innerException)
    {
        Offset = offset;
        Problem = problem;
    }

    /// <summary>Byte offset from the start of the reader's input where the problem was found.</summary>
    public long Offset { get; }

    /// <summary>The message without the "MessagePack: at byte N: " prefix.</summary>
    public string Problem { get; }
}
