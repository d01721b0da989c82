using Seco.Nn.Data;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Xunit;

namespace Seco.Nn.Tests;

/// <summary>The trained models in models/: structure, overflow safety, and accuracy on the shipped images.</summary>
public class ShippedModelTests
{
    private static readonly Lazy<ImageSet> Images = new(() => IdxFile.Load(RepoPaths.Models(RepoPaths.TestImages)));

    [Theory]
    [InlineData("minionn.onnx", 4, "1×28×28", "10")]
    [InlineData("lenet.onnx", 4, "1×28×28", "10")]
    [InlineData("mlp.onnx", 3, "1×28×28", "10")]
    [InlineData("deepmlp.onnx", 10, "1×28×28", "10")]
    [InlineData("resnet32.onnx", 32, "3×32×32", "100")]
    public void LoadsWithTheDocumentedStructure(string file, int blocks, string input, string output)
    {
        NeuralModel m = OnnxImporter.Load(RepoPaths.Models(file));
        Assert.Equal(blocks, m.Blocks.Count);
        Assert.Equal(input, m.Input.ToString());
        Assert.Equal(output, m.Output.ToString());
        Assert.All(m.Blocks.SkipLast(1), b => Assert.True(b.HasRelu));
    }

    [Theory]
    [InlineData("minionn.onnx")]
    [InlineData("lenet.onnx")]
    [InlineData("mlp.onnx")]
    [InlineData("deepmlp.onnx")]
    public void OverflowIsImpossibleForInputsInZeroOne(string file)
    {
        var m = new FixedPointModel(OnnxImporter.Load(RepoPaths.Models(file)), FixedPointFormat.Default);
        foreach (BlockHeadroom h in HeadroomAnalysis.Analyze(m))
            Assert.True(h.IsSafe, $"{file} block {h.Block}: worst case 2^{h.Log2Bound:0.0} exceeds p/2");
    }

    [Theory]
    [InlineData("minionn.onnx", 0.85)]
    [InlineData("lenet.onnx", 0.85)]
    [InlineData("mlp.onnx", 0.83)]
    [InlineData("deepmlp.onnx", 0.83)]
    public void FixedPointAccuracyAndAgreementWithFloat(string file, double minAccuracy)
    {
        NeuralModel model = OnnxImporter.Load(RepoPaths.Models(file));
        var fixedModel = new FixedPointModel(model, FixedPointFormat.Default);
        ImageSet set = Images.Value;
        Assert.Equal(1000, set.Count);
        int correct = 0, agree = 0;
        var results = new (int Fixed, int Float)[set.Count];
        Parallel.For(0, set.Count, i =>
        {
            double[] x = set.Input(i);
            results[i] = (FixedPointReference.Forward(fixedModel, x).Prediction, FloatReference.Predict(model, x));
        });
        for (int i = 0; i < set.Count; i++)
        {
            if (results[i].Fixed == set.Label(i)) correct++;
            if (results[i].Fixed == results[i].Float) agree++;
        }
        Assert.True(correct >= minAccuracy * set.Count, $"{file}: fixed-point accuracy {correct}/1000");
        Assert.True(agree >= 990, $"{file}: fixed and float predictions agree on only {agree}/1000");
    }

    /// <summary>
    /// Issue 20: ResNet-32 (He et al.'s CIFAR variant, n = 5) imports as 32 blocks — the stem, 15 residual blocks of two
    /// (conv1; conv2 + shortcut), the logits (8×8 global average pool + dense) — with identity shortcuts except the two
    /// stride-2 stage entries (option A: subsample + 8 / 16 zero channels on each side).
    /// </summary>
    [Fact]
    public void ResNet32IsFifteenResidualBlocksWithOptionAShortcuts()
    {
        NeuralModel m = OnnxImporter.Load(RepoPaths.Models("resnet32.onnx"));
        Assert.Equal(31, m.Blocks.Count(b => b.Linear.Any(l => l is Conv2dLayer)));
        var residual = m.Blocks.Where(b => b.HasSkip).ToArray();
        Assert.Equal(15, residual.Length);
        Assert.All(residual, b => Assert.Equal(b.Index - 1, b.Skip!.Source)); // conv2 of a block adds the block's input
        Assert.Equal(13, residual.Count(b => b.Skip!.ShortcutKind == "identity"));
        Assert.Equal([12, 22], residual.Where(b => b.Skip!.ShortcutKind == "Subsample2d + ChannelPad").Select(b => b.Index - 1));
        Assert.Equal(["AvgPool2d", "Flatten", "Dense"], m.Blocks[^1].Linear.Select(l => l.Kind));
        Assert.Equal(64, m.Blocks[^1].PoolDivisor);
    }

