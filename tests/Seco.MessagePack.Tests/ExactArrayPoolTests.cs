namespace Seco.MessagePack.Tests;

public class ExactArrayPoolTests
{
    [Fact]
    public void Rented_arrays_have_the_exact_length_and_come_back_zeroed()
    {
        var pool = new ExactArrayPool(1 << 20);
        byte[] a = pool.Rent(1000);
        Assert.Equal(1000, a.Length);
        a.AsSpan().Fill(0xAB);
        pool.Return(a);
        Assert.Equal(1000, pool.HeldBytes);
        byte[] again = pool.Rent(1000);
        Assert.Same(a, again);
        Assert.All(again, b => Assert.Equal(0, b));
        Assert.Equal(0, pool.HeldBytes);
        Assert.Equal(999, pool.Rent(999).Length); // another length is never served from the 1000-byte bucket
    }

    [Fact]
    public void The_pool_keeps_no_more_than_its_capacity()
    {
        var pool = new ExactArrayPool(2500);
        byte[][] arrays = [pool.Rent(1000), pool.Rent(1000), pool.Rent(1000)];
        foreach (byte[] a in arrays) pool.Return(a);
        Assert.Equal(2000, pool.HeldBytes);
        var back = new HashSet<byte[]>(ReferenceEqualityComparer.Instance) { pool.Rent(1000), pool.Rent(1000), pool.Rent(1000) };
        Assert.Equal(2, back.Count(arrays.Contains)); // the third was left to the collector
    }

    [Fact]
    public void Concurrent_renters_never_share_an_array()
    {
        var pool = new ExactArrayPool(64 << 20);
        var seen = new System.Collections.Concurrent.ConcurrentBag<(int Thread, byte[] Array)>();
        Parallel.For(0, 8, t =>
        {
            for (int k = 0; k < 200; k++)
            {
                byte[] a = pool.Rent(4096);
                a.AsSpan().Fill((byte)(t + 1));
                Thread.SpinWait(50);
                Assert.All(a, b => Assert.Equal((byte)(t + 1), b)); // nobody else wrote into it while we held it
                pool.Return(a);
            }
        });
    }

}
