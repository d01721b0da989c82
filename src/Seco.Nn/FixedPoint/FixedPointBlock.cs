using Seco.Nn.Layers;

namespace Seco.Nn.FixedPoint;

/// <summary>
/// One <see cref="LayerBlock"/> in fixed point. Its linear layers run at growing scale (each
/// weighted layer adds f bits); a ReLU block then divides by
/// <see cref="TruncationDivisor"/> = 2^(scale − f) · (pooling divisors), rounding toward −∞,
/// which returns the activations to scale 2^f. That division happens inside the ReLU garbled
/// circuit on the reconstructed value (decision D7: exact in-circuit truncation), so it must be
/// a power of two — an arithmetic shift by <see cref="TruncationShift"/> bits.
/// </summary>
public sealed class FixedPointBlock
{
    internal FixedPointBlock(LayerBlock block, IReadOnlyList<QuantizedLayer> layers, int fractionalBits)
    {
        Block = block;
        Layers = layers;
        OutputScaleBits = layers[^1].OutputScaleBits;
        if (!block.HasRelu)
        {
            TruncationShift = 0;
            TruncationDivisor = 1;
            return;
        }
        long pool = block.PoolDivisor;
        if (!long.IsPow2(pool))
        {
            var pools = block.Linear.Where(l => l.PoolDivisor != 1).Select(l => $"'{l.Name}' ({l.Details})");
            throw new ModelFormatException(
                $"block {block.Index}: average-pooling divisor {pool} (from {string.Join(", ", pools)}) is not a power of two; " +
                "truncation happens by a shift inside the ReLU circuit, so only power-of-two pooling windows (e.g. 2×2, 4×4) are supported");
        }
        TruncationShift = OutputScaleBits - fractionalBits + (int)long.Log2(pool);
        if (TruncationShift < 0 || TruncationShift > 62)
            throw new ModelFormatException($"block {block.Index}: truncation by 2^{TruncationShift} is out of range");
        TruncationDivisor = 1L << TruncationShift;
    }

    public LayerBlock Block { get; }

    public IReadOnlyList<QuantizedLayer> Layers { get; }

    /// <summary>The scale (in bits) of the block's linear output, before truncation.</summary>
    public int OutputScaleBits { get; }

    /// <summary>The ReLU circuit's truncation: floor(v / 2^shift). Zero for the logits block.</summary>
    public int TruncationShift { get; }

    public long TruncationDivisor { get; }
}
