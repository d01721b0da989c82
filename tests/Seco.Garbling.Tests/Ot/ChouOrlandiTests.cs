using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Garbling.Tests.Ot;

public class ChouOrlandiTests
{
    private static bool[] RandomBits(int n, ulong seed)
    {
        var bytes = new byte[n];
        Prg.ForTests(seed).FillBytes(bytes);
        return bytes.Select(b => (b & 1) != 0).ToArray();
    }

    private static (ChouOrlandiSender Sender, ChouOrlandiReceiver Receiver) Run(bool[] choices, ulong seed)
    {
        var sender = new ChouOrlandiSender(choices.Length, Prg.ForTests(seed));
        var receiver = new ChouOrlandiReceiver(choices, Prg.ForTests(seed + 1000));
        sender.ReceivePoints(receiver.ReceiveSenderPoint(sender.Start()));
        return (sender, receiver);
    }

    [Fact]
    public void ReceiverGetsExactlyTheChosenKeys()
    {
        var choices = RandomBits(128, 1);
        var (sender, receiver) = Run(choices, 2);
        for (int i = 0; i < choices.Length; i++)
        {
            var chosen = choices[i] ? sender.Keys1[i] : sender.Keys0[i];
            var other = choices[i] ? sender.Keys0[i] : sender.Keys1[i];
            Assert.Equal(chosen, receiver.Keys[i]);
            Assert.NotEqual(other, receiver.Keys[i]);
        }
        Assert.Equal(128, sender.Keys0.ToArray().Distinct().Count());
        Assert.Contains(true, choices);
        Assert.Contains(false, choices);
    }

    [Fact]
    public void ChosenMessagesAreDecryptedForTheChoiceOnly()
    {
        var choices = RandomBits(40, 3);
        var (sender, receiver) = Run(choices, 4);
        var rng = Prg.ForTests(5);
        var x0 = new Block[40]; var x1 = new Block[40];
        rng.Fill(x0); rng.Fill(x1);
        var got = receiver.Decrypt(sender.Encrypt(x0, x1));
        for (int i = 0; i < 40; i++)
        {
            Assert.Equal(choices[i] ? x1[i] : x0[i], got[i]);
            Assert.NotEqual(choices[i] ? x0[i] : x1[i], got[i]);
        }
    }

