using System.Buffers;

namespace Seco.MessagePack;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> that writes into segments rented from <see cref="ArrayPool{T}.Shared"/> and copies
/// them out once, into an array of the exact size (<see cref="ToArray()"/>). It replaces <see cref="ArrayBufferWriter{T}"/>
/// for encoding large messages (issue 19): that one doubles its single array as it grows, so a 30 MB ciphertext message
/// was copied about twice more and left a trail of large-object-heap arrays whose first touch cost page faults.
/// Dispose returns the segments; the writer is not thread-safe.
/// </summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>, IDisposable
{
    /// <summary>Size of the first segment; each later one doubles, up to <see cref="MaxSegment"/>.</summary>
    public const int FirstSegment = 4096;

    /// <summary>Largest segment rented unless a single GetSpan asks for more.</summary>
    public const int MaxSegment = 1 << 20;

    private readonly List<(byte[] Array, int Used)> _full = [];
    private byte[] _current;
    private int _used;
    private long _written;
    private bool _disposed;

    /// <summary>Starts with one rented segment of at least <paramref name="initialSize"/> bytes.</summary>
    public PooledBufferWriter(int initialSize = FirstSegment)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialSize);
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(initialSize, 256));
    }

    /// <summary>Bytes written so far.</summary>
    public long WrittenCount => _written;

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Unsigned compare: _used + count could wrap to a negative int and pass a signed check.
        if ((uint)count > (uint)(_current.Length - _used))
            throw new ArgumentOutOfRangeException(nameof(count), $"advanced {count} bytes past the {_current.Length - _used} bytes free in the segment");
        _used += count;
        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        int at = Ensure(sizeHint); // before reading _current: Ensure may replace it
        return _current.AsMemory(at);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        int at = Ensure(sizeHint); // before reading _current: Ensure may replace it
        return _current.AsSpan(at);
    }

    /// <summary>Everything written, as one new array of exactly <see cref="WrittenCount"/> bytes.</summary>
    public byte[] ToArray() => ToArray(null);

    /// <summary>As <see cref="ToArray()"/>, into an array rented from <paramref name="pool"/> (null: a new one).</summary>
    public byte[] ToArray(ExactArrayPool? pool)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int length = checked((int)_written);
        var result = pool?.Rent(length) ?? GC.AllocateUninitializedArray<byte>(length);
        int at = 0;
        foreach ((byte[] array, int used) in _full)
        {
            array.AsSpan(0, used).CopyTo(result.AsSpan(at));
            at += used;
        }
        _current.AsSpan(0, _used).CopyTo(result.AsSpan(at));
        return result;
    }

    /// <summary>Returns every segment to the pool, cleared: they held a message (shares, labels, ciphertexts) that the
    /// next renter of <see cref="ArrayPool{T}.Shared"/> must not see.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach ((byte[] array, _) in _full) ArrayPool<byte>.Shared.Return(array, clearArray: true);
        _full.Clear();
        ArrayPool<byte>.Shared.Return(_current, clearArray: true);
        _current = [];
    }

    /// <summary>Makes room for <paramref name="sizeHint"/> bytes (at least one) and returns the offset of the free space.</summary>
    private int Ensure(int sizeHint)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        int need = Math.Max(sizeHint, 1);
        if (_current.Length - _used >= need) return _used;
        if (_used > 0) _full.Add((_current, _used));
        else ArrayPool<byte>.Shared.Return(_current, clearArray: true); // may hold bytes written but not advanced
        int next = (int)Math.Min(MaxSegment, Math.Max(FirstSegment, 2L * _current.Length));
        _current = ArrayPool<byte>.Shared.Rent(Math.Max(next, need));
        _used = 0;
        return 0;
    }
}
