using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Xunit;

namespace Seco.Nn.Tests;

/// <summary>Each block as one matrix (the HE layers' F_i) must agree with the layer-by-layer reference.</summary>
public class BlockMatrixTests
{
    [Theory]
    [InlineData("minionn.onnx", new[] { 2304, 256, 100, 10 })]
    [InlineData("lenet.onnx", new[] { 2880, 800, 500, 10 })]
    [InlineData("mlp.onnx", new[] { 128, 128, 10 })]
    public void BlockMatrixEqualsTheLayerByLayerComputation(string file, int[] outputs)
    {
        var model = new FixedPointModel(OnnxImporter.Load(RepoPaths.Models(file)), FixedPointFormat.Default);
        var random = new Random(17);
        Assert.Equal(outputs.Length, model.Blocks.Count);
        for (int b = 0; b < model.Blocks.Count; b++)
        {
            FixedPointBlock block = model.Blocks[b];
            BlockMatrix matrix = BlockMatrix.Build(block);
            Assert.Equal(outputs[b], matrix.Rows);
            Assert.Equal(block.Layers[0].Layer.Input.Size, matrix.Columns);
            for (int trial = 0; trial < 3; trial++)
            {
                // Activations at scale 2^8 in [0, 256] (post-ReLU range), and a few negative values to exercise signs.
                long[] x = Enumerable.Range(0, matrix.Columns).Select(_ => (long)random.Next(-64, 257)).ToArray();
                long[] expected = x;
                foreach (QuantizedLayer layer in block.Layers)
                {
                    expected = layer.Apply(expected);
                }

                Assert.Equal(expected, matrix.Apply(x));
            }
        }
    }

    [Fact]
    public void ConvolutionBlocksAreSparseAndDenseBlocksAreNot()
    {
        var model = new FixedPointModel(OnnxImporter.Load(RepoPaths.Models("minionn.onnx")), FixedPointFormat.Default);
        Assert.True(BlockMatrix.Build(model.Blocks[0]).Sparsity > 0.9); // each output sees a 6×6 window of 28×28
        Assert.True(BlockMatrix.Build(model.Blocks[2]).Sparsity < 0.5); // only weights that quantise to 0
    }
}
