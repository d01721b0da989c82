using System.Buffers.Binary;

namespace Seco.Garbling.Ot;

/// <summary>What an OT message carries; the first byte of every message.</summary>
public enum OtMessageKind : byte
{
    /// <summary>Chou–Orlandi sender → receiver: the point A = aG.</summary>
    BaseSenderPoint = 1,

    /// <summary>Chou–Orlandi receiver → sender: the points B_i.</summary>
    BaseReceiverPoints = 2,

    /// <summary>Chou–Orlandi sender → receiver: (x_i^0 ⊕ k_i^0, x_i^1 ⊕ k_i^1) for chosen-message base OT.</summary>
    BaseCiphertexts = 3,

    /// <summary>IKNP receiver → sender: the matrix u, for a chosen-message batch.</summary>
    ExtendChosen = 4,

    /// <summary>IKNP receiver → sender: the matrix u, for a correlated batch with a chosen Δ.</summary>
    ExtendCorrelated = 5,

    /// <summary>IKNP receiver → sender: the matrix u, for a random correlated batch with Δ = s.</summary>
    ExtendRandomCorrelated = 6,

    /// <summary>IKNP sender → receiver: (y_j^0, y_j^1) for a chosen-message batch.</summary>
    ChosenCiphertexts = 7,

    /// <summary>IKNP sender → receiver: the corrections d_j for a correlated batch.</summary>
    CorrelationCorrections = 8,
}

/// <summary>
/// The compact binary frame shared by all OT messages: a 13-byte header, then the payload.
/// <code>
/// offset 0   kind          1 byte   (OtMessageKind)
/// offset 1   count         4 bytes  uint32 little-endian: number of OTs the message is about
/// offset 5   first index   8 bytes  uint64 little-endian: running index of the batch's first OT (0 in base OT)
/// offset 13  payload       length fixed by kind and count
/// </code>
/// The first index lets each side check that a batch continues its own stream: IKNP's seed expansions and hash
/// tweaks advance with it, so a batch applied out of order would silently give garbage instead of an error.
/// </summary>
public static class OtMessage
{
    /// <summary>Header size in bytes.</summary>
    public const int HeaderSize = 13;

    /// <summary>Largest OT count one message may carry (keeps every payload length within an array).</summary>
    public const int MaxCount = 1 << 26;

    /// <summary>
    /// The last OT index a batch may start at: far beyond any session's, and low enough that the index after a batch
    /// (first + ⌈count/κ⌉·κ) never wraps around — a wrapped sender index would accept indices it has used (review 21).
    /// </summary>
    public const ulong MaxFirstIndex = 1UL << 62;

    /// <summary>Allocates a message with its header filled in; the caller must write all of the payload (at <see cref="HeaderSize"/>).</summary>
    internal static byte[] Create(OtMessageKind kind, int count, ulong firstIndex, long payloadLength, Func<int, byte[]>? allocate = null)
    {
        if (HeaderSize + payloadLength > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count), $"{count} OTs need a {payloadLength}-byte message, too large for one array");
        // Uninitialised: every creator writes the whole payload, and zeroing a multi-megabyte matrix would cost as much
        // as a transpose.
        int length = (int)(HeaderSize + payloadLength);
        var message = allocate?.Invoke(length) ?? GC.AllocateUninitializedArray<byte>(length);
        if (message.Length != length)
            throw new InvalidOperationException($"the OT message allocator gave {message.Length} bytes for a message of {length}");
        message[0] = (byte)kind;
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(1), (uint)count);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(5), firstIndex);
        return message;
    }

    /// <summary>The kind byte of <paramref name="message"/>, checked to be a known kind.</summary>
    public static OtMessageKind PeekKind(ReadOnlySpan<byte> message)
    {
        if (message.Length < HeaderSize)
            throw new OtProtocolException($"truncated OT message: {message.Length} bytes, the header alone is {HeaderSize}");
        var kind = (OtMessageKind)message[0];
        if (!Enum.IsDefined(kind)) throw new OtProtocolException($"unknown OT message kind 0x{message[0]:x2}");
        return kind;
    }

    /// <summary>
    /// Checks the header against what this step expects and returns the payload. <paramref name="expectedCount"/> = -1
    /// accepts any count up to <see cref="MaxCount"/> (returned in <paramref name="count"/>);
    /// <paramref name="payloadLength"/> maps the count to the exact payload length.
    /// </summary>
    internal static ReadOnlySpan<byte> Open(ReadOnlySpan<byte> message, OtMessageKind expected, int expectedCount,
        ulong expectedFirstIndex, Func<int, long> payloadLength, out int count) =>
        Open(message, expected, expectedCount, expectedFirstIndex, skipForwardAlignment: 0, payloadLength, out count, out _);

    /// <summary>
    /// Like <see cref="Open(ReadOnlySpan{byte}, OtMessageKind, int, ulong, Func{int, long}, out int)"/>, but with
    /// <paramref name="skipForwardAlignment"/> &gt; 0 a batch may also start <i>after</i> this side's index, at a multiple of
    /// the alignment (the receiver burned the batches in between, e.g. of an aborted query); never before it (an index
    /// used twice would hand out both messages of an OT).
    /// </summary>
    internal static ReadOnlySpan<byte> Open(ReadOnlySpan<byte> message, OtMessageKind expected, int expectedCount,
        ulong expectedFirstIndex, int skipForwardAlignment, Func<int, long> payloadLength, out int count, out ulong firstIndex)
    {
        var kind = PeekKind(message);
        if (kind != expected)
            throw new OtProtocolException($"OT message for the wrong step: expected {expected}, got {kind}");
        uint rawCount = BinaryPrimitives.ReadUInt32LittleEndian(message[1..]);
        if (rawCount == 0 || rawCount > MaxCount)
            throw new OtProtocolException($"{kind} message: OT count {rawCount} is outside 1..{MaxCount}");
        count = (int)rawCount;
        if (expectedCount >= 0 && count != expectedCount)
            throw new OtProtocolException($"{kind} message: wrong OT count {count}, expected {expectedCount}");
        ulong first = BinaryPrimitives.ReadUInt64LittleEndian(message[5..]);
        firstIndex = first;
        if (skipForwardAlignment > 0 && first < expectedFirstIndex)
            throw new OtProtocolException($"{kind} message reuses OT indices: it starts at {first}, this side is already at {expectedFirstIndex}");
        if (first > MaxFirstIndex)
            throw new OtProtocolException($"{kind} message starts at OT index {first}, past the last a batch may start at ({MaxFirstIndex})");
        if (skipForwardAlignment > 0 && first % (ulong)skipForwardAlignment != 0)
            throw new OtProtocolException($"{kind} message starts at OT index {first}, not a multiple of {skipForwardAlignment}");
        if (skipForwardAlignment == 0 && first != expectedFirstIndex)
            throw new OtProtocolException($"{kind} message out of order: it starts at OT index {first}, this side is at {expectedFirstIndex}");
        long want = payloadLength(count);
        long got = message.Length - HeaderSize;
        if (got < want) throw new OtProtocolException($"truncated {kind} message: payload is {got} bytes, {count} OTs need {want}");
        if (got > want) throw new OtProtocolException($"{kind} message has {got - want} extra bytes after the {want}-byte payload");
        return message[HeaderSize..];
    }
}
