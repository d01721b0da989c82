using Seco.Lattice.Bfv;
using Seco.Lattice.Serialization;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Crypto;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests.Review20;

/// <summary>
/// Finding 2 (outside the semi-honest threat model): the user sends its transition mask in every packing so that it
/// cannot tell which one F_BC reads (TransitionPacking, D23). An active user who puts a different mask in one packing
/// (here: zero in the channel planes, the true r_{l+1} in the matrix halves) sees from its prediction whether A used
/// that packing — i.e. whether block l+1 is a convolution or a matrix (likewise whether a shortcut reads the subsampled
/// planes). A cannot check the packings against each other (they are under tier 1's key).
/// </summary>
public class ActiveUserPackingTests
{
    /// <summary>The user with its outgoing transition planes replaced by encryptions of 0 under cpk.</summary>
    private sealed class PlanesZeroingUser(UserRole inner, UserView view) : ISecoRole
    {
        private Encryptor? _cpk;

        public Party Self => inner.Self;

        public void Start(Outbox outbox) => Relay(o => inner.Start(o), outbox);

        public void Handle(Party from, SecoMessage message, Outbox outbox)
        {
            if (message is GatewayWelcome w)
                _cpk = new Encryptor(view.Context, BfvSerializer.LoadPublicKey(view.Context, w.CollectivePublicKey));
            Relay(o => inner.Handle(from, message, o), outbox);
        }

        public void Abort(int query, ProtocolPhase at, string reason, Outbox outbox, Party? from = null) => Relay(o => inner.Abort(query, at, reason, o, from), outbox);

        public void AbortUserQuery(Party user, int query, ProtocolPhase at, string reason, Outbox outbox) => Relay(o => inner.AbortUserQuery(user, query, at, reason, o), outbox);

        private void Relay(Action<Outbox> act, Outbox outbox)
        {
            var own = new Outbox(); // not disposed: its loans stay out until the loopback has encoded the messages
            act(own);
            foreach ((Party to, SecoMessage m) in own.Messages)
            {
                if (m is UserPreprocessing u && _cpk is not null)
                {
                    MaskPackings layout = TransitionPacking.Of(view.TransitionShape, view.Context.N, view.Residual);
                    var encoder = new BatchEncoder(view.Context);
                    byte[][] tampered = [.. u.TransitionMask.Select((c, k) => layout.PlanesRange.Start.Value <= k && k < layout.PlanesRange.End.Value
                        ? BfvSerializer.Serialize(_cpk.Encrypt(encoder.Encode(new ulong[view.Context.N]))) : c)];
                    outbox.Send(to, u with { TransitionMask = tampered });
                }
                else
                {
                    outbox.Send(to, m);
                }
            }
            foreach (ProtocolEvent e in own.Events) outbox.Raise(e);
        }
    }

    private static bool Correct(FormPolicy forms)
    {
        FixedPointModel model = EndToEndTests.Model("lenet.onnx");
        ulong[][] inputs = EndToEndTests.Inputs(model, 1);
        ModelSplit d = ModelSplit.Create(model, 0, EndToEndTests.Context.Value, forms: forms);
        UserView view = d.Parameters.ForUser();
        var loop = new ProtocolLoopback([new PlanesZeroingUser(new UserRole(view, inputs), view), new GatewayRole(d.Parameters, d.Gateway),
            .. d.Parameters.Tiers.SelectMany(t => Enumerable.Range(0, t.Servers).Select(j => Party.Server(t.Tier, j))).Select(s => RemoteServerRole.For(d.Parameters, d.Share(s), s))]);
        loop.Run();
        PredictionReady p = Assert.Single(loop.Events.OfType<PredictionReady>());
        return FixedPointReference.Forward(model, inputs[0].Select(PrimeField.ToSigned).ToArray()).Logits.SequenceEqual(p.Logits.Select(PrimeField.ToSigned));
    }

    [Fact(Skip = "finding 2 (open, low; active user, outside the semi-honest model): inconsistent transition packings tell the user which packing F_BC's block l+1 reads")]
    public void An_active_user_cannot_tell_which_packing_block_l_plus_1_reads() =>
        Assert.Equal(Correct(FormPolicy.Matrix), Correct(FormPolicy.Planner));

    /// <summary>The mechanism of finding 2, kept running: the matrix form ignores the planes, the convolution reads them.</summary>
    [Fact]
    public void Zeroed_planes_change_the_prediction_only_when_block_l_plus_1_is_a_convolution()
    {
        Assert.True(Correct(FormPolicy.Matrix));
        Assert.False(Correct(FormPolicy.Planner));
    }
}
