using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// A takes the user's circuit outputs only for the block whose labels it sent last: an output for another F_A block,
/// sent ahead, fails that query alone (the MLP at l = 2: F_A blocks 1 and 2 both end in a ReLU).
/// </summary>
public class CircuitOutputOrderTests
{
    /// <summary>A user that, with its output of block 1 of query 0, also sends one for block 2, first.</summary>
    private sealed class HastyUser(ISecoRole inner) : ISecoRole
    {
        public Party Self => inner.Self;

        public void Start(Outbox outbox) => inner.Start(outbox);

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            var own = new Outbox();
            inner.Handle(from, message, own);
            foreach ((Party to, SecoMessage m) in own.Messages)
            {
                if (m is GatewayCircuitOutput { Query: 0, Block: 1 } z)
                    outbox.Send(to, z with { Block = 2, Values = new ulong[128] });
                outbox.Send(to, m);
            }
            foreach (ProtocolEvent e in own.Events) outbox.Raise(e);
        }

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => inner.Abort(query, at, reason, outbox, from);

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => inner.AbortUserQuery(user, query, at, reason, outbox);
    }

    [Fact]
    public void An_output_for_a_block_A_is_not_waiting_for_fails_that_query_only()
    {
        FixedPointModel model = EndToEndTests.Model("mlp.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 2);
        ModelSplit deployment = ModelSplit.Create(model, 2, EndToEndTests.Context.Value);
        var loop = new ProtocolLoopback(
            new HastyUser(new UserRole(deployment.Parameters.ForUser(), inputs)),
            new GatewayRole(deployment.Parameters, deployment.Gateway),
            new GarblerRole(deployment.Parameters, deployment.Garbler),
            new EvaluatorRole(deployment.Parameters, deployment.Evaluator)) { FailQueriesOnError = true };
        loop.Run();

        var failure = Assert.Single(loop.Failures);
        Assert.Equal(Party.Gateway, failure.At);
        Assert.Equal("unexpected circuit output for block 2 of query 0", failure.Error.Message);
        Assert.Equal(0, Assert.Single(loop.Events.OfType<QueryFailed>()).Query);
        PredictionReady p = Assert.Single(loop.Events.OfType<PredictionReady>());
        Assert.Equal(1, p.Query);
        Assert.Equal(FixedPointReference.Forward(model, inputs[1].Select(PrimeField.ToSigned).ToArray()).Logits, p.Logits.Select(PrimeField.ToSigned));
    }
}
