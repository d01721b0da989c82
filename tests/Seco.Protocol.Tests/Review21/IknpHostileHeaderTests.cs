using System.Buffers.Binary;
using Seco.Garbling.Crypto;
using Seco.Garbling.Ot;
using Xunit;

namespace Seco.Protocol.Tests.Review21;

/// <summary>
/// Review 21: IKNP headers a hostile network writes. A matrix of the wrong length must be refused before the sender's
/// seed streams move; a matrix starting at an index whose successor wraps around must be refused; and a reply that
/// starts past the receiver's pending batch must leave the receiver's next batch past it, so the pair goes on.
/// </summary>
[Trait("Category", "SecurityReview21")]
public class IknpHostileHeaderTests
{
    private const int Count = 300;

    private static (Block[] X0, Block[] X1, byte[] Choices) Batch()
    {
        var x0 = new Block[Count];
        var x1 = new Block[Count];
        for (int j = 0; j < Count; j++)
        {
            x0[j] = new Block((ulong)j, 1);
            x1[j] = new Block((ulong)j, 2);
        }
        byte[] choices = new byte[(Count + 7) / 8];
        Random.Shared.NextBytes(choices);
        return (x0, x1, choices);
    }

    /// <summary>One honest batch through the pair; true if the receiver got x_j^{c_j} for every j.</summary>
    private static bool HonestBatch(IknpSender sender, IknpReceiver receiver)
    {
        (Block[] x0, Block[] x1, byte[] choices) = Batch();
        byte[] matrix = receiver.ExtendChosen(choices, Count);
        var output = new Block[Count];
        receiver.ReceiveChosen(sender.SendChosen(matrix, x0, x1), output);
        return Enumerable.Range(0, Count).All(j => output[j] == (((choices[j / 8] >> (j % 8)) & 1) == 1 ? x1[j] : x0[j]));
    }

    private static byte[] WithFirst(byte[] message, ulong first)
    {
        byte[] copy = [.. message];
        BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(5), first);
        return copy;
    }

    [Fact]
    public void A_matrix_of_another_length_far_ahead_is_refused_without_moving_the_senders_streams()
    {
        var ot = OtLoopback.Create();
        Assert.True(HonestBatch(ot.Sender, ot.Receiver));
        // A hostile copy of an honest 2·Count-OT matrix, its first index 2^20 stream blocks on, served for a Count-OT batch.
        var other = new IknpReceiver();
        byte[] wrong = WithFirst(ot.Receiver.ExtendChosen(new byte[(2 * Count + 7) / 8], 2 * Count), ot.Receiver.OtIndex + (128UL << 20));
        ot.Receiver.CancelPending(); // the receiver gave that batch up (its indices stay burned)
        (Block[] x0, Block[] x1, _) = Batch();
        Assert.Throws<OtProtocolException>(() => ot.Sender.SendChosen(wrong, x0, x1));
        Assert.True(HonestBatch(ot.Sender, ot.Receiver), "the next honest batch decoded wrong labels: the sender's seed streams moved");
        GC.KeepAlive(other);
    }

    [Fact]
    public void A_matrix_whose_next_index_wraps_around_is_refused()
    {
        var ot = OtLoopback.Create();
        byte[] honest = ot.Receiver.ExtendChosen(new byte[(Count + 7) / 8], Count);
        (Block[] x0, Block[] x1, _) = Batch();
        var e = Assert.Throws<OtProtocolException>(() => ot.Sender.SendChosen(WithFirst(honest, ulong.MaxValue - 127), x0, x1));
        Assert.Contains("past the last a batch may start at", e.Message);
        Assert.Equal(0UL, ot.Sender.OtIndex);
    }

    [Fact]
    public void A_reply_served_past_the_pending_batch_moves_the_receivers_next_batch_past_it()
    {
        var ot = OtLoopback.Create();
        Assert.True(HonestBatch(ot.Sender, ot.Receiver));
        (Block[] x0, Block[] x1, byte[] choices) = Batch();
        byte[] matrix = ot.Receiver.ExtendChosen(choices, Count);
        // The network serves a copy of the matrix moved 2^20 stream blocks on before the receiver's own.
        byte[] reply = ot.Sender.SendChosen(WithFirst(matrix, ot.Receiver.OtIndex + (128UL << 20)), x0, x1);
        Assert.Throws<OtProtocolException>(() => ot.Receiver.ReceiveChosen(reply, new Block[Count]));
        ot.Receiver.CancelPending();
        Assert.True(ot.Receiver.OtIndex >= ot.Sender.OtIndex);
        Assert.True(HonestBatch(ot.Sender, ot.Receiver));
    }
}
