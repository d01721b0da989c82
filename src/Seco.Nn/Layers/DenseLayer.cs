using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>y = W·x + b with W of shape [out, in] (ONNX Gemm with transB = 1, or MatMul + Add).</summary>
public sealed class DenseLayer : LinearLayer
{
    private readonly double[] _weights;
    private readonly double[] _bias;

    public DenseLayer(string name, int inputs, int outputs, double[] weights, double[] bias)
        : base(name, Shape.Vector(inputs), Shape.Vector(outputs))
    {
        if (weights.Length != (long)inputs * outputs)
            throw new ArgumentException($"dense layer '{name}': {weights.Length} weights for {outputs}×{inputs}");
        if (bias.Length != outputs)
            throw new ArgumentException($"dense layer '{name}': {bias.Length} biases for {outputs} outputs");
        _weights = weights;
        _bias = bias;
    }

    public int Inputs => Input.Size;

    public int Outputs => Output.Size;

    public override string Kind => "Dense";

    public override bool HasWeights => true;

    public override ReadOnlySpan<double> Weights => _weights;

    public override ReadOnlySpan<double> Bias => _bias;

    public override long ParameterCount => _weights.Length + _bias.Length;

    public override string Details => $"{Inputs} → {Outputs}";

    public override T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
    {
        CheckInput(input);
        int n = Inputs;
        var y = new T[Outputs];
        for (int o = 0; o < y.Length; o++)
        {
            ReadOnlySpan<T> row = weights.Slice(o * n, n);
            T acc = bias[o];
            for (int i = 0; i < n; i++)
                acc = checked(acc + row[i] * input[i]);
            y[o] = acc;
        }
        return y;
    }

    public override void VisitTerms(TermVisitor visit)
    {
        for (int o = 0; o < Outputs; o++)
            for (int i = 0; i < Inputs; i++)
                visit(o, i, o * Inputs + i);
    }
}
