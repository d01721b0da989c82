using Seco.Nn.Layers;

namespace Seco.Nn;

/// <summary>The float (double) forward pass, used to measure what fixed point costs in accuracy.</summary>
public static class FloatReference
{
    public static double[] Forward(NeuralModel model, ReadOnlySpan<double> input)
    {
        double[] x = input.ToArray();
        var blockInputs = new List<double[]>(); // blockInputs[j - 1]: the input of block j (a shortcut's source)
        foreach (LayerBlock block in model.Blocks)
        {
            blockInputs.Add(x);
            double[] y = Apply(block.Linear, x);
            if (block.Skip is { } skip)
            {
                double[] s = Apply(skip.Branch, blockInputs[skip.Source - 1]);
                for (int i = 0; i < y.Length; i++) y[i] += s[i];
            }
            if (block.HasRelu)
                for (int i = 0; i < y.Length; i++) y[i] = Math.Max(0.0, y[i]);
            x = y;
        }
        return x;
    }

    /// <summary>The layers in order, average pools dividing at once.</summary>
    private static double[] Apply(IReadOnlyList<LinearLayer> layers, double[] x)
    {
        foreach (LinearLayer linear in layers)
        {
            x = linear.Apply<double>(x, linear.Weights, linear.Bias);
            if (linear.PoolDivisor != 1)
            {
                double d = linear.PoolDivisor;
                for (int i = 0; i < x.Length; i++) x[i] /= d;
            }
        }
        return x;
    }

    public static int Predict(NeuralModel model, ReadOnlySpan<double> input) => ArgMax.Of<double>(Forward(model, input));
}
