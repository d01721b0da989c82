using Seco.Nn.Layers;
using Seco.Nn.Onnx;
using Xunit;
using static Seco.Nn.Tests.OnnxBuilder;

namespace Seco.Nn.Tests;

public class OnnxImporterTests
{
    private static double[] Seq(int n, double step = 0.01) => Enumerable.Range(0, n).Select(i => (i % 7 - 3) * step).ToArray();

    /// <summary>A MiniONN-shaped graph as PyTorch exports it.</summary>
    private static OnnxBuilder MiniOnnGraph()
    {
        var b = new OnnxBuilder(1, 8, 8);
        b.Node("Conv", [b.Initializer(Seq(2 * 9), 2, 1, 3, 3), b.Initializer([0.1, -0.1], 2)],
            Ints("kernel_shape", 3, 3), Ints("strides", 1, 1), Ints("pads", 0, 0, 0, 0), Ints("dilations", 1, 1), Int("group", 1));
        b.Node("AveragePool", [], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), Ints("pads", 0, 0, 0, 0), Int("ceil_mode", 0));
        b.Node("Relu", []);
        b.Node("Flatten", [], Int("axis", 1));
        b.Node("Gemm", [b.Initializer(Seq(5 * 18), 5, 18), b.Initializer(Seq(5), 5)], Float("alpha", 1), Float("beta", 1), Int("transB", 1));
        b.Node("Relu", []);
        b.Node("Gemm", [b.Initializer(Seq(3 * 5), 3, 5), b.Initializer(Seq(3), 3)], Int("transB", 1));
        return b;
    }

    [Fact]
    public void ImportsAMiniOnnShapedGraph()
    {
        NeuralModel m = MiniOnnGraph().Import();
        Assert.Equal(new[] { "Conv2d", "AvgPool2d", "ReLU", "Flatten", "Dense", "ReLU", "Dense" }, m.Layers.Select(l => l.Kind));
        Assert.Equal(new Shape(1, 8, 8), m.Input);
        Assert.Equal(Shape.Vector(3), m.Output);
        Assert.Equal(3, m.Blocks.Count);
        Assert.Equal(2 * 9 + 2 + 5 * 18 + 5 + 3 * 5 + 3, m.ParameterCount);
        var conv = (Conv2dLayer)m.Layers[0];
        Assert.Equal(new Shape(2, 6, 6), conv.Output);
        Assert.Equal(0.1, conv.Bias[0], 6);
    }

    [Fact]
    public void MatMulPlusAddEqualsGemm()
    {
        double[] w = Seq(4 * 3); // Gemm weight [out=3, in=4] with transB
        double[] bias = [0.5, -0.25, 1];
        var gemm = new OnnxBuilder(4);
        gemm.Node("Gemm", [gemm.Initializer(w, 3, 4), gemm.Initializer(bias, 3)], Int("transB", 1));
        var mm = new OnnxBuilder(4);
        double[] wt = new double[12];
        for (int o = 0; o < 3; o++) for (int i = 0; i < 4; i++) wt[i * 3 + o] = w[o * 4 + i]; // MatMul takes [in, out]
        mm.Node("MatMul", [mm.Initializer(wt, 4, 3)]);
        mm.Node("Add", [mm.Initializer(bias, 3)]);
        double[] x = [0.1, 0.7, 0.3, 1];
        Assert.Equal(FloatReference.Forward(gemm.Import(), x), FloatReference.Forward(mm.Import(), x));
        Assert.Single(mm.Import().Layers);
    }

    [Fact]
    public void BatchNormalizationIsFoldedIntoTheConvolution()
    {
        var b = new OnnxBuilder(2, 5, 5);
        b.Node("Conv", [b.Initializer(Seq(3 * 2 * 4), 3, 2, 2, 2), b.Initializer([0.1, 0.2, 0.3], 3)], Ints("kernel_shape", 2, 2));
        b.Node("BatchNormalization", [b.Initializer([1.5, 0.5, 2], 3), b.Initializer([0.1, 0, -0.1], 3), b.Initializer([0.2, -0.3, 0], 3), b.Initializer([4, 0.25, 1], 3)],
            Float("epsilon", 0f));
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer(Seq(2 * 48), 2, 48)], Int("transB", 1));
        NeuralModel m = b.Import();
        Assert.Equal(new[] { "Conv2d", "Flatten", "Dense" }, m.Layers.Select(l => l.Kind));
        double[] x = Enumerable.Range(0, 50).Select(i => i / 50.0).ToArray();
        // independent: run conv, then apply batch norm by hand, then the dense layer
        var conv = (Conv2dLayer)m.Layers[0];
        var plainConv = new Conv2dLayer("c", conv.Input, 3, 2, 2, 1, 1, Padding2d.None, Seq(24), [0.1, 0.2, 0.3]);
        double[] y = plainConv.Apply<double>(x, plainConv.Weights, plainConv.Bias);
        double[] scale = [1.5, 0.5, 2], shift = [0.1, 0, -0.1], mean = [0.2, -0.3, 0], variance = [4, 0.25, 1];
        for (int i = 0; i < y.Length; i++) { int ch = i / 16; y[i] = (y[i] - mean[ch]) / Math.Sqrt(variance[ch]) * scale[ch] + shift[ch]; }
        double[] folded = conv.Apply<double>(x, conv.Weights, conv.Bias);
        for (int i = 0; i < y.Length; i++) Assert.Equal(y[i], folded[i], 6); // initializers are float32
    }

    [Fact]
    public void PadBeforeAveragePoolCountsTowardsTheDivisor()
    {
        var padded = new OnnxBuilder(1, 4, 4);
        padded.Node("Pad", [padded.Int64Initializer([0, 0, 1, 1, 0, 0, 1, 1], 8)], new Onnx.Proto.AttributeProto { Name = "mode", S = Google.Protobuf.ByteString.CopyFromUtf8("constant") });
        padded.Node("AveragePool", [], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        padded.Node("Flatten", []);
        padded.Node("Gemm", [padded.Initializer(Seq(9 * 2), 2, 9)], Int("transB", 1));
        var inline = new OnnxBuilder(1, 4, 4);
        inline.Node("AveragePool", [], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2), Ints("pads", 1, 1, 1, 1), Int("count_include_pad", 1));
        inline.Node("Flatten", []);
        inline.Node("Gemm", [inline.Initializer(Seq(9 * 2), 2, 9)], Int("transB", 1));
        NeuralModel a = padded.Import(), b = inline.Import();
        var pool = (AvgPool2dLayer)a.Layers[0];
        Assert.Equal(new Padding2d(1, 1, 1, 1), pool.Padding);
        Assert.Equal(4, pool.PoolDivisor);
        double[] x = Enumerable.Range(0, 16).Select(i => i / 16.0).ToArray();
        Assert.Equal(FloatReference.Forward(b, x), FloatReference.Forward(a, x));
    }

    [Fact]
    public void FlatteningReshapeIsAccepted()
    {
        var b = new OnnxBuilder(2, 3, 3);
        b.Node("Reshape", [b.Int64Initializer([1, -1], 2)]);
        b.Node("Gemm", [b.Initializer(Seq(18), 1, 18)], Int("transB", 1));
        Assert.Equal("Flatten", b.Import().Layers[0].Kind);
    }

    private static ModelFormatException ImportError(OnnxBuilder b) => Assert.Throws<ModelFormatException>(() => b.Import());

    [Fact]
    public void UnsupportedOperatorIsNamedWithNodeAndOp()
    {
        var b = new OnnxBuilder(4);
        b.Node("Gemm", [b.Initializer(Seq(8), 2, 4)], Int("transB", 1));
        var sigmoid = b.Node("Sigmoid", []);
        b.Node("Gemm", [b.Initializer(Seq(4), 2, 2)], Int("transB", 1));
        ModelFormatException e = ImportError(b);
        Assert.Equal($"test.onnx: node '{sigmoid.Name}' (Sigmoid): unsupported operator (Seco.Nn supports {string.Join(", ", OnnxImporter.SupportedOperators)})", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("group")]
    [InlineData("dilations")]
    [InlineData("unknown_attr")]
    public void UnsupportedConvAttributesAreRejected(string which)
    {
        var b = new OnnxBuilder(2, 4, 4);
        var attr = which switch
        {
            "group" => Int("group", 2),
            "dilations" => Ints("dilations", 2, 2),
            _ => Int("unknown_attr", 1),
        };
        var conv = b.Node("Conv", [b.Initializer(Seq(2 * 2 * 4), 2, 2, 2, 2)], attr);
        ModelFormatException e = ImportError(b);
        Assert.StartsWith($"test.onnx: node '{conv.Name}' (Conv): ", e.Message);
        Assert.Contains(which == "unknown_attr" ? "unsupported attribute 'unknown_attr'" : which == "group" ? "grouped convolution" : "dilation", e.Message);
    }

    [Fact]
    public void AveragePoolWithVaryingDivisorIsRejected()
    {
        var b = new OnnxBuilder(1, 4, 4);
        var pool = b.Node("AveragePool", [], Ints("kernel_shape", 2, 2), Ints("pads", 1, 1, 1, 1));
        Assert.Equal($"test.onnx: node '{pool.Name}' (AveragePool): padding with count_include_pad = 0 makes the divisor vary at the borders; only a constant divisor is supported",
            ImportError(b).Message);
    }

    [Fact]
    public void NonFlatteningReshapeIsRejected()
    {
        var b = new OnnxBuilder(2, 3, 3);
        var r = b.Node("Reshape", [b.Int64Initializer([2, -1], 2)]);
        Assert.Contains($"node '{r.Name}' (Reshape): Reshape to [2,-1] is not a flatten of 2×3×3", ImportError(b).Message);
    }

    [Fact]
    public void CorruptFilesGiveOneLineErrors()
    {
        byte[] good = MiniOnnGraph().Build();
        var truncated = Assert.Throws<ModelFormatException>(() => OnnxImporter.Parse(good[..(good.Length / 2)], "cut.onnx"));
        Assert.StartsWith("cut.onnx: not a valid ONNX file", truncated.Message);
        var empty = Assert.Throws<ModelFormatException>(() => OnnxImporter.Parse([], "empty.onnx"));
        Assert.Equal("empty.onnx: the file is empty, not an ONNX model", empty.Message);
        byte[] text = System.Text.Encoding.ASCII.GetBytes("this is not a model, just some text\n");
        var garbage = Assert.Throws<ModelFormatException>(() => OnnxImporter.Parse(text, "text.onnx"));
        Assert.StartsWith("text.onnx: not a valid ONNX file", garbage.Message);
        foreach (var e in new[] { truncated, empty, garbage }) Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingFileIsReported()
    {
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load("/nonexistent/model.onnx"));
        Assert.Equal("/nonexistent/model.onnx: model file not found", e.Message);
    }

    [Fact]
    public void ComputedWeightsAreRejected()
    {
        var b = new OnnxBuilder(4);
        var gemm = b.Node("Gemm", ["not_a_constant"], Int("transB", 1));
        Assert.Contains($"node '{gemm.Name}' (Gemm): weight 'not_a_constant' must be an initializer or a Constant", ImportError(b).Message);
    }

    /// <summary>/dev/zero reports a length of 0: it was read to the 2 GB array limit (17 s, 4 GB, then an IOException).</summary>
    [SkippableFact]
    public void An_endless_device_is_refused_without_being_read()
    {
        Skip.IfNot(File.Exists("/dev/zero"), "needs /dev/zero");
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.Throws<ModelFormatException>(() => OnnxImporter.Load("/dev/zero"));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
        Assert.Equal("/dev/zero: the file is empty (a device or pipe, with no length, is not read)", e.Message);
    }
}
