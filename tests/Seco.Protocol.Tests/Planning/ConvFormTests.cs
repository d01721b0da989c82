using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.Data;
using Seco.Nn.FixedPoint;
using Seco.Nn.Onnx;
using Seco.Protocol.Model.Planning;
using Seco.Tests.Shared;
using Xunit;

namespace Seco.Protocol.Tests.Planning;

/// <summary>
/// Issue 20: a conv (+ pools) block as one convolution, and the planner's pick. The composed convolution, evaluated
/// naively over the integers, equals the block's layers (the fixed-point reference's pre-truncation output) exactly.
/// </summary>
public class ConvFormTests
{
    private static FixedPointModel Load(params string[] path) =>
        new(OnnxImporter.Load(Path.Combine([TestHost.Root, .. path])), FixedPointFormat.Default);

    private static long[] Convolve(ConvForm form, long[] x)
    {
        ConvShape s = form.Shape;
        var y = new long[s.OutputSize];
        int index = 0;
        for (int o = 0; o < s.OutChannels; o++)
            for (int r = 0; r < s.OutHeight; r++)
                for (int c = 0; c < s.OutWidth; c++)
                {
                    long acc = form.Bias[o];
                    for (int i = 0; i < s.InChannels; i++)
                        for (int u = 0; u < s.KernelH; u++)
                            for (int v = 0; v < s.KernelW; v++)
                            {
                                int rr = (s.StrideH * r) + u - s.PadTop, cc = (s.StrideW * c) + v - s.PadLeft;
                                if (rr >= 0 && rr < s.Height && cc >= 0 && cc < s.Width)
                                    acc = checked(acc + (form.Weights[(((((o * s.InChannels) + i) * s.KernelH) + u) * s.KernelW) + v] * x[(((i * s.Height) + rr) * s.Width) + cc]));
                            }
                    y[index++] = acc;
                }
        return y;
    }

    [Theory]
    [InlineData("minionn.onnx", 2)]
    [InlineData("lenet.onnx", 2)]
    public void Conv_and_pool_blocks_compose_into_one_exact_convolution(string file, int convBlocks)
    {
        FixedPointModel model = Load("models", file);
        ImageSet images = IdxFile.Load(Path.Combine(TestHost.Root, "models", "fashion-mnist-test-1000-images-idx3-ubyte"));
        long[] input = [.. images.Input(3).Select(model.Format.Encode)];
        FixedPointResult reference = FixedPointReference.Forward(model, input);
        for (int b = 0; b < convBlocks; b++)
        {
            FixedPointBlock block = model.Blocks[b];
            ConvForm form = ConvForm.Of(block, out string reason) ?? throw new Xunit.Sdk.XunitException(reason);
            Assert.Equal((6, 6, 2, 2), (form.Shape.KernelH, form.Shape.KernelW, form.Shape.StrideH, form.Shape.StrideW));
            long[] x = b == 0 ? input : reference.BlockOutputs[b - 1];
            long[] expected = x;
            foreach (QuantizedLayer layer in block.Layers) expected = layer.Apply(expected);
            Assert.Equal(expected, Convolve(form, x));
        }

        Assert.Null(ConvForm.Of(model.Blocks[convBlocks], out string why));
        Assert.Contains("not Conv2d", why);
    }

    [Fact]
    public void A_residual_blocks_main_branch_is_its_convolution()
    {
        FixedPointModel model = Load("tests", "data", "residual", "three-blocks.onnx");
        ConvForm form = ConvForm.Of(model.Blocks[4], out _)!; // conv2 of the option-A block: 8×4×4, 3×3, pad 1
        Assert.Equal(new ConvShape(8, 4, 4, 8, 3, 3, 1, 1, 1, 1, 1, 1), form.Shape);
    }

    [Fact]
    public void The_planner_compares_both_forms_and_says_why_one_does_not_apply()
    {
        var context = BfvContext.Create(BfvPresets.Seco8192());
        FixedPointModel minionn = Load("models", "minionn.onnx");
        BlockPlan first = LinearPlanner.Plan(minionn.Blocks[0], context);
        Assert.NotNull(first.Matrix);
        Assert.NotNull(first.Conv);
        // the cheaper by the model, and the model's inputs are the counted operations
        Assert.Equal(first.Matrix!.EstimatedMilliseconds <= first.Conv!.EstimatedMilliseconds ? LinearForm.Matrix : LinearForm.Conv, first.Form);
        Assert.Equal(new ConvLayout(first.ConvShape!, context.N).Cost.Products, first.Conv.Products);

        BlockPlan dense = LinearPlanner.Plan(minionn.Blocks[2], context);
        Assert.Equal(LinearForm.Matrix, dense.Form);
        Assert.Null(dense.Conv);
        Assert.Contains("starts with Flatten", dense.ConvUnavailable);
    }

    [Fact]
    public void A_matrix_whose_dense_share_would_pass_the_memory_cap_loses_to_the_convolution()
    {
        // ResNet-32's stage-3 blocks: the matrix form is faster by the cost model, but its 4096×4096 share (134 MB, and
        // as much again for a shortcut) would be kept by every holder; the planner picks the convolution and says why.
        var context = BfvContext.Create(BfvPresets.Seco8192());
        FixedPointModel resnet = Load("models", "resnet32.onnx");
        BlockPlan stage3 = LinearPlanner.Plan(resnet.Blocks[23], context); // block 24: 64×8×8 → 64×8×8
        Assert.True(stage3.Matrix!.EstimatedMilliseconds < stage3.Conv!.EstimatedMilliseconds);
        Assert.True(4096L * 4096 * sizeof(ulong) > LinearPlanner.MaxMatrixBytes);
        Assert.Equal(LinearForm.Conv, stage3.Form);
        Assert.True(stage3.MatrixTooLarge);
        // Below the cap the cheaper form still wins: MiniONN's first block, and ResNet-32's last (100×64 after the pool).
        Assert.False(LinearPlanner.Plan(resnet.Blocks[31], context).MatrixTooLarge);
        Assert.Equal(LinearForm.Matrix, LinearPlanner.Plan(resnet.Blocks[31], context).Form);
        Assert.All(resnet.Blocks.Take(31), b => Assert.Equal(LinearForm.Conv, LinearPlanner.Plan(b, context).Form));
    }
}
