using System.Collections.Concurrent;

namespace Seco.Garbling.Garbling;

/// <summary>
/// Exact-length byte arrays for garbled chunks in wire form, reused across queries (issue 19). A garbled layer is
/// megabytes of tables; written into fresh arrays each query, the garbler runs at 7–12 M AND/s against 59 M AND/s into
/// a reused buffer, because every page of fresh large-object memory faults on first touch. The arrays must have the
/// chunk's exact length (they are message fields, written and consumed whole), which <see cref="System.Buffers.ArrayPool{T}"/>
/// does not give. Returned arrays are cleared (they held tables of some query) and kept up to
/// <see cref="CapacityBytes"/> in all; beyond that they are left to the collector. Thread-safe.
/// </summary>
public sealed class ChunkArrayPool
{
    private readonly ConcurrentDictionary<int, ConcurrentBag<byte[]>> _free = new();
    private long _heldBytes;

    /// <param name="capacityBytes">The most bytes the pool keeps between uses.</param>
    public ChunkArrayPool(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    /// <summary>The process's pool for garbled chunks: 256 MiB, a few queries' layers at the default split.</summary>
    public static ChunkArrayPool Shared { get; } = new(256L << 20);

    public long CapacityBytes { get; }

    /// <summary>Bytes held now (for tests and diagnostics).</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>An array of exactly <paramref name="length"/> bytes: a returned one (zeroed) or a fresh one (not zeroed; the garbler writes every byte).</summary>
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
