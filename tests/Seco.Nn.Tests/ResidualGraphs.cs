using static Seco.Nn.Tests.OnnxBuilder;

namespace Seco.Nn.Tests;

/// <summary>Small residual graphs for the importer's tests (issue 20): a stem to start a block from, and weights.</summary>
internal static class ResidualGraphs
{
    /// <summary>n small weights, ±0.15, repeating with period 7.</summary>
    public static double[] Seq(int n) => [.. Enumerable.Range(0, n).Select(i => ((i % 7) - 3) * 0.05)];

    /// <summary>input 2×4×4 → conv 3×3 pad 1 (2 ch) → ReLU: the activation a residual block starts from.</summary>
    public static (OnnxBuilder B, string Block) Stem()
    {
        var b = new OnnxBuilder(2, 4, 4);
        b.Node("Conv", [b.Initializer(Seq(2 * 2 * 9), 2, 2, 3, 3)], Ints("kernel_shape", 3, 3), Ints("pads", 1, 1, 1, 1));
        b.Node("Relu", []);
        return (b, b.Current);
    }
}
