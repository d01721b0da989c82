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
    internal FixedPointBlock(LayerBlock block, IReadOnlyList<QuantizedLayer> layers, IReadOnlyList<QuantizedLayer>? skip, int fractionalBits)
    {
        Block = block;
        Layers = layers;
        OutputScaleBits = layers[^1].OutputScaleBits;
        SkipLayers = skip ?? [];
        if (block.Skip is { } add)
            SkipMultiplier = AlignShortcut(block, add, OutputScaleBits, skip is { Count: > 0 } ? skip[^1].OutputScaleBits : fractionalBits);
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

    /// <summary>
    /// The shortcut's multiplier M = 2^(s − s') · P / P' that brings the shortcut (scale 2^s', pooling divisors P')
    /// to the main branch's output (scale 2^s, pooling divisors P), so that F_i(x_i) + M · S_i(x_j) is one exact
    /// integer sum at the main branch's scale. Both branches start from activations at 2^f, so for ResNet's
    /// blocks M = 2^f (identity and option A: no weights on the shortcut) or 1 (option B: one conv on each side).
    /// </summary>
    private static long AlignShortcut(LayerBlock block, ResidualAddLayer add, int mainScaleBits, int shortcutScaleBits)
    {
        long mainPool = block.PoolDivisor, shortcutPool = add.PoolDivisor;
        int bits = mainScaleBits - shortcutScaleBits;
        if (bits < 0 || mainPool % shortcutPool != 0)
            throw new ModelFormatException(
                $"block {block.Index}: the shortcut of '{add.Name}' (scale 2^{shortcutScaleBits}, pooling {shortcutPool}) cannot be aligned exactly " +
                $"with the main branch (scale 2^{mainScaleBits}, pooling {mainPool}): the shortcut may have at most as many weighted layers, " +
                "and its pooling divisor must divide the main branch's");
        long m = mainPool / shortcutPool;
        if (bits > 62 || m > long.MaxValue >> bits)
            throw new ModelFormatException($"block {block.Index}: the shortcut multiplier 2^{bits}·{m} of '{add.Name}' does not fit in 64 bits");
        return m << bits;
    }

    public LayerBlock Block { get; }

    /// <summary>The shortcut's quantised layers (empty for the identity shortcut and for a plain block).</summary>
    public IReadOnlyList<QuantizedLayer> SkipLayers { get; }

    /// <summary>The shortcut's alignment multiplier M (0 for a plain block); see <see cref="AlignShortcut"/>.</summary>
    public long SkipMultiplier { get; }

    public IReadOnlyList<QuantizedLayer> Layers { get; }

    /// <summary>The scale (in bits) of the block's linear output, before truncation.</summary>
    public int OutputScaleBits { get; }

    /// <summary>The ReLU circuit's truncation: floor(v / 2^shift). Zero for the logits block.</summary>
    public int TruncationShift { get; }

    public long TruncationDivisor { get; }
}
