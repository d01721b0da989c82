using System.Buffers;

namespace Seco.MessagePack;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that only counts: every GetSpan hands out the same scratch array, so measuring an
/// encoding's size (traffic accounting) costs one pass over cache-hot memory instead of a copy of the whole message
/// (issue 19). Not thread-safe; the scratch array is rented and returned on Dispose.
/// </summary>
public sealed class CountingBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _scratch = ArrayPool<byte>.Shared.Rent(PooledBufferWriter.FirstSegment);

    /// <summary>Bytes written so far.</summary>
    public long WrittenCount { get; private set; }

    /// <inheritdoc/>
    public void Advance(int count)
    {
        if (count < 0 || count > _scratch.Length)
            throw new ArgumentOutOfRangeException(nameof(count), $"advanced {count} bytes; the span handed out holds {_scratch.Length}");
        WrittenCount += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0) => Scratch(sizeHint);

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0) => Scratch(sizeHint);

    /// <summary>Returns the scratch array to the pool, cleared (it held the message's bytes).</summary>
    public void Dispose()
    {
        if (_scratch.Length == 0) return;
        ArrayPool<byte>.Shared.Return(_scratch, clearArray: true);
        _scratch = [];
    }

    private byte[] Scratch(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_scratch.Length == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        if (_scratch.Length < sizeHint)
        {
            ArrayPool<byte>.Shared.Return(_scratch, clearArray: true);
            _scratch = ArrayPool<byte>.Shared.Rent(sizeHint);
        }
        return _scratch;
    }
}
