using Seco.Nn.Layers;

namespace Seco.Nn;

/// <summary>The float (double) forward pass, used to measure what fixed point costs in accuracy.</summary>
public static class FloatReference
{
    public static double[] Forward(NeuralModel model, ReadOnlySpan<double> input)
    {
        double[] x = input.ToArray();
        foreach (Layer layer in model.Layers)
        {
            switch (layer)
            {
                case LinearLayer linear:
                    x = linear.Apply<double>(x, linear.Weights, linear.Bias);
                    if (linear.PoolDivisor != 1)
                    {
                        double d = linear.PoolDivisor;
                        for (int i = 0; i < x.Length; i++) x[i] /= d;
                    }
                    break;
                case ReluLayer:
                    for (int i = 0; i < x.Length; i++) x[i] = Math.Max(0.0, x[i]);
                    break;
            }
        }
        return x;
    }

    public static int Predict(NeuralModel model, ReadOnlySpan<double> input) => ArgMax.Of<double>(Forward(model, input));
}
