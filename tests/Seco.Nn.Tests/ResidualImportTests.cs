using System.Text.Json;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Xunit;

namespace Seco.Nn.Tests;

/// <summary>
/// Issue 20: residual graphs. The fixtures in tests/data/residual are torch models with ResNet basic blocks (identity
/// shortcut, option A, option B) exported to ONNX as scripts/train_models.py exports ResNet-32, with torch's logits on
/// four inputs (scripts/residual_fixtures.py); the importer and the references are checked against them.
/// </summary>
public class ResidualImportTests
{
    private sealed record Fixture(string Model, string[] Blocks, double[][] Inputs, double[][] Logits);

    private static (NeuralModel Model, Fixture Data) Load(string name)
    {
        string dir = Path.Combine(RepoPaths.Root, "tests", "data", "residual");
        Fixture data = JsonSerializer.Deserialize<Fixture>(File.ReadAllText(Path.Combine(dir, name + ".json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        return (OnnxImporter.Load(Path.Combine(dir, data.Model)), data);
    }

    public static TheoryData<string> Fixtures => new() { "identity", "option-a", "option-b", "three-blocks" };

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TheFloatReferenceMatchesTorch(string name)
    {
        (NeuralModel model, Fixture data) = Load(name);
        for (int n = 0; n < data.Inputs.Length; n++)
        {
            double[] ours = FloatReference.Forward(model, data.Inputs[n]);
            Assert.Equal(data.Logits[n].Length, ours.Length);
            // torch computes in float32 with BatchNorm unfolded; we fold BN in double: agreement to float32 rounding
            for (int k = 0; k < ours.Length; k++)
                Assert.InRange(ours[k] - data.Logits[n][k], -1e-4, 1e-4);
        }
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TheFixedPointReferenceTracksTorchAndAgreesWithAnIndependentZpEvaluation(string name)
    {
        (NeuralModel model, Fixture data) = Load(name);
        foreach (int f in new[] { 8, 12 })
        {
            var fixedModel = new FixedPointModel(model, new FixedPointFormat(f));
            // rounding: weights and inputs to 2^-f, a floor per ReLU block (docs/fixed-point.md); with at most seven
            // layers on a path and logits below 1, the fixtures stay within 2^-(f-3) of float (seen: 0.0037 at f = 8)
            double tolerance = Math.ScaleB(1, 3 - f);
            for (int n = 0; n < data.Inputs.Length; n++)
            {
                long[] encoded = [.. data.Inputs[n].Select(fixedModel.Format.Encode)];
                FixedPointResult result = FixedPointReference.Forward(fixedModel, encoded);
                Assert.Equal(ZpReference.Logits(fixedModel, encoded), result.Logits);
                for (int k = 0; k < result.Logits.Length; k++)
                    Assert.InRange(fixedModel.DecodeLogit(result.Logits[k]) - data.Logits[n][k], -tolerance, tolerance);
            }
        }
    }

    [Fact]
    public void EachShortcutOptionImportsAsItsBlockStructure()
    {
        LayerBlock Residual(string name) => Load(name).Model.Blocks.Single(b => b.HasSkip);

        ResidualAddLayer identity = Residual("identity").Skip!;
        Assert.Equal(2, identity.Source); // the stem's output: the input of block 2 (conv1 of the residual block)
        Assert.Empty(identity.Branch);
        Assert.Equal("identity", identity.ShortcutKind);

        // option A: torch's two strided Slices merge into one subsample; the computed pads fold to a channel pad
        ResidualAddLayer a = Residual("option-a").Skip!;
        Assert.Equal(["Subsample2d", "ChannelPad"], a.Branch.Select(l => l.Kind));
        var sub = (Subsample2dLayer)a.Branch[0];
        Assert.Equal((0, 0, 2, 2), (sub.StartH, sub.StartW, sub.StepH, sub.StepW));
        Assert.Equal(new Shape(4, 4, 4), sub.Output);
        var pad = (ChannelPadLayer)a.Branch[1];
        Assert.Equal((2, 2), (pad.Before, pad.After));

        // option B: a 1×1 stride-2 conv with its BatchNorm folded in
        ResidualAddLayer b = Residual("option-b").Skip!;
        var conv = Assert.IsType<Conv2dLayer>(Assert.Single(b.Branch));
        Assert.Equal((1, 1, 2, 2), (conv.KernelH, conv.KernelW, conv.StrideH, conv.StrideW));
        Assert.NotEqual(0.0, conv.Bias[0]); // BN's shift became the bias

        NeuralModel three = Load("three-blocks").Model;
        Assert.Equal(["identity", "Subsample2d + ChannelPad", "Conv2d"], three.Blocks.Where(x => x.HasSkip).Select(x => x.Skip!.ShortcutKind));
        Assert.Equal(8, three.Blocks.Count); // stem, 3 × (conv1, conv2 + shortcut), logits
        Assert.True(three.HasSkips);
        // global average pooling over 2×2 then the linear layer: the logits block
        Assert.Equal(["AvgPool2d", "Flatten", "Dense"], three.Blocks[^1].Linear.Select(l => l.Kind));
    }

    [Fact]
    public void TheShortcutIsAlignedToTheMainBranchScaleExactly()
    {
        var fixedModel = new FixedPointModel(Load("three-blocks").Model, new FixedPointFormat(8));
        var residual = fixedModel.Blocks.Where(b => b.Block.HasSkip).ToArray();
        // identity and option A carry activations at 2^8 into a sum at 2^16; option B's conv is already at 2^16
        Assert.Equal([256L, 256L, 1L], residual.Select(b => b.SkipMultiplier));
        Assert.All(residual, b => Assert.Equal(16, b.OutputScaleBits));
        Assert.All(residual, b => Assert.Equal(8, b.TruncationShift));
    }

    [Fact]
    public void TheHeadroomBoundHoldsWhatTheReferenceSeesOnResidualBlocks()
    {
        (NeuralModel model, Fixture data) = Load("three-blocks");
        var fixedModel = new FixedPointModel(model, FixedPointFormat.Default);
        IReadOnlyList<BlockHeadroom> bounds = HeadroomAnalysis.Analyze(fixedModel);
        var rng = new Random(7);
        foreach (double[] x in data.Inputs.Append([.. Enumerable.Repeat(1.0, model.Input.Size)]).Append(TinyModels.RandomInput(rng, model.Input.Size)))
        {
            FixedPointResult r = FixedPointReference.Forward(fixedModel, x);
            for (int i = 0; i < bounds.Count; i++)
                Assert.True(r.BlockMaxMagnitude[i] <= bounds[i].WorstCaseMagnitude, $"block {i + 1}: saw {r.BlockMaxMagnitude[i]} above the bound {bounds[i].WorstCaseMagnitude}");
        }
    }
}
