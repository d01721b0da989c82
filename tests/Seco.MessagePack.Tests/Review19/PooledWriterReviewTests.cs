using System.Buffers;

namespace Seco.MessagePack.Tests.Review19;

/// <summary>Security review 19: the pooled and counting writers added for issue 19.</summary>
[Trait("Category", "SecurityReview19")]
public class PooledWriterReviewTests
{
    private const byte Secret = 0xA5;

    private static bool ContainsRun(byte[] array, byte value, int run)
    {
        int n = 0;
        foreach (byte b in array)
        {
            n = b == value ? n + 1 : 0;
            if (n >= run) return true;
        }
        return false;
    }

    [Fact]
    public void Advance_with_a_count_that_overflows_the_segment_offset_is_refused()
    {
        using var pooled = new PooledBufferWriter();
        Span<byte> span = pooled.GetSpan(16);
        span[..10].Fill(7);
        pooled.Advance(10);
        // _used + count wraps to a negative int, which passed the "> _current.Length" check.
        Assert.Throws<ArgumentOutOfRangeException>(() => pooled.Advance(int.MaxValue));
        Assert.Equal(10, pooled.WrittenCount);
        Assert.Equal(Enumerable.Repeat((byte)7, 10).ToArray(), pooled.ToArray());
    }

    [Fact]
    public void A_disposed_pooled_writer_leaves_no_message_bytes_in_the_shared_pool()
    {
        var pooled = new PooledBufferWriter();
        var writer = new MessagePackWriter(pooled);
        writer.WriteBinary(Enumerable.Repeat(Secret, 3000).ToArray());
        writer.Flush();
        Assert.Equal(3003, pooled.ToArray().Length);
        pooled.Dispose();
        // Same thread, same bucket: the pool hands back the segment just returned (its thread-local slot).
        byte[] next = ArrayPool<byte>.Shared.Rent(PooledBufferWriter.FirstSegment);
        try { Assert.False(ContainsRun(next, Secret, 64), "a message's bytes were left in an array handed to the next renter"); }
        finally { ArrayPool<byte>.Shared.Return(next); }
    }

    [Fact]
    public void A_disposed_counting_writer_leaves_no_message_bytes_in_the_shared_pool()
    {
        var counter = new CountingBufferWriter();
        var writer = new MessagePackWriter(counter);
        writer.WriteBinary(Enumerable.Repeat(Secret, 3000).ToArray());
        writer.Flush();
        Assert.Equal(3003, counter.WrittenCount);
        counter.Dispose();
        byte[] next = ArrayPool<byte>.Shared.Rent(PooledBufferWriter.FirstSegment);
        try { Assert.False(ContainsRun(next, Secret, 64), "a message's bytes were left in an array handed to the next renter"); }
        finally { ArrayPool<byte>.Shared.Return(next); }
    }

    [Fact]
    public void Segments_handed_out_before_a_larger_hint_are_not_reused_within_the_writer()
    {
        using var pooled = new PooledBufferWriter();
        var expected = new List<byte>();
        var random = new Random(19);
        foreach (int hint in new[] { 1, 5000, 3, 70_000, 1 << 20, 2_000_000, 17, 0 })
        {
            Span<byte> span = pooled.GetSpan(hint);
            int n = Math.Max(hint, 1);
            var chunk = new byte[n];
            random.NextBytes(chunk);
            chunk.CopyTo(span);
            pooled.Advance(n);
            expected.AddRange(chunk);
        }
        Assert.Equal(expected.ToArray(), pooled.ToArray());
        Assert.Equal(expected.Count, pooled.WrittenCount);
    }
}
