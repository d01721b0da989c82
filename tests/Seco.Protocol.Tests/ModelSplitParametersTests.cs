using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;
using Seco.Protocol.Model;
using Xunit;

namespace Seco.Protocol.Tests;

/// <summary>
/// `seco validate` checks a deployment's parameters without dealing weights (ModelSplit.ParametersOf); they must be
/// the parameters the deployment then has.
/// </summary>
public class ModelSplitParametersTests
{
    [Theory]
    [InlineData("mlp.onnx", 1, null)]
    [InlineData("minionn.onnx", 0, null)]
    [InlineData("minionn.onnx", 2, 128)]
    [InlineData("lenet.onnx", 1, null)]
    public void The_parameters_checked_first_are_the_deployments(string file, int split, int? budget)
    {
        FixedPointModel model = EndToEndTests.Model(file);
        SecoParameters early = ModelSplit.ParametersOf(model, split, EndToEndTests.Context.Value, budget);
        SecoParameters deployed = ModelSplit.Create(model, split, EndToEndTests.Context.Value, budget).Parameters;

        Assert.Equal(deployed.Blocks, early.Blocks);
        Assert.Equal(deployed.Budget.Queries, early.Budget.Queries);
        Assert.Equal(deployed.Budget.ModelLifetimeQueries, early.Budget.ModelLifetimeQueries);
    }

    [Fact]
    public void A_budget_past_the_smudging_is_refused_before_any_weight_is_dealt() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelSplit.ParametersOf(EndToEndTests.Model("mlp.onnx"), 1, EndToEndTests.Context.Value, 1 << 20));

    /// <summary>
    /// Issue 20's review: a chain block wider than a batching row is refused by its shape, before its dense matrix —
    /// 16,384 × 4,096 entries here, 2^48 for a hostile file — is composed.
    /// </summary>
    [Fact]
    public void A_block_past_a_batching_row_is_refused_before_its_matrix_is_composed()
    {
        var input = new Shape(1, 64, 64);
        var conv = new Conv2dLayer("wide", input, 4, 3, 3, 1, 1, new Padding2d(1, 1, 1, 1), new double[36], new double[4]);
        var model = new NeuralModel("wide", input,
            [conv, new ReluLayer("relu", conv.Output), new FlattenLayer("flatten", conv.Output), new DenseLayer("logits", conv.Output.Size, 10, new double[10 * conv.Output.Size], new double[10])]);
        var fixedModel = new FixedPointModel(model, FixedPointFormat.Default);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ModelSplit.Create(fixedModel, 0, EndToEndTests.Context.Value));
        Assert.Contains("4096", e.Message);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "the refusal composed the block's dense matrix first");
    }
}
