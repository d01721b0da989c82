using Seco.Nn.Field;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>The evaluator's garbled tables past its memory budget go to a scratch file and come back intact (issue 20).</summary>
public class GarbledTableStoreTests
{
    private static GarbledLayer Layer(int block, int chunks, int size, byte seed) =>
        new(block, [.. Enumerable.Range(0, chunks).Select(c => Enumerable.Range(0, size).Select(i => (byte)(seed + c + (i * 7))).ToArray())], [1, 2], [[3]]);

    [Fact]
    public void Layers_past_the_budget_spill_and_read_back_byte_for_byte()
    {
        using var store = new GarbledTableStore(memoryBudget: 3000);
        GarbledLayer a = Layer(1, 2, 1000, 11), b = Layer(3, 3, 1000, 29);
        store.Add(0, a);
        store.Add(0, b); // 2000 + 3000 > 3000: b spills
        Assert.Equal(2000, store.InMemoryBytes);
        Assert.Equal(3000, store.SpilledBytes);
        Assert.Equal(a.Chunks, store.Chunks(0, 1));
        Assert.Equal(b.Chunks, store.Chunks(0, 3));
        Assert.Empty(store.Layer(0, 3).Chunks); // the tables are not kept in memory
        Assert.Equal(b.Decoding, store.Layer(0, 3).Decoding);
        store.Remove(0, 1);
        Assert.Equal(0, store.InMemoryBytes);
        Assert.Throws<InvalidOperationException>(() => store.Add(0, Layer(3, 1, 1, 0))); // block 3 of query 0 is there already
        store.Forget(0);
        Assert.False(store.Contains(0, 3));
    }

    [Fact]
    public void The_scratch_file_leaves_no_name_behind()
    {
        string[] before = Directory.GetFiles(Path.GetTempPath(), "seco-tables-*");
        using (var store = new GarbledTableStore(memoryBudget: 0))
        {
            store.Add(5, Layer(2, 1, 100, 1));
            if (!OperatingSystem.IsWindows())
                Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "seco-tables-*")); // unlinked while open
            Assert.Equal(Layer(2, 1, 100, 1).Chunks, store.Chunks(5, 2));
        }
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "seco-tables-*"));
    }

    [Fact]
    public void An_evaluator_with_no_table_memory_is_still_bit_exact()
    {
        var model = EndToEndTests.Model("minionn.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        ModelSplit deployment = ModelSplit.Create(model, 1, EndToEndTests.Context.Value);
        var loop = new ProtocolLoopback([new UserRole(deployment.Parameters.ForUser(), inputs), new GatewayRole(deployment.Parameters, deployment.Gateway),
            .. deployment.Parameters.Servers.Select(s => RemoteServerRole.For(deployment.Parameters, deployment.Share(s), s, tableMemory: 0))]);
        loop.Run();
        var predictions = loop.Events.OfType<PredictionReady>().OrderBy(p => p.Query).ToList();
        Assert.Equal(2, predictions.Count);
        foreach (PredictionReady p in predictions)
            Assert.Equal(Seco.Nn.FixedPoint.FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits, p.Logits.Select(PrimeField.ToSigned).ToArray());
        // One layer per message, pulled in order: C asked B for each ReLU layer of the tier once.
        Assert.Equal(2 * (deployment.Parameters.BlockCount - 2), loop.Delivered.Count(d => d.Message is CircuitRequest));
        Assert.All(loop.Delivered.Select(d => d.Message).OfType<GarbledCircuits>(), m => Assert.Single(m.Layers));
    }
}
