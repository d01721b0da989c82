using Seco.Nn;
using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Messages;
using Seco.Protocol.Model;
using Seco.Protocol.Model.Planning;
using Seco.Protocol.Roles;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// Residual models through the whole protocol (issue 20): the torch-exported three-block fixture (identity, option A
/// and option B shortcuts; 8 blocks) is bit-exact against the plaintext fixed-point reference with its shortcuts inside
/// F_A, inside F_BC (one tier and a tier boundary between a shortcut's source and its block), in both forms; a
/// shortcut across the split is refused by name.
/// </summary>
public class ResidualEndToEndTests
{
    private static readonly Lazy<FixedPointModel> Model = new(() =>
        new FixedPointModel(OnnxImporter.Load(Path.Combine(TestHost.Root, "tests", "data", "residual", "three-blocks.onnx")), FixedPointFormat.Default));

    private static ulong[][] Inputs(int count)
    {
        var random = new Random(20);
        int size = Model.Value.Blocks[0].Block.Input.Size;
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, size).Select(_ => PrimeField.FromSigned(random.Next(-256, 257))).ToArray())];
    }

    public static TheoryData<int, FormPolicy, string> Splits => new()
    {
        { 0, FormPolicy.Matrix, "" },
        { 0, FormPolicy.Planner, "" },
        { 0, FormPolicy.Matrix, "2:5,2:3" }, // block 7's shortcut source (block 6) is tier 2's input, block 5's (block 4) inside tier 1
        { 0, FormPolicy.Matrix, "2:4,3:4" }, // block 5 reads x_4, whose mask tier 1 shares, across the tier boundary
        { 1, FormPolicy.Matrix, "" },        // block 3 reads x_2 = the transition: the user's r_{l+1}, rotated halves
        { 1, FormPolicy.Planner, "" },       // … its channel planes
        { 2, FormPolicy.Matrix, "" },        // block 3 reads x_2 = x_l: the user's r_l, and A hands x_l − r_l to tier 1
        { 2, FormPolicy.Planner, "" },
        { 3, FormPolicy.Planner, "" },       // block 5's option A shortcut reads x_4 = the transition, subsampled planes
        { 4, FormPolicy.Planner, "" },       // … x_4 = x_l
        { 6, FormPolicy.Planner, "" },       // block 7's option B shortcut (strided 1×1 conv) reads x_6 = x_l
        { 5, FormPolicy.Matrix, "" },
        { 7, FormPolicy.Matrix, "" },
        { 7, FormPolicy.Planner, "" },
        { 8, FormPolicy.Matrix, "" },
    };

    [Theory]
    [MemberData(nameof(Splits))]
    public void Residual_model_is_bit_exact(int split, FormPolicy forms, string tiers)
    {
        FixedPointModel model = Model.Value;
        TierSpec[]? layout = tiers == "" ? null : [.. tiers.Split(',').Select(t => new TierSpec(int.Parse(t.Split(':')[0]), int.Parse(t.Split(':')[1])))];
        ulong[][] inputs = Inputs(2);
        ModelSplit deployment = ModelSplit.Create(model, split, EndToEndTests.Context.Value, tiers: layout, forms: forms);
        Assert.Equal(3, Enumerable.Range(1, model.Blocks.Count).Count(i => deployment.Parameters.ShortcutForm(i) is not null));
        ProtocolLoopback loop = EndToEndTests.Loopback(deployment, inputs);
        loop.Run();
        var predictions = loop.Events.OfType<PredictionReady>().OrderBy(p => p.Query).ToList();
        Assert.Equal([0, 1], predictions.Select(p => p.Query));
        foreach (PredictionReady p in predictions)
        {
            long[] expected = FixedPointReference.Forward(model, inputs[p.Query].Select(PrimeField.ToSigned).ToArray()).Logits;
            Assert.Equal(expected, p.Logits.Select(PrimeField.ToSigned).ToArray());
        }
    }

    [Fact]
    public void A_shortcut_from_further_back_than_x_l_is_refused_by_name()
    {
        // Three 16-wide blocks, block 3 adding x_1: at l = 2 its shortcut reads x_1, before the user's masks across the split.
        BlockShape[] blocks =
        [
            new(1, 16, 16, true, 8),
            new(2, 16, 16, true, 8),
            new(3, 16, 16, false, 0) { ShortcutSource = 1 },
        ];
        ArgumentException e = Assert.Throws<ArgumentException>(() => new SecoParameters(EndToEndTests.Context.Value, blocks, 2));
        Assert.Contains("block 3's shortcut reads block 1's input, more than one block before the split l = 2", e.Message);
        Assert.NotNull(new SecoParameters(EndToEndTests.Context.Value, blocks, 1).ShortcutForm(3)); // x_1 = x_l at l = 1
    }
}
