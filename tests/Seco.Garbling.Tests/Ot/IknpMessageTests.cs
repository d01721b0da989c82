using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Garbling.Tests.Ot;

public class IknpMessageTests
{
    private static OtLoopback NewPair(ulong seed) => OtLoopback.Create(null, Prg.ForTests(seed), Prg.ForTests(seed + 500));

    [Fact]
    public void MalformedMatrixIsRejectedAndTheGenuineOneStillWorks()
    {
        var ot = NewPair(1);
        const int m = 200;
        var choices = new byte[25];
        Prg.ForTests(2).FillBytes(choices);
        var u = ot.Receiver.ExtendChosen(choices, m);
        var x = new Block[m];
        var s = ot.Sender;

        Assert.Contains("truncated", Assert.Throws<OtProtocolException>(() => s.SendChosen(u.AsSpan(0, u.Length - 1), x, x)).Message);
        Assert.Contains("truncated", Assert.Throws<OtProtocolException>(() => s.SendChosen(u.AsSpan(0, 3), x, x)).Message);
        Assert.Contains("extra bytes", Assert.Throws<OtProtocolException>(() => s.SendChosen([.. u, 1, 2], x, x)).Message);
        Assert.Contains("wrong step", Assert.Throws<OtProtocolException>(() => s.SendCorrelated(u, Block.Zero, new Block[m])).Message);
        Assert.Contains("wrong step", Assert.Throws<OtProtocolException>(() => s.ReceiveRandomCorrelated(u, new Block[m])).Message);

        var zeroCount = (byte[])u.Clone();
        zeroCount[1] = 0; zeroCount[2] = 0;
        Assert.Contains("OT count 0", Assert.Throws<OtProtocolException>(() => s.SendChosen(zeroCount, x, x)).Message);
        var otherCount = (byte[])u.Clone();
        otherCount[1] = 100; // 100 OTs need 1 block per column, the payload has 2: a length mismatch, not silent misuse
        Assert.Contains("extra bytes", Assert.Throws<OtProtocolException>(() => s.SendChosen(otherCount, new Block[100], new Block[100])).Message);
        var ahead = (byte[])u.Clone();
        ahead[5] = 7; // a batch may start after the sender's index (cancelled batches), but only on the κ grid
        Assert.Contains("not a multiple of 128", Assert.Throws<OtProtocolException>(() => s.SendChosen(ahead, x, x)).Message);
        Assert.Equal(0UL, s.OtIndex);

        var x1 = new Block[m];
        Prg.ForTests(3).Fill(x1);
        var y = s.SendChosen(u, x, x1);
        Assert.Contains("reuses OT indices", Assert.Throws<OtProtocolException>(() => s.SendChosen(u, x, x1)).Message);

        var got = new Block[m];
        var wrongCount = (byte[])y.Clone();
        wrongCount[1] ^= 1;
        Assert.Contains("wrong OT count", Assert.Throws<OtProtocolException>(() => ot.Receiver.ReceiveChosen(wrongCount, got)).Message);
        Assert.Contains("truncated", Assert.Throws<OtProtocolException>(() => ot.Receiver.ReceiveChosen(y.AsSpan(0, y.Length - 16), got)).Message);
        Assert.Throws<InvalidOperationException>(() => ot.Receiver.ReceiveCorrelated(y, got));
        ot.Receiver.ReceiveChosen(y, got);
        for (int j = 0; j < m; j++) Assert.Equal(OtBits.Get(choices, j) ? x1[j] : Block.Zero, got[j]);
    }

    [Fact]
    public void CorrectionsMessageIsChecked()
    {
        var ot = NewPair(4);
        var u = ot.Receiver.ExtendCorrelated(new byte[2], 10);
        var zero = new Block[10];
        var d = ot.Sender.SendCorrelated(u, new Block(1, 0), zero);
        var got = new Block[10];
        Assert.Contains("wrong step", Assert.Throws<OtProtocolException>(() => ot.Receiver.ReceiveCorrelated(u, got)).Message);
        Assert.Contains("extra bytes", Assert.Throws<OtProtocolException>(() => ot.Receiver.ReceiveCorrelated([.. d, 0], got)).Message);
        var shifted = (byte[])d.Clone();
        shifted[5] = 1;
        Assert.Contains("out of order", Assert.Throws<OtProtocolException>(() => ot.Receiver.ReceiveCorrelated(shifted, got)).Message);
        ot.Receiver.ReceiveCorrelated(d, got);
        Assert.Equal(zero, got);
    }

    [Fact]
    public void A_cancelled_batch_is_skipped_by_the_sender_and_never_reissued()
    {
        // The receiver gives up a batch the sender never served (an aborted query): the next batch starts after it, the
        // sender moves its seed streams there, and both sides still agree on every message.
        var ot = NewPair(9);
        ot.Receiver.ExtendChosen(new byte[40], 300); // never reaches the sender
        Assert.True(ot.Receiver.HasPendingBatch);
        ot.Receiver.CancelPending();
        Assert.False(ot.Receiver.HasPendingBatch);
        Assert.Equal(384UL, ot.Receiver.OtIndex);

        var choices = new byte[2] { 0b1010_0110, 0b0000_0001 };
        var x0 = Enumerable.Range(0, 9).Select(i => new Block((ulong)i, 1)).ToArray();
        var x1 = Enumerable.Range(0, 9).Select(i => new Block((ulong)i, 2)).ToArray();
        byte[] u = ot.Receiver.ExtendChosen(choices, 9);
        byte[] y = ot.Sender.SendChosen(u, x0, x1);
        var got = new Block[9];
        ot.Receiver.ReceiveChosen(y, got);
        for (int j = 0; j < 9; j++) Assert.Equal(OtBits.Get(choices, j) ? x1[j] : x0[j], got[j]);
        Assert.Equal(512UL, ot.Sender.OtIndex);

        // The served batch cannot be replayed, nor can any batch start inside used indices or off the κ grid.
        Assert.Contains("reuses OT indices", Assert.Throws<OtProtocolException>(() => ot.Sender.SendChosen(u, x0, x1)).Message);
        byte[] offGrid = ot.Receiver.ExtendChosen(choices, 9);
        offGrid[5] = 7; // first index 512 + 7
        Assert.Contains("not a multiple of 128", Assert.Throws<OtProtocolException>(() => ot.Sender.SendChosen(offGrid, x0, x1)).Message);
    }

    [Fact]
    public void CallsOutOfOrderAreRejected()
    {
        var receiver = new IknpReceiver(Prg.ForTests(5));
        Assert.Contains("setup", Assert.Throws<InvalidOperationException>(() => receiver.ExtendChosen(new byte[1], 8)).Message);
        var sender = new IknpSender(Prg.ForTests(6));
        Assert.Contains("setup", Assert.Throws<InvalidOperationException>(() => sender.ReceiveRandomCorrelated(new byte[OtMessage.HeaderSize], new Block[1])).Message);

        var ot = NewPair(7);
        Assert.Throws<InvalidOperationException>(() => ot.Receiver.ReceiveChosen(new byte[OtMessage.HeaderSize], new Block[1]));
        ot.Receiver.ExtendChosen(new byte[1], 8);
        Assert.Contains("still waits", Assert.Throws<InvalidOperationException>(() => ot.Receiver.ExtendCorrelated(new byte[1], 8)).Message);
        Assert.Throws<ArgumentException>(() => ot.Receiver.ReceiveChosen(new byte[OtMessage.HeaderSize], new Block[9]));
        Assert.Throws<ArgumentException>(() => NewPair(8).Receiver.ExtendChosen(new byte[1], 9));
    }
}
