using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Linear;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// The protocol with the planner's forms (issue 20): MiniONN's and LeNet's first convolutions run as channel-packed
/// convolutions — LeNet's over three output ciphertexts — and the prediction still equals the plaintext fixed-point
/// reference bit for bit at every split, with the transition mask taken from the user's channel planes at l = 0.
/// </summary>
public class ConvFormEndToEndTests
{
    public static TheoryData<string, int> Splits => new()
    {
        { "minionn.onnx", 0 }, { "minionn.onnx", 1 }, { "minionn.onnx", 2 }, { "minionn.onnx", 4 },
        { "lenet.onnx", 0 }, { "lenet.onnx", 1 }, { "lenet.onnx", 2 }, { "lenet.onnx", 4 },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Planner_forms_are_bit_exact(string file, int split)
    {
        FixedPointModel model = EndToEndTests.Model(file);
        split = Math.Min(split, model.Blocks.Count);
        ulong[][] inputs = EndToEndTests.Inputs(model, 1);
        ModelSplit deployment = ModelSplit.Create(model, split, EndToEndTests.Context.Value, forms: FormPolicy.Planner);
        Assert.IsType<ConvolutionForm>(deployment.Parameters.Form(1)); // the planner's pick for both first convolutions
        ProtocolLoopback loop = EndToEndTests.Loopback(deployment, inputs);
        loop.Run();

        PredictionReady p = Assert.Single(loop.Events.OfType<PredictionReady>());
        long[] expected = FixedPointReference.Forward(model, inputs[0].Select(PrimeField.ToSigned).ToArray()).Logits;
        Assert.Equal(expected, p.Logits.Select(PrimeField.ToSigned).ToArray());
    }

    [Fact]
    public void Lenet_first_block_spans_several_ciphertexts_in_every_message_that_carries_it()
    {
        FixedPointModel model = EndToEndTests.Model("lenet.onnx");
        SecoParameters p = ModelSplit.ParametersOf(model, 1, EndToEndTests.Context.Value, forms: FormPolicy.Planner);
        Assert.Equal(3, p.OutputCiphertexts(1)); // 20 output channels, 8 per ciphertext at n = 8192
        ModelSplit deployment = ModelSplit.Create(model, 1, EndToEndTests.Context.Value, forms: FormPolicy.Planner);
        ProtocolLoopback loop = EndToEndTests.Loopback(deployment, EndToEndTests.Inputs(model, 1));
        loop.Run();
        GatewayPreprocessing shares = Assert.Single(loop.Delivered.Select(d => d.Message).OfType<GatewayPreprocessing>());
        Assert.Equal(3, shares.ShareCiphertexts.Length);
        Assert.Single(loop.Events.OfType<PredictionReady>());
    }

    [Fact]
    public void The_users_transition_mask_does_not_depend_on_the_form_of_block_l_plus_1()
    {
        // The same model and split with F_BC's first block as a convolution or as a matrix: the user sends the same
        // number of ciphertexts, from the activation's shape alone (TransitionPacking).
        FixedPointModel model = EndToEndTests.Model("lenet.onnx");
        int Count(FormPolicy forms)
        {
            ProtocolLoopback loop = EndToEndTests.Loopback(ModelSplit.Create(model, 0, EndToEndTests.Context.Value, forms: forms), EndToEndTests.Inputs(model, 1));
            loop.Run();
            Assert.Single(loop.Events.OfType<PredictionReady>());
            return Assert.Single(loop.Delivered.Select(d => d.Message).OfType<UserPreprocessing>()).TransitionMask.Length;
        }

        Assert.Equal(Count(FormPolicy.Matrix), Count(FormPolicy.Planner));
    }
}
