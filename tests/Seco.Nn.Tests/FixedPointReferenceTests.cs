using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Xunit;

namespace Seco.Nn.Tests;

public class FixedPointReferenceTests
{
    [Fact]
    public void AgreesBitForBitWithAnIndependentZpEvaluation()
    {
        var rng = new Random(1234);
        for (int trial = 0; trial < 20; trial++)
        {
            NeuralModel model = TinyModels.MiniOnnLike(rng, scale: 0.3 + trial * 0.2);
            var fixedModel = new FixedPointModel(model, new FixedPointFormat(6 + trial % 5));
            double[] x = TinyModels.RandomInput(rng, model.Input.Size);
            long[] encoded = x.Select(fixedModel.Format.Encode).ToArray();
            Assert.Equal(ZpReference.Logits(fixedModel, encoded), FixedPointReference.Forward(fixedModel, encoded).Logits);
        }
    }

    [Fact]
    public void TracksTheFloatReferenceClosely()
    {
        var rng = new Random(99);
        NeuralModel model = TinyModels.MiniOnnLike(rng);
        var fixedModel = new FixedPointModel(model, new FixedPointFormat(12));
        for (int i = 0; i < 10; i++)
        {
            double[] x = TinyModels.RandomInput(rng, model.Input.Size);
            double[] expected = FloatReference.Forward(model, x);
            long[] logits = FixedPointReference.Forward(fixedModel, x).Logits;
            for (int k = 0; k < expected.Length; k++)
                Assert.InRange(fixedModel.DecodeLogit(logits[k]) - expected[k], -0.05, 0.05);
        }
    }

    [Fact]
    public void TruncationIsFloorThenReLU()
    {
        // one input, block 1: dense weight 1 → value v·2^8 at scale 2^16, truncated by 2^8 and ReLU'd; block 2: identity
        var d1 = new DenseLayer("d1", 1, 3, [1, -1, 1], [0, 0, -1.0 / 256 / 256]);
        var relu = new ReluLayer("r", d1.Output);
        var d2 = new DenseLayer("d2", 3, 3, [1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]);
        var m = new FixedPointModel(new NeuralModel("t", Shape.Vector(1), [d1, relu, d2]), new FixedPointFormat(8));
        FixedPointResult r = FixedPointReference.Forward(m, [3L]);
        // 3·256 = 768 → 3 ; −768 → −3 → 0 ; 768 − 1 = 767 → floor(767/256) = 2 (not 3: floor, not rounding)
        Assert.Equal(new long[] { 3, 0, 2 }, r.BlockOutputs[0]);
        Assert.Equal(new long[] { 3 * 256, 0, 2 * 256 }, r.Logits);
        Assert.Equal(8, m.Blocks[0].TruncationShift);
    }

    [Fact]
    public void NegativeValuesTruncateTowardMinusInfinity()
    {
        var d1 = new DenseLayer("d1", 1, 1, [1], [0]);
        var d2 = new DenseLayer("d2", 1, 1, [1], [0]);
        var m = new FixedPointModel(new NeuralModel("t", Shape.Vector(1), [d1, new ReluLayer("r", d1.Output), d2]), new FixedPointFormat(8));
        // input −1 (one LSB below zero): −1·256 = −256 → floor(−1) = −1 → ReLU → 0
        Assert.Equal(0, FixedPointReference.Forward(m, [-1L]).BlockOutputs[0][0]);
    }

    [Fact]
    public void PoolDivisorIsFoldedIntoTheShift()
    {
        var rng = new Random(5);
        NeuralModel model = TinyModels.MiniOnnLike(rng);
        var m = new FixedPointModel(model, new FixedPointFormat(8));
        Assert.Equal(8 + 2, m.Blocks[0].TruncationShift); // 2^f for the weights, 4 = 2^2 for the 2×2 pool
        Assert.Equal(8, m.Blocks[1].TruncationShift);
        Assert.Equal(0, m.Blocks[^1].TruncationShift);
        Assert.Equal(16, m.LogitScaleBits);
    }

    [Fact]
    public void OverflowWrapsExactlyAsInZp()
    {
        // a huge weight pushes the first block past p/2: the reference wraps like the protocol would
        var d1 = new DenseLayer("d1", 1, 1, [2e7], [0]);
        var d2 = new DenseLayer("d2", 1, 1, [1], [0]);
        var m = new FixedPointModel(new NeuralModel("t", Shape.Vector(1), [d1, new ReluLayer("r", d1.Output), d2]), new FixedPointFormat(8));
        long[] input = [256];
        FixedPointResult r = FixedPointReference.Forward(m, input);
        long integer = FixedPointFormat.Quantize(2e7, 8) * 256;
        Assert.True(integer > PrimeField.HalfP);
        Assert.Equal(integer, r.BlockMaxMagnitude[0]);
        Assert.Equal(0, r.BlockOutputs[0][0]); // wrapped negative → ReLU → 0
        Assert.Equal(ZpReference.Logits(m, input), r.Logits);
        Assert.False(HeadroomAnalysis.Analyze(m)[0].IsSafe);
    }

    [Fact]
    public void HeadroomBoundIsSoundForRandomInputs()
    {
        var rng = new Random(77);
        for (int trial = 0; trial < 5; trial++)
        {
            NeuralModel model = TinyModels.MiniOnnLike(rng, scale: 1.0 + trial);
            var m = new FixedPointModel(model, new FixedPointFormat(8));
            var bounds = HeadroomAnalysis.Analyze(m);
            for (int i = 0; i < 20; i++)
            {
                FixedPointResult r = FixedPointReference.Forward(m, TinyModels.RandomInput(rng, model.Input.Size));
                for (int b = 0; b < bounds.Count; b++)
                    Assert.True(r.BlockMaxMagnitude[b] <= bounds[b].WorstCaseMagnitude, $"block {b + 1}: {r.BlockMaxMagnitude[b]} > {bounds[b].WorstCaseMagnitude}");
            }
            // the all-ones and all-zeros inputs are corners of the box: still within the bound
            FixedPointResult ones = FixedPointReference.Forward(m, Enumerable.Repeat(1.0, model.Input.Size).ToArray());
            Assert.True(ones.BlockMaxMagnitude[0] <= bounds[0].WorstCaseMagnitude);
        }
    }

    [Fact]
    public void NonPowerOfTwoPoolingIsRejectedWithTheLayerName()
    {
        var input = new Shape(1, 6, 6);
        var pool = new AvgPool2dLayer("pool3x3", input, 3, 3, 3, 3, Padding2d.None);
        var relu = new ReluLayer("r", pool.Output);
        var flat = new FlattenLayer("f", pool.Output);
        var fc = new DenseLayer("fc", 4, 2, new double[8], new double[2]);
        var model = new NeuralModel("m", input, [pool, relu, flat, fc]);
        var e = Assert.Throws<ModelFormatException>(() => new FixedPointModel(model, FixedPointFormat.Default));
        Assert.Contains("average-pooling divisor 9", e.Message);
        Assert.Contains("'pool3x3'", e.Message);
        Assert.Contains("not a power of two", e.Message);
    }
}
