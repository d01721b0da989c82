using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Garbling.Tests.Ot;

public class IknpTests
{
    private static OtLoopback NewPair(ulong seed, Block? delta = null) =>
        OtLoopback.Create(delta, Prg.ForTests(seed), Prg.ForTests(seed + 500));

    private static byte[] RandomChoices(int m, ulong seed)
    {
        var bits = new byte[OtBits.ByteCount(m)];
        Prg.ForTests(seed).FillBytes(bits);
        return bits;
    }

    private static Block[] RandomBlocks(int m, ulong seed)
    {
        var blocks = new Block[m];
        Prg.ForTests(seed).Fill(blocks);
        return blocks;
    }

    public static TheoryData<int> Sizes => new() { 1, 127, 128, 129, 1000, 100_000 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ChosenMessageReceiverGetsExactlyTheChosenMessages(int m)
    {
        var ot = NewPair(1);
        var choices = RandomChoices(m, 2);
        var x0 = RandomBlocks(m, 3);
        var x1 = RandomBlocks(m, 4);
        var got = new Block[m];
        ot.Chosen(x0, x1, choices, got);
        for (int j = 0; j < m; j++)
        {
            bool r = OtBits.Get(choices, j);
            Assert.Equal(r ? x1[j] : x0[j], got[j]);
            Assert.NotEqual(r ? x0[j] : x1[j], got[j]);
        }
        // Batches use whole seed-stream blocks of κ = 128 OTs: the index moves to the next multiple of κ.
        ulong next = (ulong)((m + 127) / 128 * 128);
        Assert.Equal(next, ot.Sender.OtIndex);
        Assert.Equal(next, ot.Receiver.OtIndex);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void CorrelatedReceiverGetsZeroLabelXorChoiceTimesDelta(int m)
    {
        var ot = NewPair(5);
        var delta = Prg.ForTests(6).Next().WithLsbSet();
        var choices = RandomChoices(m, 7);
        var zero = new Block[m];
        var got = new Block[m];
        ot.Correlated(delta, choices, zero, got);
        for (int j = 0; j < m; j++)
        {
            bool r = OtBits.Get(choices, j);
            Assert.Equal(r ? zero[j] ^ delta : zero[j], got[j]);
            Assert.NotEqual(r ? zero[j] : zero[j] ^ delta, got[j]);
        }
        Assert.Equal(m, zero.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void RandomCorrelatedUsesTheGarblersDelta(int m)
    {
        var delta = Prg.ForTests(8).Next().WithLsbSet();
        var ot = NewPair(9, delta);
        Assert.Equal(delta, ot.Sender.Delta);
        var choices = RandomChoices(m, 10);
        var q = new Block[m];
        var t = new Block[m];
        ot.RandomCorrelated(choices, q, t);
        for (int j = 0; j < m; j++)
        {
            bool r = OtBits.Get(choices, j);
            Assert.Equal(r ? q[j] ^ delta : q[j], t[j]);
            Assert.NotEqual(r ? q[j] : q[j] ^ delta, t[j]);
        }
        Assert.Equal(m, q.Distinct().Count());
    }

    [Fact]
    public void DeltaWithoutPointAndPermuteBitIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new IknpSender(new Block(2, 7)));
        Assert.Contains("point-and-permute", e.Message);
    }

    /// <summary>Batches continue the seed streams and the hash tweaks: outputs stay correct and never repeat.</summary>
    [Fact]
    public void SeveralBatchesInAllModesContinueTheStreams()
    {
        var delta = Prg.ForTests(11).Next().WithLsbSet();
        var ot = NewPair(12, delta);
        var seen = new HashSet<Block>();
        int[] sizes = [300, 1, 129, 5000];
        for (int b = 0; b < sizes.Length; b++)
        {
            int m = sizes[b];
            var choices = RandomChoices(m, 20UL + (ulong)b);
            var q = new Block[m]; var t = new Block[m];
            ot.RandomCorrelated(choices, q, t);
            for (int j = 0; j < m; j++) Assert.Equal(OtBits.Get(choices, j) ? q[j] ^ delta : q[j], t[j]);
            foreach (var block in q) Assert.True(seen.Add(block), "a random COT output repeated across batches");

            var x0 = RandomBlocks(m, 40UL + (ulong)b); var x1 = RandomBlocks(m, 60UL + (ulong)b);
            var got = new Block[m];
            ot.Chosen(x0, x1, choices, got);
            for (int j = 0; j < m; j++) Assert.Equal(OtBits.Get(choices, j) ? x1[j] : x0[j], got[j]);

            var zero = new Block[m]; var labels = new Block[m];
            ot.Correlated(delta, choices, zero, labels);
            for (int j = 0; j < m; j++) Assert.Equal(OtBits.Get(choices, j) ? zero[j] ^ delta : zero[j], labels[j]);
            foreach (var block in zero) Assert.True(seen.Add(block), "a correlated OT output repeated across batches");
        }
        Assert.Equal((ulong)(3 * sizes.Sum(m => (m + 127) / 128 * 128)), ot.Sender.OtIndex);
    }

    [Fact]
    public void LoopbackCountsBytesInEachDirection()
    {
        var ot = NewPair(13);
        long setupFromReceiver = ot.BytesFromReceiver, setupFromSender = ot.BytesFromSender;
        Assert.Equal(OtMessage.HeaderSize + 33, setupFromReceiver);
        Assert.Equal(OtMessage.HeaderSize + 128 * 33, setupFromSender);
        const int m = 1000; // padded to 8 blocks of 128 rows: u is 128 × 128 bytes
        ot.Chosen(new Block[m], new Block[m], new byte[125], new Block[m]);
        Assert.Equal(setupFromReceiver + OtMessage.HeaderSize + 128 * 8 * 16, ot.BytesFromReceiver);
        Assert.Equal(setupFromSender + OtMessage.HeaderSize + 2 * m * 16, ot.BytesFromSender);
    }
}
