using System.Collections.Concurrent;

namespace Seco.MessagePack;

/// <summary>
/// Byte arrays of an exact length, reused (issue 19): frames and garbled chunks are megabytes each, and written into
/// fresh arrays every query they cost page faults on first touch of large-object memory (the garbler ran at
/// 7–12 M AND/s into fresh arrays against 59 into reused ones) and garbage the collector must sweep. Unlike
/// <see cref="System.Buffers.ArrayPool{T}"/>, a rented array has exactly the length asked for, so it can stand as a
/// message field or a whole frame; the lengths of one kind of message repeat from query to query, so arrays come back
/// round. Returned arrays are cleared (they held some message) and kept up to <see cref="CapacityBytes"/> in all;
/// beyond that they are left to the collector. Thread-safe.
/// </summary>
public sealed class ExactArrayPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _free = new();
    private long _heldBytes;

    /// <param name="capacityBytes">The most bytes the pool keeps between uses.</param>
    public ExactArrayPool(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    /// <summary>
    /// The process's pool for frames and garbled chunks: 256 MiB, a few queries' traffic at the default split (about
    /// 55 MB of frames and 36 MB of chunks a query).
    /// </summary>
    public static ExactArrayPool Shared { get; } = new(256L << 20);

    public long CapacityBytes { get; }

    /// <summary>Bytes held now (for tests and diagnostics).</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>An array of exactly <paramref name="length"/> bytes: a returned one (zeroed) or a fresh one (not zeroed: callers write every byte).</summary>
    public byte[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (_free.TryGetValue(length, out ConcurrentBag<byte[]>? bag) && bag.TryTake(out byte[]? array))
        {
            Interlocked.Add(ref _heldBytes, -array.Length);
            return array;
        }
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Takes <paramref name="array"/> back; the caller must not use it any more.</summary>
    public void Return(byte[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        Array.Clear(array);
        if (Interlocked.Add(ref _heldBytes, array.Length) > CapacityBytes)
        {
            Interlocked.Add(ref _heldBytes, -array.Length);
            return;
        }
        _free.GetOrAdd(array.Length, _ => []).Add(array);
    }
}
