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
    [InlineData("minionn.onnx", 4, "1×28×28")]
    [InlineData("lenet.onnx", 4, "1×28×28")]
    [InlineData("mlp.onnx", 3, "1×28×28")]
    [InlineData("deepmlp.onnx", 10, "1×28×28")]
    public void LoadsWithTheDocumentedStructure(string file, int blocks, string input)
    {
        NeuralModel m = OnnxImporter.Load(RepoPaths.Models(file));
        Assert.Equal(blocks, m.Blocks.Count);
        Assert.Equal(input, m.Input.ToString());
        Assert.Equal("10", m.Output.ToString());
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