    /// <summary>
    /// The interval bound proves nothing for ResNet-32 (31 layers compound it to 2^85, docs/fixed-point.md); what holds
    /// is measured: on the shipped images no linear output comes near p/2, and fixed point agrees with float.
    /// </summary>
    [Fact]
    public void ResNet32StaysFarFromPOnTheShippedImagesAndAgreesWithFloat()
    {
        NeuralModel model = OnnxImporter.Load(RepoPaths.Models("resnet32.onnx"));
        var fixedModel = new FixedPointModel(model, FixedPointFormat.Default);
        Assert.Contains(HeadroomAnalysis.Analyze(fixedModel), h => !h.IsSafe); // the bound is vacuous, as documented
        ImageSet set = Images.Value;
        const int count = 100;
        var results = new (int Fixed, int Float, long Max)[count];
        Parallel.For(0, count, i =>
        {
            double[] x = set.InputFor(i, model.Input);
            FixedPointResult r = FixedPointReference.Forward(fixedModel, x);
            results[i] = (r.Prediction, FloatReference.Predict(model, x), r.BlockMaxMagnitude.Max());
        });
        long max = results.Max(r => r.Max);
        Assert.True(Math.Log2(Field.PrimeField.HalfP) - Math.Log2(max) >= 8, $"largest linear output 2^{Math.Log2(max):0.0} is within 8 bits of p/2");
        int correct = Enumerable.Range(0, count).Count(i => results[i].Fixed == set.Label(i));
        int agree = results.Count(r => r.Fixed == r.Float);
        Assert.True(correct >= 0.88 * count, $"resnet32: fixed-point accuracy {correct}/{count}");
        Assert.True(agree >= 0.95 * count, $"resnet32: fixed and float agree on only {agree}/{count}");
    }

    /// <summary>
    /// Issue 18: the deep MLP has ten blocks, 784 → 128, eight 128 → 128, 128 → 10, each one Gemm (the first after the
    /// Flatten) closed by a ReLU except the logits; every ReLU block truncates by 2^f (one weighted layer, no pooling).
    /// </summary>
    [Fact]
    public void DeepMlpIsTenDenseBlocks()
    {
        NeuralModel m = OnnxImporter.Load(RepoPaths.Models("deepmlp.onnx"));
        int[] widths = [784, 128, 128, 128, 128, 128, 128, 128, 128, 128, 10];
        Assert.Equal(widths.Length - 1, m.Blocks.Count);
        Assert.Equal(233_866, m.ParameterCount);
        var fixedModel = new FixedPointModel(m, FixedPointFormat.Default);
        for (int i = 0; i < m.Blocks.Count; i++)
        {
            LayerBlock b = m.Blocks[i];
            Assert.Equal(i + 1, b.Index);
            DenseLayer dense = Assert.IsType<DenseLayer>(b.Linear[^1]);
            Assert.Equal(i == 0 ? 2 : 1, b.Linear.Count);
            if (i == 0) Assert.IsType<FlattenLayer>(b.Linear[0]);
            Assert.Equal((widths[i], widths[i + 1]), (dense.Inputs, dense.Outputs));
            Assert.Equal(i < m.Blocks.Count - 1, b.HasRelu);
            if (b.HasRelu) Assert.Equal(FixedPointFormat.Default.FractionalBits, fixedModel.Blocks[i].TruncationShift);
        }
    }

    /// <summary>The deep MLP's fixed-point accuracy on the shipped 1,000 images, exactly as models/README.md records it.</summary>
    [Fact]
    public void DeepMlpFixedPointAccuracyIsTheDocumentedOne()
    {
        const int documentedCorrect = 883; // models/README.md, "Fixed-point accuracy": deepmlp, Fixed (first 1,000)
        var fixedModel = new FixedPointModel(OnnxImporter.Load(RepoPaths.Models("deepmlp.onnx")), FixedPointFormat.Default);
        ImageSet set = Images.Value;
        var correct = new bool[set.Count];
        Parallel.For(0, set.Count, i => correct[i] = FixedPointReference.Forward(fixedModel, set.Input(i)).Prediction == set.Label(i));
        Assert.Equal(documentedCorrect, correct.Count(c => c));
    }
}
