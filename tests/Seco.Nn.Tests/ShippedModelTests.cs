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
}
