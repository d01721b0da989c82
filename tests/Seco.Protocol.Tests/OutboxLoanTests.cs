using Seco.Garbling.Garbling;
using Seco.MessagePack;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// Pooled payloads lent to an outbox (issue 19: garbled chunks) go back only when the host disposes the outbox — after
/// it has encoded every message — and exactly once.
/// </summary>
public class OutboxLoanTests
{
    [Fact]
    public void Loans_are_given_back_on_dispose_once_and_not_before()
    {
        int given = 0;
        var outbox = new Outbox();
        outbox.Lend(() => given++);
        outbox.Lend(() => given += 10);
        Assert.Equal(0, given);
        outbox.Dispose();
        Assert.Equal(11, given);
        outbox.Dispose();
        Assert.Equal(11, given);
    }

    [Fact]
    public void A_packaged_layer_s_chunks_go_back_to_its_pool_whole()
    {
        var pool = new ExactArrayPool(64 << 20);
        var garbler = new Garbler(ReluLayers.Remote(shift: 4, neurons: 8));
        GarbledLayer layer = ReluLayers.Package(2, garbler, pool);
        long bytes = layer.Chunks.Sum(c => (long)c.Length);
        Assert.True(bytes > 0);
        var outbox = new Outbox();
        outbox.Send(Party.Evaluator, new GarbledCircuits(1, [layer]));
        outbox.Lend(ReluLayers.GiveBack(pool, [layer]));
        byte[] encoded = SecoCodecs.Encode(outbox.Messages[0].Message); // what a host does before disposing
        Assert.Equal(0, pool.HeldBytes);
        outbox.Dispose();
        Assert.Equal(bytes, pool.HeldBytes);
        var decoded = (GarbledCircuits)SecoCodecs.Decode(encoded);
        Assert.Equal(bytes, decoded.Layers[0].Chunks.Sum(c => (long)c.Length));
        Assert.Contains(decoded.Layers[0].Chunks, c => c.Any(b => b != 0)); // the frame kept the tables the pool cleared
    }
}
