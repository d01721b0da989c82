using Seco.Nn.Field;

namespace Seco.Nn.FixedPoint;

/// <summary>The outcome of one fixed-point forward pass.</summary>
/// <param name="Logits">Signed logits at scale 2^LogitScaleBits (the centred lift of the Z_p values).</param>
/// <param name="BlockOutputs">Each block's output: the input to the next block (signed, scale 2^f); the last is the logits.</param>
/// <param name="BlockMaxMagnitude">Per block, the largest |value| of the linear output before reduction mod p.</param>
public sealed record FixedPointResult(long[] Logits, IReadOnlyList<long[]> BlockOutputs, IReadOnlyList<long> BlockMaxMagnitude)
{
    public int Prediction => ArgMax.Of<long>(Logits);
}

/// <summary>
/// The plaintext fixed-point reference: exactly what the secure protocol computes, so secure
/// results can be compared with it bit for bit. Per block (docs/fixed-point.md):
/// <list type="number">
/// <item>the linear layers, whose result the protocol holds as additive shares in Z_p — here the
/// same value is computed over the integers and reduced mod p, which is identical because
/// reduction mod p is a ring homomorphism and the integer arithmetic is checked (never wraps);</item>
/// <item>the ReLU circuit's view: the centred lift v of the residue in [−(p−1)/2, (p−1)/2];</item>
/// <item>truncation floor(v / 2^shift) (arithmetic shift) and ReLU; the logits block stops at 2.</item>
/// </list>
/// If a linear output exceeded p/2 in magnitude it would wrap here exactly as it would in the
/// protocol; <see cref="HeadroomAnalysis"/> proves that cannot happen for inputs in [0, 1].
/// </summary>
public static class FixedPointReference
{
    public static FixedPointResult Forward(FixedPointModel model, ReadOnlySpan<long> input)
    {
        if (input.Length != model.Model.Input.Size)
            throw new ArgumentException($"model '{model.Model.Name}' expects {model.Model.Input.Size} inputs, got {input.Length}");
        long[] x = new long[input.Length];
        for (int i = 0; i < x.Length; i++) x[i] = PrimeField.Wrap(input[i]);
        var outputs = new List<long[]>();
        var maxima = new List<long>();
        var blockInputs = new List<long[]>(); // blockInputs[j - 1]: the input of block j (a shortcut's source)
        foreach (FixedPointBlock block in model.Blocks)
        {
            blockInputs.Add(x);
            try
            {
                foreach (QuantizedLayer layer in block.Layers)
                    x = layer.Apply(x);
                if (block.Block.Skip is { } skip)
                    AddShortcut(x, block, blockInputs[skip.Source - 1]);
            }
            catch (OverflowException e)
            {
                // the checked kernels refuse to wrap 64 bits; a value that large is far past p/2, so the model overflows Z_p
                throw new ModelFormatException(
                    $"{model.Model.Name}: block {block.Block.Index}: a linear output exceeds 64 bits for this input, far beyond p/2 " +
                    "(the model overflows Z_p; HeadroomAnalysis bounds it)", e);
            }
            long max = 0;
            for (int i = 0; i < x.Length; i++)
            {
                max = Math.Max(max, Math.Abs(x[i]));
                x[i] = PrimeField.Wrap(x[i]);
            }
            maxima.Add(max);
            if (block.Block.HasRelu)
                for (int i = 0; i < x.Length; i++)
                    x[i] = Math.Max(0, x[i] >> block.TruncationShift); // >> on long is floor division by 2^shift
            outputs.Add(x);
        }
        return new FixedPointResult(x, outputs, maxima);
    }

    /// <summary>x += M · S(source): the block's shortcut at the main branch's scale (checked, like every layer).</summary>
    internal static void AddShortcut(long[] x, FixedPointBlock block, long[] source)
    {
        long[] s = source;
        foreach (QuantizedLayer layer in block.SkipLayers)
            s = layer.Apply(s);
        for (int i = 0; i < x.Length; i++)
            x[i] = checked(x[i] + (block.SkipMultiplier * s[i]));
    }

    /// <summary>Encodes a real input vector (round(x · 2^f)) and runs <see cref="Forward(FixedPointModel, ReadOnlySpan{long})"/>.</summary>
    public static FixedPointResult Forward(FixedPointModel model, ReadOnlySpan<double> input)
    {
        var encoded = new long[input.Length];
        for (int i = 0; i < encoded.Length; i++) encoded[i] = model.Format.Encode(input[i]);
        return Forward(model, encoded);
    }
}