    [Fact]
    public void MalformedSenderPointIsRejected()
    {
        var sender = new ChouOrlandiSender(4, Prg.ForTests(6));
        var good = sender.Start();
        var receiver = new ChouOrlandiReceiver(new bool[4], Prg.ForTests(7));

        Assert.Contains("truncated", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(good.AsSpan(0, good.Length - 1))).Message);
        Assert.Contains("truncated", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(good.AsSpan(0, 5))).Message);
        Assert.Contains("extra bytes", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint([.. good, 0])).Message);

        var wrongCount = (byte[])good.Clone();
        wrongCount[1] = 5;
        Assert.Contains("wrong OT count 5", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(wrongCount)).Message);

        var wrongKind = (byte[])good.Clone();
        wrongKind[0] = (byte)OtMessageKind.BaseReceiverPoints;
        Assert.Contains("wrong step", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(wrongKind)).Message);

        var unknownKind = (byte[])good.Clone();
        unknownKind[0] = 0xee;
        Assert.Contains("unknown OT message kind 0xee", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(unknownKind)).Message);

        var infinity = (byte[])good.Clone();
        Array.Clear(infinity, OtMessage.HeaderSize, 33);
        Assert.Contains("infinity", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(infinity)).Message);

        Assert.Contains("not a point on P-256", Assert.Throws<OtProtocolException>(() => receiver.ReceiveSenderPoint(OffCurve(good))).Message);

        // After all the rejections the receiver still accepts the genuine message.
        Assert.Equal(OtMessage.HeaderSize + 4 * 33, receiver.ReceiveSenderPoint(good).Length);
    }

    // Replaces the point's x-coordinate with the first x (counting up from the original) that has no y on the curve.
    private static byte[] OffCurve(byte[] message)
    {
        var curve = Org.BouncyCastle.Asn1.Sec.SecNamedCurves.GetByName("secp256r1").Curve;
        var bad = (byte[])message.Clone();
        for (int attempt = 0; attempt < 256; attempt++)
        {
            bad[^1] = (byte)attempt;
            try
            {
                curve.DecodePoint(bad.AsSpan(OtMessage.HeaderSize, 33).ToArray());
            }
            catch (ArgumentException)
            {
                return bad;
            }
        }
        throw new InvalidOperationException("no off-curve x found");
    }

    [Fact]
    public void MalformedReceiverPointsAreRejected()
    {
        var sender = new ChouOrlandiSender(3, Prg.ForTests(8));
        var receiver = new ChouOrlandiReceiver(new[] { true, false, true }, Prg.ForTests(9));
        var good = receiver.ReceiveSenderPoint(sender.Start());

        var bad = (byte[])good.Clone();
        bad[OtMessage.HeaderSize + 33] = 0x04; // B_1 with an uncompressed prefix
        var e = Assert.Throws<OtProtocolException>(() => sender.ReceivePoints(bad));
        Assert.Contains("B_1", e.Message);

        Assert.Contains("truncated", Assert.Throws<OtProtocolException>(() => sender.ReceivePoints(good.AsSpan(0, good.Length - 33))).Message);
        sender.ReceivePoints(good);
        Assert.Throws<InvalidOperationException>(() => sender.ReceivePoints(good));
    }

    [Fact]
    public void CallsOutOfOrderAreRejected()
    {
        var sender = new ChouOrlandiSender(2, Prg.ForTests(10));
        Assert.Throws<InvalidOperationException>(() => sender.ReceivePoints(new byte[OtMessage.HeaderSize]));
        Assert.Throws<InvalidOperationException>(() => sender.Keys0.ToArray());
        var receiver = new ChouOrlandiReceiver(new bool[2], Prg.ForTests(11));
        Assert.Throws<InvalidOperationException>(() => receiver.Keys.ToArray());
        sender.Start();
        Assert.Throws<InvalidOperationException>(() => sender.Start());
    }

    /// <summary>
    /// The sender's view is B_1..B_n; its distribution must not depend on the choices. Each of the 256 x-coordinate
    /// bits and the y-parity prefix must be balanced (within 6σ of n/2) for all-zero and all-one choices alike.
    /// A leaky receiver that sends B = A when c = 1 fails the same check.
    /// </summary>
    [Fact]
    public void SenderViewOfPointsDoesNotDependOnChoices()
    {
        const int n = 384;
        foreach (bool c in new[] { false, true })
        {
            var sender = new ChouOrlandiSender(n, Prg.ForTests(12));
            var receiver = new ChouOrlandiReceiver(Enumerable.Repeat(c, n).ToArray(), Prg.ForTests(13));
            var points = receiver.ReceiveSenderPoint(sender.Start());
            Assert.True(PointBitsBalanced(points, n), $"B_i bits unbalanced with choices all {c}");
        }

        var leakySender = new ChouOrlandiSender(n, Prg.ForTests(14));
        var a = leakySender.Start();
        var leaky = OtMessage.Create(OtMessageKind.BaseReceiverPoints, n, 0, n * 33L);
        for (int i = 0; i < n; i++) a.AsSpan(OtMessage.HeaderSize, 33).CopyTo(leaky.AsSpan(OtMessage.HeaderSize + 33 * i));
        Assert.False(PointBitsBalanced(leaky, n));
    }

    private static bool PointBitsBalanced(byte[] message, int n)
    {
        double bound = 6 * Math.Sqrt(n / 4.0);
        var payload = message.AsSpan(OtMessage.HeaderSize);
        int odd = 0;
        var ones = new int[256];
        for (int i = 0; i < n; i++)
        {
            var p = payload.Slice(33 * i, 33);
            if (p[0] == 3) odd++;
            for (int bit = 0; bit < 256; bit++) ones[bit] += (p[1 + bit / 8] >> (bit % 8)) & 1;
        }
        return Math.Abs(odd - n / 2.0) < bound && ones.All(k => Math.Abs(k - n / 2.0) < bound);
    }
}
