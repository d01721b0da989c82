using System.Buffers;

namespace Seco.MessagePack.Tests;

/// <summary>The pooled and counting writers (issue 19) give the same bytes and sizes as <see cref="ArrayBufferWriter{T}"/>.</summary>
public class PooledBufferWriterTests
{
    private static void WriteSample(IBufferWriter<byte> output, Random random, int[] blobSizes)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(2 * blobSizes.Length);
        foreach (int size in blobSizes)
        {
            var blob = new byte[size];
            random.NextBytes(blob);
            writer.WriteBinary(blob);
            writer.WriteInt64(random.NextInt64());
        }
        writer.Flush();
    }

    [Theory]
    [InlineData(1, new[] { 0 })]
    [InlineData(2, new[] { 10, 4000, 90 })]
    [InlineData(3, new[] { 4096, 4097, 1 })]
    [InlineData(4, new[] { 219_221, 3, 1 << 20, (1 << 20) + 17, 5_000_000 })]
    public void Pooled_and_counting_writers_agree_with_ArrayBufferWriter(int seed, int[] blobSizes)
    {
        var reference = new ArrayBufferWriter<byte>();
        WriteSample(reference, new Random(seed), blobSizes);
        using var pooled = new PooledBufferWriter();
        WriteSample(pooled, new Random(seed), blobSizes);
        using var counter = new CountingBufferWriter();
        WriteSample(counter, new Random(seed), blobSizes);

        Assert.Equal(reference.WrittenCount, pooled.WrittenCount);
        Assert.Equal(reference.WrittenSpan.ToArray(), pooled.ToArray());
        Assert.Equal(reference.WrittenCount, counter.WrittenCount);
    }

    [Fact]
    public void GetSpan_always_holds_the_size_asked_for()
    {
        using var pooled = new PooledBufferWriter();
        foreach (int hint in new[] { 0, 1, 100, 4096, 70_000, 3, 2_000_000, 0 })
        {
            Span<byte> span = pooled.GetSpan(hint);
            Assert.True(span.Length >= Math.Max(hint, 1), $"GetSpan({hint}) gave {span.Length} bytes");
            span[0] = (byte)hint;
            pooled.Advance(1);
        }
        Assert.Equal(new byte[] { 0, 1, 100, 0, 0x70, 3, 0x80, 0 }, pooled.ToArray());
    }

    [Fact]
    public void Advancing_past_the_span_or_using_a_disposed_writer_throws()
    {
        var pooled = new PooledBufferWriter();
        int free = pooled.GetSpan(10).Length;
        Assert.Throws<ArgumentOutOfRangeException>(() => pooled.Advance(free + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => pooled.Advance(-1));
        pooled.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pooled.GetSpan());
        Assert.Throws<ObjectDisposedException>(() => pooled.ToArray());
        pooled.Dispose(); // idempotent

        var counter = new CountingBufferWriter();
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Advance(counter.GetSpan(8).Length + 1));
        counter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => counter.GetSpan());
    }
}
