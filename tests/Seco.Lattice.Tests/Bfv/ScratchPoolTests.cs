using System.Collections.Concurrent;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Tests.Bfv;

/// <summary>
/// The scratch pool behind the pooled mat-vec: exact lengths (a ciphertext's Data.Length is read as its shape), zeroed
/// arrays on rent (they held ciphertext material, and renters accumulate into them), a bound per length, and no array
/// handed to two renters at once under concurrency.
/// </summary>
public sealed class ScratchPoolTests
{
    [Fact]
    public void Rented_arrays_have_the_exact_length_asked_for()
    {
        var pool = new ScratchPool();
        Assert.Equal(3 * 4096, pool.Rent(3 * 4096).Length); // ArrayPool would round this up to 16384
        Assert.Empty(pool.Rent(0));
    }

    [Fact]
    public void A_returned_array_is_reused_and_comes_back_zeroed()
    {
        var pool = new ScratchPool();
        ulong[] first = pool.Rent(1000);
        Array.Fill(first, 0xDEAD_BEEF_DEAD_BEEFUL);
        pool.Return(first);

        ulong[] second = pool.Rent(1000);
        Assert.Same(first, second);
        Assert.All(second, word => Assert.Equal(0UL, word));
        Assert.NotSame(second, pool.Rent(1000)); // the pool is empty again: a fresh array, not the rented one
    }

    [Fact]
    public void Each_length_keeps_at_most_its_capacity()
    {
        var pool = new ScratchPool();
        const int length = 1 << 20; // 8 MB per array, so the 64 MB share holds 8
        int capacity = ScratchPool.Capacity(length);
        Assert.Equal(8, capacity);
        for (int i = 0; i < capacity + 3; i++)
        {
            pool.Return(new ulong[length]);
        }

        Assert.Equal(capacity, pool.Retained(length));
        Assert.Equal(0, pool.Retained(length + 1));
    }

    [Fact]
    public void Concurrent_renters_never_share_an_array()
    {
        var pool = new ScratchPool();
        var inUse = new ConcurrentDictionary<ulong[], int>(ReferenceEqualityComparer.Instance);
        int failures = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            for (int round = 0; round < 500; round++)
            {
                ulong[] array = pool.Rent(64 + (round % 3));
                if (!inUse.TryAdd(array, worker) || array.Any(word => word != 0))
                {
                    Interlocked.Increment(ref failures);
                }

                Array.Fill(array, (ulong)worker + 1);
                Thread.Yield();
                if (array.Any(word => word != (ulong)worker + 1))
                {
                    Interlocked.Increment(ref failures); // someone else wrote into our array
                }

                inUse.TryRemove(array, out _);
                pool.Return(array);
            }
        });

        Assert.Equal(0, failures);
    }
}
