using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Seco.Lattice.Ring;

/// <summary>
/// Exact-length <c>ulong[]</c> scratch arrays for whole ciphertexts and lifted ciphertexts (issue 19: a Lin-OP at
/// n = 8192 used to allocate ~30 MB of 512 KB ciphertexts per call). <see cref="PooledBuffer"/> cannot serve here:
/// <see cref="System.Buffers.ArrayPool{T}"/> rounds lengths up to powers of two, while a ciphertext's <c>Data</c>
/// must be exactly size·ℓ·n long (code reads <c>Data.Length</c>). So this pool keeps one stack per length.
/// <para>
/// Thread-safe (an evaluator may be shared by threads). Arrays are cleared on return, because they held ciphertext
/// material and because renters rely on zeroed arrays, as with <c>new ulong[]</c>. Each length retains at most
/// <see cref="RetainedBytesPerLength"/> bytes, so a burst of concurrent products cannot pin memory for good; what
/// does not fit is left to the GC.
/// </para>
/// </summary>
internal sealed class ScratchPool
{
    /// <summary>Bytes kept per array length: 128 ciphertexts of 512 KB (n = 8192, four primes).</summary>
    internal const long RetainedBytesPerLength = 64L << 20;

    private readonly ConcurrentDictionary<int, Bucket> _buckets = new();

    /// <summary>A zeroed array of exactly <paramref name="length"/> elements, reused when one was returned.</summary>
    public ulong[] Rent(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return _buckets.TryGetValue(length, out Bucket? bucket) && bucket.TryPop(out ulong[]? array) ? array : new ulong[length];
    }

    /// <summary>Clears <paramref name="array"/> and keeps it for a later <see cref="Rent"/> unless its length's share is full.</summary>
    public void Return(ulong[] array)
    {
        ArgumentNullException.ThrowIfNull(array);
        if (array.Length == 0)
        {
            return;
        }

        Array.Clear(array);
        _buckets.GetOrAdd(array.Length, static length => new Bucket(Capacity(length))).TryPush(array);
    }

    /// <summary>How many arrays of <paramref name="length"/> are waiting to be rented (for tests).</summary>
    internal int Retained(int length) => _buckets.TryGetValue(length, out Bucket? bucket) ? bucket.Count : 0;

    /// <summary>Arrays of <paramref name="length"/> ulongs kept at most (at least one, so huge shapes still reuse).</summary>
    internal static int Capacity(int length) => (int)Math.Clamp(RetainedBytesPerLength / (8L * length), 1, int.MaxValue);

    /// <summary>A bounded LIFO stack (the most recently used array is the likeliest to be in cache).</summary>
    private sealed class Bucket(int capacity)
    {
        private readonly Stack<ulong[]> _arrays = new();
        private readonly Lock _lock = new();

        public int Count
        {
            get
            {
                lock (_lock)
                {
                    return _arrays.Count;
                }
            }
        }

        public bool TryPop([MaybeNullWhen(false)] out ulong[] array)
        {
            lock (_lock)
            {
                return _arrays.TryPop(out array);
            }
        }

        public void TryPush(ulong[] array)
        {
            lock (_lock)
            {
                if (_arrays.Count < capacity)
                {
                    _arrays.Push(array);
                }
            }
        }
    }
}
