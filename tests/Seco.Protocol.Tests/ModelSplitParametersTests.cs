using Seco.Nn.FixedPoint;
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
}
