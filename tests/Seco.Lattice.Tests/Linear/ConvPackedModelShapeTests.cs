using Seco.Lattice.Linear;
using Seco.Lattice.Tests.Bfv;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Linear;

/// <summary>
/// Issue 20: the channel-packed convolution at the SECO preset (n = 8192, t = p) on every convolution shape of the
/// shipped models — MiniONN's and LeNet's 5×5 convs, alone and composed with their 2×2 average pool (a 6×6 stride-2
/// kernel), and ResNet-32's stem, stage and stride-2 convs and option-B shortcuts — exact mod p with noise to spare.
/// </summary>
public sealed class ConvPackedModelShapeTests(KeysSecoFixture fixture, ITestOutputHelper output) : IClassFixture<KeysSecoFixture>
{
    private static ConvShape Same(int c, int hw, int outC, int stride = 1) => new(c, hw, hw, outC, 3, 3, stride, stride, 1, 1, 1, 1);

    public static TheoryData<string, ConvShape> Shapes => new()
    {
        { "MiniONN conv1", new ConvShape(1, 28, 28, 16, 5, 5) },
        { "MiniONN conv1 + pool", new ConvShape(1, 28, 28, 16, 6, 6, 2, 2) },
        { "MiniONN conv2", new ConvShape(16, 12, 12, 16, 5, 5) },
        { "MiniONN conv2 + pool", new ConvShape(16, 12, 12, 16, 6, 6, 2, 2) },
        { "LeNet conv1 + pool", new ConvShape(1, 28, 28, 20, 6, 6, 2, 2) },
        { "LeNet conv2 + pool", new ConvShape(20, 12, 12, 50, 6, 6, 2, 2) },
        { "ResNet-32 stem", Same(3, 32, 16) },
        { "ResNet-32 stage 1", Same(16, 32, 16) },
        { "ResNet-32 stage 2 entry (stride 2)", Same(16, 32, 32, 2) },
        { "ResNet-32 stage 2", Same(32, 16, 32) },
        { "ResNet-32 stage 3 entry (stride 2)", Same(32, 16, 64, 2) },
        { "ResNet-32 stage 3", Same(64, 8, 64) },
        { "option B shortcut 16→32", new ConvShape(16, 32, 32, 32, 1, 1, 2, 2) },
        { "option B shortcut 32→64", new ConvShape(32, 16, 16, 64, 1, 1, 2, 2) },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Is_exact_mod_p_at_the_seco_preset(string name, ConvShape shape)
    {
        ConvPackedTests.Run(fixture.Keys, shape, name.GetHashCode());
        var layout = new ConvLayout(shape, fixture.Keys.N);
        output.WriteLine($"{name}: {shape}: P = {layout.PlaneSize}, {layout.InputCiphertexts}→{layout.OutputCiphertexts} ciphertexts, {layout.Cost}");
    }
}
