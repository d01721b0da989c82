using Seco.Nn.Layers;
using Xunit;

namespace Seco.Nn.Tests;

public class LayerTests
{
    [Fact]
    public void ConvMatchesAHandComputedExample()
    {
        // input 1×3×3 = 1..9, kernel [[1,0],[0,-1]], bias 10 → out[r,c] = x[r,c] − x[r+1,c+1] + 10 = 6
        var conv = new Conv2dLayer("c", new Shape(1, 3, 3), 1, 2, 2, 1, 1, Padding2d.None, [1, 0, 0, -1], [10]);
        long[] y = conv.Apply<long>([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 0, 0, -1], [10]);
        Assert.Equal(new long[] { 6, 6, 6, 6 }, y);
        Assert.Equal(new Shape(1, 2, 2), conv.Output);
    }

    [Fact]
    public void ConvWithStrideAndPaddingUsesZeros()
    {
        // 1×2×2 input, 3×3 kernel of ones, pad 1 all round, stride 2 → 1×1×1: sum of all inputs
        var conv = new Conv2dLayer("c", new Shape(1, 2, 2), 1, 3, 3, 2, 2, new Padding2d(1, 1, 1, 1), new double[9], [0]);
        Assert.Equal(new Shape(1, 1, 1), conv.Output);
        long[] y = conv.Apply<long>([1, 2, 3, 4], Enumerable.Repeat(1L, 9).ToArray(), [0]);
        Assert.Equal(new long[] { 10 }, y);
    }

    [Fact]
    public void AvgPoolIsSumPoolingWithADivisor()
    {
        var pool = new AvgPool2dLayer("p", new Shape(2, 2, 4), 2, 2, 2, 2, Padding2d.None);
        Assert.Equal(4, pool.PoolDivisor);
        Assert.Equal(new Shape(2, 1, 2), pool.Output);
        long[] y = pool.Apply<long>([1, 2, 3, 4, 5, 6, 7, 8, /* ch 2 */ 1, 1, 1, 1, 1, 1, 1, 1], default, default);
        Assert.Equal(new long[] { 1 + 2 + 5 + 6, 3 + 4 + 7 + 8, 4, 4 }, y);
    }

    [Fact]
    public void DenseComputesWxPlusB()
    {
        var dense = new DenseLayer("d", 3, 2, [1, 2, 3, -1, 0, 1], [5, -5]);
        Assert.Equal(new long[] { 5 + 1 + 4 + 9, -5 - 1 + 3 }, dense.Apply<long>([1, 2, 3], [1, 2, 3, -1, 0, 1], [5, -5]));
        Assert.Equal(8, dense.ParameterCount);
    }

    [Fact]
    public void IntegerKernelsThrowOnOverflowInsteadOfWrapping()
    {
        var dense = new DenseLayer("d", 2, 1, [1, 1], [0]);
        Assert.Throws<OverflowException>(() => dense.Apply<long>([long.MaxValue, 1], [1, 1], [0]));
    }

    [Fact]
    public void ModelGroupsLayersIntoBlocksAtReLUs()
    {
        var s = new Shape(1, 4, 4);
        var conv = new Conv2dLayer("conv", s, 2, 1, 1, 1, 1, Padding2d.None, [1, 1], [0, 0]);
        var pool = new AvgPool2dLayer("pool", conv.Output, 2, 2, 2, 2, Padding2d.None);
        var relu = new ReluLayer("relu", pool.Output);
        var flat = new FlattenLayer("flat", pool.Output);
        var dense = new DenseLayer("fc", 8, 3, new double[24], new double[3]);
        var model = new NeuralModel("m", s, [conv, pool, relu, flat, dense]);
        Assert.Equal(2, model.Blocks.Count);
        Assert.True(model.Blocks[0].HasRelu);
        Assert.Equal(4, model.Blocks[0].PoolDivisor);
        Assert.False(model.Blocks[1].HasRelu);
        Assert.Equal(2, model.MaxSplit);
        Assert.Equal("Conv2d + AvgPool2d → ReLU", model.Blocks[0].Describe());
    }

    [Fact]
    public void ModelRejectsBrokenStructures()
    {
        var s = Shape.Vector(2);
        var dense = new DenseLayer("fc", 2, 2, new double[4], new double[2]);
        var e1 = Assert.Throws<ModelFormatException>(() => new NeuralModel("m", s, [new ReluLayer("r0", s), dense]));
        Assert.Contains("ReLU 'r0' does not follow a linear layer", e1.Message);
        var e2 = Assert.Throws<ModelFormatException>(() => new NeuralModel("m", s, [dense, new ReluLayer("r", s)]));
        Assert.Contains("must end with a Dense or Conv layer", e2.Message);
        var e3 = Assert.Throws<ModelFormatException>(() => new NeuralModel("m", Shape.Vector(3), [dense]));
        Assert.Contains("expects input 2 but the previous layer produces 3", e3.Message);
    }
}
