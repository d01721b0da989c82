using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// Each OT sender (user ← A, A ← B, C ← B) serves each (query, purpose, block) exactly once: with both labels of a wire
/// a receiver learns the garbler's Δ. A second request — here a replay of the first on the wire — fails that query
/// with a named protocol violation at the sender; every party aborts the query and the user goes on, so the other
/// queries finish bit-exact. Runs the MLP at l = 1 (F_A: block 1 with a ReLU; F_BC: blocks 2 and 3), which uses all
/// four OT purposes.
/// </summary>
public class OtServedOnceTests
{
    private const int Split = 1;

    [Theory]
    [InlineData(OtPurpose.UserLabels, "Gateway")]
    [InlineData(OtPurpose.ProviderLabels, "Garbler")]
    [InlineData(OtPurpose.EvaluatorMasks, "Garbler")]
    [InlineData(OtPurpose.EvaluatorShare, "Garbler")]
    public void A_second_request_for_the_same_batch_fails_that_query_only(OtPurpose purpose, string senderName)
    {
        Party sender = TestParties.Of(senderName);
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 3);
        // Query 1's request goes out twice.
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, Split, EndToEndTests.Context.Value), inputs, failQueries: true,
            replays: (from, to, m) => m is OtRequest r && r.Purpose == purpose && r.Query == 1 ? 1 : 0);
        loop.Run();

        // The sender refused the copy with a named violation, and only that.
        var failure = Assert.Single(loop.Failures);
        Assert.Equal(sender, failure.At);
        Assert.IsType<ProtocolViolationException>(failure.Error);
        // Every batch names its block (issues 20, 21): the user's first is F_A's block 1, the servers' F_BC's first block.
        int block = purpose is OtPurpose.UserLabels ? 1 : Split + 1;
        Assert.Equal($"a second OT request for query 1, purpose {purpose}, block {block}: each batch is served once (both labels of a wire reveal Δ)", failure.Error.Message);

        // Query 1 failed at the user — with the detail when A refused the user's copy, without it (it names the
        // servers) when a server refused one (issue 18); queries 0 and 2 finished bit-exact.
        QueryFailed failed = Assert.Single(loop.Events.OfType<QueryFailed>());
        Assert.Equal(1, failed.Query);
        Assert.Contains(sender.IsGateway ? "a second OT request for query 1" : "the query failed among the remote servers", failed.Reason, StringComparison.Ordinal);
        var predictions = loop.Events.OfType<PredictionReady>().ToList();
        Assert.Equal([0, 2], predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
            Assert.Equal(FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits, p.Logits.Select(PrimeField.ToSigned));

        // Every other party was told and dropped query 1 (the sender aborted it itself).
        foreach (Party party in new[] { Party.User, Party.Gateway, Party.Garbler, Party.Evaluator }.Where(p => p != sender))
            Assert.Contains(loop.Delivered, d => d.To == party && d.Message is QueryAborted { Query: 1 });
    }

    [Fact]
    public void Without_the_replay_every_query_finishes()
    {
        // The control for the test above: the same run without a replayed request has no failure.
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 3);
        ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, Split, EndToEndTests.Context.Value), inputs, failQueries: true);
        loop.Run();
        Assert.Empty(loop.Failures);
        Assert.Equal([0, 1, 2], loop.Events.OfType<PredictionReady>().Select(p => p.Query));
    }
}
