using Seco.Nn.Layers;

namespace Seco.Nn.Tests;

/// <summary>Random small models with the MiniONN structure, for property-style tests.</summary>
internal static class TinyModels
{
    /// <summary>conv(1→c1, k×k) + avgpool 2×2 → ReLU → conv(c1→c2, 3×3, pad 1, stride 2) → ReLU → flatten → dense → ReLU → dense(10).</summary>
    public static NeuralModel MiniOnnLike(Random rng, int size = 12, int c1 = 3, int c2 = 4, double scale = 0.5)
    {
        double[] R(int n) => Enumerable.Range(0, n).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
        var input = new Shape(1, size, size);
        var conv1 = new Conv2dLayer("conv1", input, c1, 3, 3, 1, 1, Padding2d.None, R(c1 * 9), R(c1));
        var pool1 = new AvgPool2dLayer("pool1", conv1.Output, 2, 2, 2, 2, Padding2d.None);
        var relu1 = new ReluLayer("relu1", pool1.Output);
        var conv2 = new Conv2dLayer("conv2", pool1.Output, c2, 3, 3, 2, 2, new Padding2d(1, 1, 1, 1), R(c2 * c1 * 9), R(c2));
        var relu2 = new ReluLayer("relu2", conv2.Output);
        var flat = new FlattenLayer("flat", conv2.Output);
        int n = flat.Output.Size;
        var fc1 = new DenseLayer("fc1", n, 16, R(16 * n), R(16));
        var relu3 = new ReluLayer("relu3", fc1.Output);
        var fc2 = new DenseLayer("fc2", 16, 10, R(160), R(10));
        return new NeuralModel("tiny", input, [conv1, pool1, relu1, conv2, relu2, flat, fc1, relu3, fc2]);
    }

    public static double[] RandomInput(Random rng, int n) =>
        Enumerable.Range(0, n).Select(_ => rng.Next(256) / 255.0).ToArray();
}
