using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// Issue 21: the user fetches its F_A labels from A one OT batch per ReLU block, in block order — all of ResNet-32's
/// at l = L (DELPHI) were one 795 MB reply, past the frame limit. A serves each block once and only the next one.
/// </summary>
public class UserLabelsPerBlockTests
{
    [Fact]
    public void The_user_asks_once_per_F_A_relu_block_in_order_and_every_query_is_bit_exact()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        int split = model.Blocks.Count; // l = L: DELPHI between the user and A
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, split, EndToEndTests.Context.Value), inputs);
        loop.Run();

        int[] relu = [.. Enumerable.Range(1, split).Where(i => model.Blocks[i - 1].Block.HasRelu)];
        Assert.True(relu.Length >= 2);
        foreach (int query in new[] { 0, 1 })
        {
            Assert.Equal(relu, loop.Delivered.Where(d => d.From == Party.User && d.Message is OtRequest { Purpose: OtPurpose.UserLabels } r && r.Query == query)
                .Select(d => ((OtRequest)d.Message).Block));
            Assert.Equal(relu, loop.Delivered.Where(d => d.To == Party.User && d.Message is OtResponse { Purpose: OtPurpose.UserLabels } r && r.Query == query)
                .Select(d => ((OtResponse)d.Message).Block));
        }
        var predictions = loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal([0, 1], predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
            Assert.Equal(FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits, p.Logits.Select(PrimeField.ToSigned));
    }

    [Fact]
    public void A_request_for_a_block_out_of_turn_fails_that_query_only()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 3);
        int split = model.Blocks.Count;
        // Right after A takes query 1's preprocessing, a request for the second ReLU block's labels, before the first's.
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, split, EndToEndTests.Context.Value), inputs, failQueries: true,
            inject: (from, to, m) => m is UserPreprocessing { Query: 1 } ? [(Party.User, Party.Gateway, new OtRequest(1, OtPurpose.UserLabels, 2, new byte[64]))] : []);
        loop.Run();

        var failure = Assert.Single(loop.Failures);
        Assert.Equal(Party.Gateway, failure.At);
        Assert.Equal("an OT request for the user's labels of block 2 of query 1; the next F_A ReLU block is 1", failure.Error.Message);
        Assert.Equal([0, 2], loop.Events.OfType<PredictionReady>().Select(p => p.Query));
        Assert.Equal(1, Assert.Single(loop.Events.OfType<QueryFailed>()).Query);
    }
}
