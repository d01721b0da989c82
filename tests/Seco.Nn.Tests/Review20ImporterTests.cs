using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Nn.Onnx.Proto;
using Xunit;
using static Seco.Nn.Tests.OnnxBuilder;
using static Seco.Nn.Tests.ResidualGraphs;

namespace Seco.Nn.Tests;

/// <summary>
/// Review of the residual importer (issue 20): hostile graphs that slipped past it — a crash with another exception
/// type, a model silently different from the graph — now fail with one line naming the node.
/// </summary>
public class Review20ImporterTests
{
    private static void Logits(OnnxBuilder b, int inputs)
    {
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer(Seq(3 * inputs), 3, inputs)], Int("transB", 1));
    }

    /// <summary>An INT64 initializer with the given dimensions and no values (a zero-element tensor).</summary>
    private static string EmptyInitializer(OnnxBuilder b, params long[] dims) => b.Int64Initializer([], dims);

    [Fact]
    public void AnIntegerTensorWhoseElementCountOverflowsIsAModelFormatError()
    {
        var (b, _) = Stem();
        string starts = EmptyInitializer(b, 1L << 32, 1L << 32);
        NodeProto slice = b.Node("Slice", [starts, b.Int64Initializer([long.MaxValue], 1)]);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{slice.Name}' (Slice)", e.Message);
    }

    [Fact]
    public void AFoldedShapeWhoseElementCountWrapsToZeroIsRefused()
    {
        // [4096, 2^52]: 4096 · 2^52 = 2^64 wraps to 0 in unchecked long arithmetic, passing the 4096 cap
        var (b, _) = Stem();
        string shape = b.Int64Initializer([4096, 1L << 52], 2);
        string bomb = b.ConstantNode("ConstantOfShape", [shape]);
        b.Node("Pad", [bomb]);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(ConstantOfShape)", e.Message);
    }

    [Theory]
    [InlineData("Transpose")]
    [InlineData("Slice")]
    public void AZeroElementConstantWithAHugeDimensionIsRefusedBeforeItIsWalked(string op)
    {
        // [0, 2^22] holds no value, yet folding walked (and allocated) every index of the second axis; at 2^40 it hangs
        var (b, _) = Stem();
        string empty = EmptyInitializer(b, 0, 1L << 22);
        string[] inputs = op == "Slice"
            ? [empty, b.Int64Initializer([0], 1), b.Int64Initializer([long.MaxValue], 1), b.Int64Initializer([1], 1)]
            : [empty];
        b.ConstantNode(op, inputs);
        Logits(b, 2 * 16);
        byte[] bytes = b.Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFormatException>(() => Seco.Nn.Onnx.OnnxImporter.Parse(bytes, "test.onnx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains($"({op})", e.Message);
        Assert.Contains("dimension 4194304", e.Message);
        Assert.True(allocated < 4 << 20, $"refusing the node allocated {allocated} bytes");
    }

    [Fact]
    public void AFoldedSliceWithAHugeStepPicksOnlyItsStart()
    {
        // [99, -1, 98][1::INT64_MAX] = [-1]; i += step used to wrap to a negative index
        var (b, _) = Stem();
        string data = b.Int64Initializer([99, -1, 98], 3);
        string target = b.ConstantNode("Slice", [data, b.Int64Initializer([1], 1), b.Int64Initializer([3], 1),
            b.Int64Initializer([0], 1), b.Int64Initializer([long.MaxValue], 1)]);
        b.Node("Reshape", [target]);
        b.Node("Gemm", [b.Initializer(Seq(3 * 32), 3, 32)], Int("transB", 1));
        NeuralModel m = b.Import();
        Assert.IsType<FlattenLayer>(m.Blocks[^1].Linear[0]);
    }

    [Fact]
    public void AFoldedSliceThatRepeatsAnAxisIsRefused()
    {
        var (b, _) = Stem();
        string k = b.ConstantNode("Slice", [b.Int64Initializer([1, 2, 3], 3), b.Int64Initializer([0, 1], 2), b.Int64Initializer([3, 3], 2),
            b.Int64Initializer([0, 0], 2)]);
        Logits(b, 2 * 16);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(Slice)", e.Message);
        Assert.Contains("more than once", e.Message);
        Assert.NotNull(k);
    }

    [Fact]
    public void ConsecutiveSlicesWhoseStepsMultiplyPast32BitsKeepTheirMeaning()
    {
        // steps 65,535, 12 and 60,076 on a 2^20 axis select row 0 only (17, 2, then 1 row); the merged step
        // 65,535 · 12 · 60,076 = 47,244,967,920 wrapped in 32 bits to 327,664, which selects 4 rows
        var b = new OnnxBuilder(1, 1 << 20, 1);
        foreach (long step in new long[] { 65535, 12, 60076 })
            b.Node("Slice", [b.Int64Initializer([0], 1), b.Int64Initializer([long.MaxValue], 1), b.Int64Initializer([2], 1), b.Int64Initializer([step], 1)]);
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([0.5, 0.25], 2, 1)], Int("transB", 1));
        NeuralModel m = b.Import();
        var sub = Assert.IsType<Subsample2dLayer>(m.Layers[0]);
        Assert.Equal(new Shape(1, 1, 1), sub.Output);
    }

    [Fact]
    public void ASliceThatRepeatsAnAxisIsRefused()
    {
        var (b, _) = Stem();
        NodeProto slice = b.Node("Slice", [b.Int64Initializer([0, 1], 2), b.Int64Initializer([long.MaxValue, long.MaxValue], 2),
            b.Int64Initializer([2, 2], 2), b.Int64Initializer([2, 1], 2)]);
        Logits(b, 2 * 3 * 4); // imported as the last of the two: 2×3×4
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{slice.Name}' (Slice)", e.Message);
        Assert.Contains("more than once", e.Message);
    }

    [Fact]
    public void AnInputWhoseSizeOverflowsIsRefused()
    {
        var b = new OnnxBuilder(1, 1 << 20, 1 << 20);
        b.Node("Flatten", []);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("graph input 'input'", e.Message);
    }

    [Fact]
    public void AnActivationTooLargeToEvaluateIsRefusedNamingTheNode()
    {
        // a 1×1 input padded by 65,536 on every side: a 1×131,073×131,073 activation (more than 2^31 values) from a tiny file
        var b = new OnnxBuilder(1, 1, 1);
        NodeProto conv = b.Node("Conv", [b.Initializer([1.0], 1, 1, 1, 1)], Ints("kernel_shape", 1, 1), Ints("pads", 65536, 65536, 65536, 65536));
        b.Node("Relu", []);
        b.Node("GlobalAveragePool", []);
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"'{conv.Name}'", e.Message);
    }

    [Fact]
    public void AnAveragePoolWhoseDivisorOverflowsIsRefused()
    {
        // kernel 65,536 × 65,535 over a padded 1×1 input: the divisor 4,294,901,760 wrapped to −65,536 (the logit's sign flipped)
        var b = new OnnxBuilder(1, 1, 1);
        NodeProto pool = b.Node("AveragePool", [], Ints("kernel_shape", 65536, 65535), Ints("pads", 32768, 32767, 32767, 32767), Int("count_include_pad", 1));
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"'{pool.Name}'", e.Message);
    }

    [Fact]
    public void PoolingDivisorsWhoseProductExceeds64BitsAreAModelFormatErrorInFixedPoint()
    {
        // three 32,768×32,768 pools over a padded 1×1 input: each divisor is 2^30, their product 2^90
        var b = new OnnxBuilder(1, 1, 1);
        var pools = new List<NodeProto>();
        for (int i = 0; i < 3; i++)
            pools.Add(b.Node("AveragePool", [], Ints("kernel_shape", 32768, 32768), Ints("pads", 16384, 16384, 16383, 16383), Int("count_include_pad", 1)));
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        NeuralModel m = b.Import();
        Assert.Equal(Math.ScaleB(1.0, -90), FloatReference.Forward(m, [1.0])[0], 1e-40);
        var e = Assert.Throws<ModelFormatException>(() => new FixedPointModel(m, FixedPointFormat.Default));
        Assert.Contains($"'{pools[2].Name}'", e.Message);
    }

    [Fact]
    public void AWeightTooLargeForFixedPointIsAModelFormatError()
    {
        var b = new OnnxBuilder(2);
        NodeProto gemm = b.Node("Gemm", [b.Initializer([1e20, 1], 1, 2)], Int("transB", 1));
        NeuralModel m = b.Import();
        var e = Assert.Throws<ModelFormatException>(() => new FixedPointModel(m, FixedPointFormat.Default));
        Assert.Contains($"'{gemm.Name}'", e.Message);
    }

    [Fact]
    public void ANodeWithoutOutputsIsNamed()
    {
        var (b, _) = Stem();
        NodeProto conv = b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        conv.Output.Clear();
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{conv.Name}' (Conv)", e.Message);
    }

    [Fact]
    public void AFloatConstantOfShapeIsRefusedNamingTheNode()
    {
        var (b, _) = Stem();
        var value = new TensorProto { DataType = (int)TensorProto.Types.DataType.Float };
        value.Dims.Add(1);
        value.FloatData.Add(1f);
        string k = b.ConstantNode("ConstantOfShape", [b.Int64Initializer([2], 1)],
            new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(ConstantOfShape)", e.Message);
        Assert.NotNull(k);
    }

    [Fact]
    public void AConvBiasAddOfShapeCBroadcastsOverWidthNotChannels()
    {
        // [1,2,4,2] + [2] adds k[w] to y[c,h,w] (numpy broadcasting aligns the last axes); it was folded as k[c]
        var b = new OnnxBuilder(2, 4, 2);
        b.Node("Conv", [b.Initializer([1, 0, 0, 1], 2, 2, 1, 1)], Ints("kernel_shape", 1, 1));
        NodeProto add = b.Node("Add", [b.Initializer([1.0, 10.0], 2)]);
        Logits(b, 2 * 4 * 2);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{add.Name}' (Add)", e.Message);

        var ok = new OnnxBuilder(2, 4, 2);
        ok.Node("Conv", [ok.Initializer([1, 0, 0, 1], 2, 2, 1, 1)], Ints("kernel_shape", 1, 1));
        ok.Node("Add", [ok.Initializer([1.0, 10.0], 1, 2, 1, 1)]);
        Logits(ok, 2 * 4 * 2);
        Assert.Equal([1.0, 10.0], ok.Import().Blocks[0].Linear[0].Bias.ToArray());
    }

    [Fact]
    public void AddingAFlattenedBranchToAFourDimensionalOneIsRefused()
    {
        // [1,4] + [1,4,1,1] broadcasts to [1,4,1,4] in ONNX; both were taken as the 4-value shape 4×1×1 and summed
        var b = new OnnxBuilder(4, 1, 1);
        b.Node("Conv", [b.Initializer(Seq(16), 4, 4, 1, 1)], Ints("kernel_shape", 1, 1));
        b.Node("Relu", []);
        string x = b.Current;
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer(Seq(16), 4, 4)], Int("transB", 1));
        NodeProto add = b.Join(x);
        b.Node("Relu", []);
        b.Node("Gemm", [b.Initializer(Seq(8), 2, 4)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{add.Name}' (Add)", e.Message);
    }

    [Fact]
    public void AConvolutionOfAGemmOutputIsRefused()
    {
        // the [N,K] output of a Gemm is no image, even after a ReLU (it was taken as K channels of 1×1)
        var b = new OnnxBuilder(4);
        b.Node("Gemm", [b.Initializer(Seq(16), 4, 4)], Int("transB", 1));
        b.Node("Relu", []);
        NodeProto conv = b.Node("Conv", [b.Initializer(Seq(8), 2, 4, 1, 1)], Ints("kernel_shape", 1, 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{conv.Name}' (Conv)", e.Message);
        Assert.Contains("flattened", e.Message);
    }

    [Fact]
    public void AWeightWithAZeroDimensionIsRefusedRatherThanTruncated()
    {
        // a Gemm weight [0, 2^32 + 3] read its input count as (int)(2^32 + 3) = 3 and built a layer with no outputs
        var b = new OnnxBuilder(3);
        var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float };
        w.Dims.AddRange([0, (1L << 32) + 3]);
        NodeProto gemm = b.Node("Gemm", ["w"], Int("transB", 1));
        byte[] bytes = b.Build();
        var model = ModelProto.Parser.ParseFrom(bytes);
        model.Graph.Initializer.Add(w);
        var e = Assert.Throws<ModelFormatException>(() => Seco.Nn.Onnx.OnnxImporter.Parse(Google.Protobuf.MessageExtensions.ToByteArray(model), "test.onnx"));
        Assert.Contains($"node '{gemm.Name}' (Gemm)", e.Message);
    }

    [Fact]
    public void SixtyFourBitOverflowInTheReferencesIsAModelFormatErrorOrAnUnsafeBound()
    {
        // weights of 2^31 (2^39 at f = 8, inside p/2) in four blocks: block 2 of the fixed-point reference exceeds 2^63
        // for the input 1.0, and the interval bound of block 4 exceeds 2^127; both threw OverflowException
        var b = new OnnxBuilder(1);
        for (int i = 0; i < 4; i++)
        {
            b.Node("Gemm", [b.Initializer([Math.ScaleB(1.0, 31)], 1, 1)], Int("transB", 1));
            b.Node("Relu", []);
        }
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        var m = new FixedPointModel(b.Import(), FixedPointFormat.Default);
        var e = Assert.Throws<ModelFormatException>(() => FixedPointReference.Forward(m, [1.0]));
        Assert.Contains("block 2", e.Message);
        IReadOnlyList<BlockHeadroom> bounds = HeadroomAnalysis.Analyze(m);
        Assert.Equal(5, bounds.Count);
        Assert.All(bounds, h => Assert.False(h.IsSafe));
        Assert.Equal(Int128.MaxValue, bounds[^1].WorstCaseMagnitude);
    }

    [Fact]
    public void ImagesDoNotFitAnotherShapeOfTheSameSize()
    {
        // 28×28 pixels as a 4×14×14 input: the same 784 values, read as four 14×14 channels (rows cut in half)
        var set = new Seco.Nn.Data.ImageSet(1, 28, 28, new byte[784], null);
        Assert.True(set.Fits(new Shape(1, 28, 28)));
        Assert.True(set.Fits(Shape.Vector(784)));
        Assert.False(set.Fits(new Shape(4, 14, 14)));
        Assert.Throws<ArgumentException>(() => set.InputFor(0, new Shape(4, 14, 14)));
    }

    [Fact]
    public void AFoldedSqueezeOfAxisTwoToThe32IsRefusedNotTakenAsAxisZero()
    {
        var (b, _) = Stem();
        b.ConstantNode("Squeeze", [b.Int64Initializer([1, 2, 3], 1, 3), b.Int64Initializer([1L << 32], 1)]);
        Logits(b, 2 * 16);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(Squeeze)", e.Message);
    }

    [Fact]
    public void AReshapeWithAllowZeroAndAZeroIsNoFlatten()
    {
        // allowzero = 1 makes the 0 literal: [0, 32] holds no values (and 32 ≠ 0), it does not copy the batch dimension
        var (b, _) = Stem();
        NodeProto reshape = b.Node("Reshape", [b.Int64Initializer([0, 32], 2)], Int("allowzero", 1));
        b.Node("Gemm", [b.Initializer(Seq(3 * 32), 3, 32)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{reshape.Name}' (Reshape)", e.Message);
    }

    [Fact]
    public void AFoldedReshapeWithAllowZeroKeepsTheZero()
    {
        // [2, 0] to [0, 7] with allowzero = 1 is [0, 7]; copying the 2 made it [2, 7], 14 values from none
        var (b, _) = Stem();
        b.ConstantNode("Reshape", [b.Int64Initializer([], 2, 0), b.Int64Initializer([0, 7], 2)], Int("allowzero", 1));
        Logits(b, 2 * 16);
        Assert.Equal(3, b.Import().Output.Size);
    }

    [Fact]
    public void AnAddOfAConvAndAConvAfterItTakesTheDeeperBranchAsMainInEitherOrder()
    {
        // y = conv2(conv1(x)) + conv1(x): with conv1's branch first, conv1 was the main branch and the two-conv shortcut
        // could not be aligned in fixed point
        var (b, x) = Stem();
        b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string c1 = b.Current;
        b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string c2 = b.Current;
        b.From(c1).Join(c2);
        b.Node("Relu", []);
        Logits(b, 2 * 16);
        NeuralModel m = b.Import();
        Assert.Equal(2, m.Blocks[1].WeightedLayerCount);
        Assert.Equal("Conv2d", m.Blocks[1].Skip!.ShortcutKind);
        var fixedPoint = new FixedPointModel(m, FixedPointFormat.Default);
        Assert.Equal(1L << 8, fixedPoint.Blocks[1].SkipMultiplier);
        Assert.NotNull(x);
    }

    [Fact]
    public void AGemmBiasOfShapeKByOneIsRefused()
    {
        // C = [2, 1] broadcasts against [1, 2] to a 2×2 result; it was taken as a bias per output
        var b = new OnnxBuilder(3);
        NodeProto gemm = b.Node("Gemm", [b.Initializer(Seq(6), 2, 3), b.Initializer([1.0, 2.0], 2, 1)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{gemm.Name}' (Gemm)", e.Message);

        var ok = new OnnxBuilder(3);
        ok.Node("Gemm", [ok.Initializer(Seq(6), 2, 3), ok.Initializer([1.0, 2.0], 1, 2)], Int("transB", 1));
        Assert.Equal([1.0, 2.0], ok.Import().Layers[0] is DenseLayer d ? d.Bias.ToArray() : []);
    }

    [Fact]
    public void AConcatNamingOneConstantManyTimesIsRefusedBeforeDecodingIt()
    {
        // 200 references cost the file ~1 KB; decoding each 4,096-element input cost 32 KB
        var (b, _) = Stem();
        string k = b.Int64Initializer([.. Enumerable.Range(0, 4096).Select(i => (long)i)], 4096);
        b.ConstantNode("Concat", [.. Enumerable.Repeat(k, 200)], Int("axis", 0));
        Logits(b, 2 * 16);
        byte[] bytes = b.Build();
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ModelFormatException>(() => Seco.Nn.Onnx.OnnxImporter.Parse(bytes, "test.onnx"));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("(Concat)", e.Message);
        Assert.True(allocated < 2 << 20, $"refusing the node allocated {allocated} bytes");
    }

    [Fact]
    public void FoldedConstantsShareOneBudget()
    {
        // every fold is kept: 20 copies of a 4,096-element constant (a few bytes of file each) kept 640 KB
        var (b, _) = Stem();
        string k = b.Int64Initializer([.. Enumerable.Range(0, 4096).Select(i => (long)i)], 4096);
        for (int i = 0; i < 20; i++)
            b.ConstantNode("Transpose", [k]);
        Logits(b, 2 * 16);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(Transpose)", e.Message);
        Assert.Contains("in all", e.Message);
    }

    [Fact]
    public void ManyLayersSharingOneWeightAreBoundedByTheFileSize()
    {
        // one 128×128 weight (64 KB) named by 100 Gemm nodes (a few KB): 1.6 million values decoded, 13 MB as doubles
        var b = new OnnxBuilder(128);
        string w = b.Initializer(new double[128 * 128], 128, 128);
        for (int i = 0; i < 100; i++)
        {
            b.Node("Gemm", [w], Int("transB", 1));
            b.Node("Relu", []);
        }
        b.Node("Gemm", [w], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(Gemm)", e.Message);
        Assert.Contains("per byte", e.Message);

        var shared = new OnnxBuilder(128); // four uses of one weight stay within the budget
        string v = shared.Initializer(new double[128 * 128], 128, 128);
        for (int i = 0; i < 3; i++)
        {
            shared.Node("Gemm", [v], Int("transB", 1));
            shared.Node("Relu", []);
        }
        shared.Node("Gemm", [v], Int("transB", 1));
        Assert.Equal(4, shared.Import().Blocks.Count);
    }

    [Fact]
    public void AutoPadValidWithPadsIsRefused()
    {
        // ONNX Runtime pads nothing for auto_pad = VALID; the importer applied the pads
        var b = new OnnxBuilder(1, 4, 4);
        NodeProto conv = b.Node("Conv", [b.Initializer(Seq(9), 1, 1, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1),
            new AttributeProto { Name = "auto_pad", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("VALID") });
        Logits(b, 16);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{conv.Name}' (Conv)", e.Message);
    }

    [Fact]
    public void AModelTooCostlyToEvaluateIsRefused()
    {
        // a 2^20-value input and a 65×65 kernel: 4.4 billion multiply-adds per pass from an 18 KB file
        var b = new OnnxBuilder(1, 1024, 1024);
        NodeProto conv = b.Node("Conv", [b.Initializer(new double[65 * 65], 1, 1, 65, 65)], Ints("kernel_shape", 65, 65), Ints("pads", 32, 32, 32, 32));
        b.Node("Relu", []);
        b.Node("GlobalAveragePool", []);
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{conv.Name}' (Conv2d)", e.Message);
    }

    [Fact]
    public void ANodeRedefiningATensorIsRefused()
    {
        // a Constant reassigning the name of a Conv's output: the ReLU reading that name read the stale convolution
        var (b, _) = Stem();
        b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string c = b.Current;
        var value = new TensorProto { DataType = (int)TensorProto.Types.DataType.Int64 };
        value.Dims.Add(1);
        value.Int64Data.Add(7);
        string k = b.ConstantNode("Constant", [], new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
        b.Node("Relu", []);
        Logits(b, 2 * 16);
        byte[] bytes = b.Build();
        var model = ModelProto.Parser.ParseFrom(bytes);
        NodeProto constant = model.Graph.Node.Single(n => n.Output.Contains(k));
        constant.Output[0] = c;
        var e = Assert.Throws<ModelFormatException>(() => Seco.Nn.Onnx.OnnxImporter.Parse(Google.Protobuf.MessageExtensions.ToByteArray(model), "test.onnx"));
        Assert.Contains($"node '{constant.Name}' (Constant)", e.Message);
        Assert.Contains("already defined", e.Message);
    }

    [Fact]
    public void BatchNormsFoldingToAnInfiniteWeightAreRefused()
    {
        // each fold multiplies by 3e38 / sqrt(1e-45) ≈ 1e61: six in a row overflow double, and the float reference gave NaN
        var b = new OnnxBuilder(1, 2, 2);
        b.Node("Conv", [b.Initializer([1.0], 1, 1, 1, 1)], Ints("kernel_shape", 1, 1));
        NodeProto? last = null;
        for (int i = 0; i < 6; i++)
            last = b.Node("BatchNormalization", [b.Initializer([3e38], 1), b.Initializer([0.0], 1), b.Initializer([0.0], 1), b.Initializer([0.0], 1)],
                Float("epsilon", 1e-45f));
        Logits(b, 4);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{last!.Name}' (BatchNormalization)", e.Message);
    }

    [Fact]
    public void DropoutInTrainingModeIsRefused()
    {
        // Dropout(x, ratio, training_mode = true) zeroes values at random; it was imported as the identity
        var (b, _) = Stem();
        var training = new TensorProto { Name = "training", DataType = (int)TensorProto.Types.DataType.Bool };
        training.RawData = Google.Protobuf.ByteString.CopyFrom(1);
        string ratio = b.Initializer([0.5], 1);
        b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        NodeProto dropout = b.Node("Dropout", [ratio, "training"]);
        Logits(b, 2 * 16);
        var model = ModelProto.Parser.ParseFrom(b.Build());
        model.Graph.Initializer.Add(training);
        var e = Assert.Throws<ModelFormatException>(() => Seco.Nn.Onnx.OnnxImporter.Parse(Google.Protobuf.MessageExtensions.ToByteArray(model), "test.onnx"));
        Assert.Contains($"node '{dropout.Name}' (Dropout)", e.Message);
        Assert.Contains("training_mode = true", e.Message);
        training.RawData = Google.Protobuf.ByteString.CopyFrom(0); // inference mode: the identity
        Assert.Equal(3, Seco.Nn.Onnx.OnnxImporter.Parse(Google.Protobuf.MessageExtensions.ToByteArray(model), "test.onnx").Output.Size);

        var (c, _) = Stem();
        c.Node("Conv", [c.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        NodeProto old = c.Node("Dropout", [], Int("is_test", 0));
        Logits(c, 2 * 16);
        string message = Assert.Throws<ModelFormatException>(c.Import).Message;
        Assert.Contains($"node '{old.Name}' (Dropout)", message);
        Assert.Contains("is_test = 0", message);
    }

    [Fact]
    public void ALongChainOfLayersImportsInLinearTime()
    {
        // 60,000 1×1 average pools (4 MB): each node copied its branch's layer list, so the import took n² steps (about a
        // minute here; a 100 MB file, hours)
        var b = new OnnxBuilder(1, 1, 1);
        for (int i = 0; i < 60_000; i++)
            b.Node("AveragePool", [], Ints("kernel_shape", 1, 1));
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        byte[] bytes = b.Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        NeuralModel m = Seco.Nn.Onnx.OnnxImporter.Parse(bytes, "test.onnx");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the import took {clock.Elapsed}");
        Assert.Equal(60_002, m.Layers.Count);
    }

    [Fact]
    public void ManyResidualAddsOfALongShortcutImportInLinearTime()
    {
        // 30,000 Adds, each of a Conv and one 30,000-layer shortcut: every Add counted and re-checked the whole
        // shortcut, 47 s here
        var (b, x) = Stem();
        b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        string c = b.Current;
        b.From(x);
        for (int i = 0; i < 30_000; i++)
            b.Node("AveragePool", [], Ints("kernel_shape", 1, 1));
        string shortcut = b.Current;
        for (int i = 0; i < 30_000; i++)
            b.From(c).Join(shortcut);
        b.Node("Relu", []);
        Logits(b, 2 * 16);
        byte[] bytes = b.Build();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        NeuralModel m = Seco.Nn.Onnx.OnnxImporter.Parse(bytes, "test.onnx");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the import took {clock.Elapsed}");
        Assert.Equal(30_000, m.Blocks[1].Skip!.Branch.Count);
    }

    [Fact]
    public void ManyLargeActivationsAreRefused()
    {
        // 20 blocks of 1×2048×2048 (2^22 values each, cheap 1×1 convolutions): the fixed-point reference keeps every
        // block's input and output, 40 arrays of 2^22 longs (1.3 GB) for one inference
        var b = new OnnxBuilder(1, 2048, 2048);
        for (int i = 0; i < 20; i++)
        {
            b.Node("Conv", [b.Initializer([1.0], 1, 1, 1, 1)], Ints("kernel_shape", 1, 1));
            b.Node("Relu", []);
        }
        b.Node("GlobalAveragePool", []);
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer([1.0], 1, 1)], Int("transB", 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("in all", e.Message);
    }
}
