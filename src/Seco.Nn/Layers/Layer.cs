using System.Numerics;

namespace Seco.Nn.Layers;

/// <summary>One layer of a feed-forward network, with its input and output shapes.</summary>
public abstract class Layer
{
    protected Layer(string name, Shape input, Shape output)
    {
        Name = name;
        Input = input;
        Output = output;
    }

    /// <summary>The name of the ONNX node this layer came from (for error messages and reports).</summary>
    public string Name { get; }

    public Shape Input { get; }

    public Shape Output { get; }

    /// <summary>Short kind name in the field's vocabulary: Dense, Conv2d, AvgPool2d, ReLU, Flatten.</summary>
    public abstract string Kind { get; }

    public virtual long ParameterCount => 0;

    /// <summary>A one-line description of the layer's hyper-parameters.</summary>
    public virtual string Details => "";
}

/// <summary>
/// A linear (affine) layer. It is evaluated by one generic kernel over <c>double</c> (the float
/// reference) and over <c>long</c> (the fixed-point reference, with checked arithmetic so a
/// 64-bit overflow can never silently differ from the Z_p computation of the secure protocol).
/// </summary>
public abstract class LinearLayer : Layer
{
    protected LinearLayer(string name, Shape input, Shape output) : base(name, input, output) { }

    /// <summary>Whether the layer multiplies by weights (raising the fixed-point scale by f).</summary>
    public abstract bool HasWeights { get; }

    /// <summary>The weights in layer order (empty for weightless layers).</summary>
    public virtual ReadOnlySpan<double> Weights => ReadOnlySpan<double>.Empty;

    /// <summary>The biases (empty for weightless layers).</summary>
    public virtual ReadOnlySpan<double> Bias => ReadOnlySpan<double>.Empty;

    /// <summary>
    /// Applies the layer with the given (possibly quantised) weights and bias. Average pooling is
    /// applied as <b>sum</b> pooling here; its divisor is returned by <see cref="PoolDivisor"/>
    /// and applied by the caller (the float reference divides at once; the fixed-point reference
    /// folds it into the block's truncation, as the ReLU circuit does).
    /// </summary>
    public abstract T[] Apply<T>(ReadOnlySpan<T> input, ReadOnlySpan<T> weights, ReadOnlySpan<T> bias)
        where T : INumber<T>;

    /// <summary>
    /// Calls <paramref name="visit"/> once for every non-zero term of the layer's matrix: output index, input index and
    /// the index into <see cref="Weights"/> of the coefficient, or −1 for a coefficient of 1 (pooling, flatten). The
    /// bias is not visited. This is the layer as a sparse matrix, for the packed HE linear algebra, which needs each
    /// block as one matrix; it must agree with <see cref="Apply{T}"/> (a test checks both on every shipped model).
    /// </summary>
    public abstract void VisitTerms(TermVisitor visit);

    /// <summary>The divisor of an average pool (1 for every other layer).</summary>
    public virtual int PoolDivisor => 1;

    protected void CheckInput<T>(ReadOnlySpan<T> input)
    {
        if (input.Length != Input.Size)
            throw new ArgumentException($"layer '{Name}' ({Kind}) expects {Input.Size} inputs ({Input}), got {input.Length}");
    }
}

/// <summary>One term of a linear layer's matrix (see <see cref="LinearLayer.VisitTerms"/>).</summary>
public delegate void TermVisitor(int output, int input, int weightIndex);
