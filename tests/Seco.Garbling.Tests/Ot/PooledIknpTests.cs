using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Garbling.Tests.Ot;

/// <summary>
/// IKNP messages written into arrays a caller supplies (issue 19: pooled, handed back once consumed) are byte for byte
/// those in new arrays, whatever the supplied arrays held; the receiver's and sender's kept scratch and the rented
/// pads give correct outputs batch after batch.
/// </summary>
public class PooledIknpTests
{
    private static OtLoopback Pair(ulong seed, Block delta) => OtLoopback.Create(delta, Prg.ForTests(seed), Prg.ForTests(seed + 500));

    /// <summary>Dirty arrays of the asked length, with every message handed out and given back recorded.</summary>
    private sealed class DirtySupply
    {
        public List<byte[]> Handed { get; } = [];
        public List<byte[]> Returned { get; } = [];

        public byte[] Rent(int length)
        {
            var a = new byte[length];
            a.AsSpan().Fill(0xA5);
            Handed.Add(a);
            return a;
        }

        public void Return(byte[] a) => Returned.Add(a);
    }

    [Theory]
    [InlineData(1, 1000)]
    [InlineData(2, 4096)]
    [InlineData(3, 129)]
    public void Messages_in_supplied_dirty_arrays_equal_messages_in_new_ones_over_several_batches(ulong seed, int count)
    {
        Block delta = Prg.ForTests(seed + 9).Next().WithLsbSet();
        OtLoopback plain = Pair(seed, delta), pooled = Pair(seed, delta);
        var supply = new DirtySupply();
        pooled.Allocate = supply.Rent;
        pooled.GiveBack = supply.Return;
        var rng = Prg.ForTests(seed + 77);
        for (int batch = 0; batch < 3; batch++)
        {
            int n = count + batch * 37; // different sizes: the kept scratch must not carry a batch into the next
            var choices = new byte[(n + 7) / 8];
            rng.FillBytes(choices);
            var x0 = new Block[n]; var x1 = new Block[n];
            rng.Fill(x0); rng.Fill(x1);
            Block[] a = new Block[n], b = new Block[n];
            long sentBefore = plain.BytesFromReceiver + plain.BytesFromSender;
            plain.Chosen(x0, x1, choices, a);
            pooled.Chosen(x0, x1, choices, b);
            Assert.Equal(a, b);
            for (int j = 0; j < n; j++) Assert.Equal(OtBits.Get(choices, j) ? x1[j] : x0[j], b[j]);

            Block[] sa = new Block[n], sb = new Block[n];
            plain.Correlated(delta, choices, sa, a);
            pooled.Correlated(delta, choices, sb, b);
            Assert.Equal(sa, sb);
            Assert.Equal(a, b);

            plain.RandomCorrelated(choices, sa, a);
            pooled.RandomCorrelated(choices, sb, b);
            Assert.Equal(sa, sb);
            Assert.Equal(a, b);
            for (int j = 0; j < n; j++) Assert.Equal(sb[j] ^ (OtBits.Get(choices, j) ? pooled.Sender.Delta : Block.Zero), b[j]);
            Assert.True(plain.BytesFromReceiver + plain.BytesFromSender > sentBefore);
        }
        // Every message came from the supply (nothing was left A5 where a byte should have been written: the outputs
        // above match) and went back once consumed.
        Assert.Equal(3 * 5, supply.Handed.Count);
        Assert.Equal(supply.Handed, supply.Returned);
        Assert.Equal(plain.BytesFromReceiver, pooled.BytesFromReceiver);
        Assert.Equal(plain.BytesFromSender, pooled.BytesFromSender);
    }

    [Fact]
    public void An_allocator_giving_the_wrong_length_is_refused()
    {
        OtLoopback pair = Pair(4, Prg.ForTests(5).Next().WithLsbSet());
        var e = Assert.Throws<InvalidOperationException>(() => pair.Receiver.ExtendChosen(new byte[16], 128, n => new byte[n + 1]));
        Assert.Contains("allocator", e.Message);
    }
}
