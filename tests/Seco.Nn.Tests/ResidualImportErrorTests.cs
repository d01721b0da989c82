using Seco.Nn.Onnx.Proto;
using Seco.Nn.Layers;
using Xunit;
using static Seco.Nn.Tests.OnnxBuilder;
using static Seco.Nn.Tests.ResidualGraphs;

namespace Seco.Nn.Tests;

/// <summary>Issue 20: residual graph shapes the importer does not support fail with one line naming the node.</summary>
public class ResidualImportErrorTests
{
    private static void Conv(OnnxBuilder b, int outC = 2, int inC = 2, int stride = 1) =>
        b.Node("Conv", [b.Initializer(Seq(outC * inC * 9), outC, inC, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1), Ints("strides", stride, stride));

    private static void Logits(OnnxBuilder b)
    {
        b.Node("GlobalAveragePool", []);
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer(Seq(3 * 2), 3, 2)], Int("transB", 1));
    }

    [Fact]
    public void AHandBuiltIdentityBlockImports()
    {
        var (b, x) = Stem();
        Conv(b);
        b.Node("Relu", []);
        Conv(b);
        b.Join(x);
        b.Node("Relu", []);
        Logits(b);
        NeuralModel m = b.Import();
        Assert.Equal(4, m.Blocks.Count);
        Assert.Equal(2, m.Blocks[2].Skip!.Source);
        Assert.Equal("identity", m.Blocks[2].Skip!.ShortcutKind);
    }

    [Fact]
    public void AShortcutOfAnotherShapeIsRefusedNamingTheAdd()
    {
        var (b, x) = Stem();
        Conv(b, outC: 2, stride: 2); // 2×2×2: the identity shortcut (2×4×4) does not fit
        b.Node("Relu", []);
        Conv(b);
        NodeProto add = b.Join(x);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{add.Name}' (Add)", e.Message);
        Assert.Contains("adds 2×2×2 and 2×4×4", e.Message);
    }

    [Fact]
    public void ALayerBetweenTheAddAndTheReluIsRefused()
    {
        var (b, x) = Stem();
        Conv(b);
        b.Join(x);
        NodeProto conv = b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{conv.Name}' (Conv)", e.Message);
        Assert.Contains("only a ReLU may follow a residual add", e.Message);
    }

    [Fact]
    public void AReluClosingAnOlderBranchIsRefused()
    {
        var (b, x) = Stem();
        Conv(b);
        b.Node("Relu", []); // block 2 opens
        b.From(x);
        Conv(b); // a branch from block 2's input... of the stem's output: now old
        NodeProto relu = b.Node("Relu", []);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{relu.Name}' (Relu)", e.Message);
        Assert.Contains("not a chain of blocks", e.Message);
    }

    [Fact]
    public void AResidualAddThatEndsTheModelIsRefused()
    {
        var (b, x) = Stem();
        Conv(b);
        NodeProto add = b.Join(x);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"'{add.Name}' (Add)", e.Message);
        Assert.Contains("must be followed by a ReLU", e.Message);
    }

    [Fact]
    public void SlicingTheChannelsOrACropIsRefused()
    {
        var (b, _) = Stem();
        string starts = b.Int64Initializer([0], 1), ends = b.Int64Initializer([1], 1), axes = b.Int64Initializer([1], 1), steps = b.Int64Initializer([1], 1);
        NodeProto slice = b.Node("Slice", [starts, ends, axes, steps]);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains($"node '{slice.Name}' (Slice)", e.Message);

        var (c, _) = Stem();
        string s2 = c.Int64Initializer([0], 1), e2 = c.Int64Initializer([2], 1), a2 = c.Int64Initializer([2], 1), st2 = c.Int64Initializer([1], 1);
        c.Node("Slice", [s2, e2, a2, st2]);
        Assert.Contains("only slices that run to the end", Assert.Throws<ModelFormatException>(c.Import).Message);
    }

    [Fact]
    public void ConstantArithmeticThatWouldAllocateWithoutBoundIsRefused()
    {
        var (b, _) = Stem();
        string shape = b.Int64Initializer([1 << 20, 1 << 20], 2);
        string bomb = b.ConstantNode("ConstantOfShape", [shape]);
        b.Node("Reshape", [bomb]);
        var e = Assert.Throws<ModelFormatException>(b.Import);
        Assert.Contains("(ConstantOfShape)", e.Message);
        Assert.Contains("4096", e.Message);
    }

    [Fact]
    public void TheChannelPadsTorchComputesFoldToAChannelPad()
    {
        // torch 1.13's F.pad(x, (0, 0, 0, 0, 1, 1)): pads = Cast(Reshape(Transpose(Slice(Reshape(Concat(...))))))
        var (b, _) = Stem();
        string given = b.Int64Initializer([0, 0, 0, 0, 1, 1], 6), count = b.Int64Initializer([2], 1);
        string zeros = b.ConstantNode("ConstantOfShape", [count]);
        string all = b.ConstantNode("Concat", [given, zeros], Int("axis", 0));
        string pairs = b.ConstantNode("Reshape", [all, b.Int64Initializer([-1, 2], 2)]);
        string reversed = b.ConstantNode("Slice", [pairs, b.Int64Initializer([-1], 1), b.Int64Initializer([long.MinValue + 1], 1),
            b.Int64Initializer([0], 1), b.Int64Initializer([-1], 1)]);
        string transposed = b.ConstantNode("Transpose", [reversed], Ints("perm", 1, 0));
        string flat = b.ConstantNode("Reshape", [transposed, b.Int64Initializer([-1], 1)]);
        string pads = b.ConstantNode("Cast", [flat], Int("to", 7));
        b.Node("Pad", [pads], new AttributeProto { Name = "mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("constant") });
        b.Node("Flatten", []);
        b.Node("Gemm", [b.Initializer(Seq(3 * 4 * 16), 3, 4 * 16)], Int("transB", 1));
        NeuralModel m = b.Import();
        var pad = Assert.IsType<ChannelPadLayer>(m.Blocks[^1].Linear[0]);
        Assert.Equal((1, 1), (pad.Before, pad.After));
        Assert.Equal(new Shape(4, 4, 4), pad.Output);
    }
}
