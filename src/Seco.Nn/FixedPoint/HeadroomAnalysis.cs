using Seco.Nn.Field;
using Seco.Nn.Layers;

namespace Seco.Nn.FixedPoint;

/// <summary>One block's worst case: the largest |value| any of its linear layers can produce.</summary>
public sealed record BlockHeadroom(int Block, string Description, Int128 WorstCaseMagnitude)
{
    /// <summary>log2 of the worst-case magnitude.</summary>
    public double Log2Bound => WorstCaseMagnitude <= 0 ? 0 : Math.Log2((double)WorstCaseMagnitude);

    /// <summary>How many bits separate the worst case from (p−1)/2 (negative: overflow is possible).</summary>
    public double MarginBits => Math.Log2(PrimeField.HalfP) - Log2Bound;

    public bool IsSafe => WorstCaseMagnitude <= PrimeField.HalfP;
}

/// <summary>
/// Proves the absence of overflow in Z_p by interval arithmetic: starting from every input in
/// [min, max] (encoded at scale 2^f), each weighted layer maps an interval box [lo, hi] to
/// [W⁺·lo + W⁻·hi + b, W⁺·hi + W⁻·lo + b] (W⁺ and W⁻ the positive and negative parts of W), sums
/// and pools map bounds to bounds, and truncation + ReLU map [lo, hi] to [0, max(0, hi ≫ s)].
/// The bound is sound (never below the true maximum) for <i>every</i> input in the box, not just
/// for a data set; it is usually loose, so a safe result leaves real margin.
/// </summary>
public static class HeadroomAnalysis
{
    public static IReadOnlyList<BlockHeadroom> Analyze(FixedPointModel model, double inputMin = 0.0, double inputMax = 1.0)
    {
        if (inputMin > inputMax) throw new ArgumentException("inputMin > inputMax");
        int n = model.Model.Input.Size;
        Int128 lo0 = model.Format.Encode(inputMin), hi0 = model.Format.Encode(inputMax);
        Int128[] lo = Enumerable.Repeat(lo0, n).ToArray();
        Int128[] hi = Enumerable.Repeat(hi0, n).ToArray();
        var result = new List<BlockHeadroom>();
        var inputs = new List<(Int128[] Lo, Int128[] Hi)>(); // the box of block j's input (a shortcut's source)
        bool beyond = false; // a bound past 2^127: this block and every later one may overflow
        foreach (FixedPointBlock block in model.Blocks)
        {
            inputs.Add((lo, hi));
            Int128 worst = Int128.MaxValue;
            if (!beyond)
            {
                try
                {
                    worst = Block(block, inputs, ref lo, ref hi);
                }
                catch (OverflowException)
                {
                    beyond = true; // the checked kernels refuse to wrap: the bound exceeds Int128, so it is vacuous
                }
            }
            result.Add(new BlockHeadroom(block.Block.Index, block.Block.Describe(), worst));
            if (block.Block.HasRelu && !beyond)
            {
                for (int i = 0; i < lo.Length; i++)
                {
                    lo[i] = 0;
                    hi[i] = Max(0, hi[i] >> block.TruncationShift);
                }
            }
        }
        return result;
    }

    /// <summary>Propagates the box through one block's linear part (and its shortcut); returns its widest bound.</summary>
    private static Int128 Block(FixedPointBlock block, List<(Int128[] Lo, Int128[] Hi)> inputs, ref Int128[] lo, ref Int128[] hi)
    {
        Int128 worst = 0;
        foreach (QuantizedLayer q in block.Layers)
        {
            (lo, hi) = Propagate(q, lo, hi);
            worst = Max(worst, Widest(lo, hi));
        }
        if (block.Block.Skip is { } skip)
        {
            // the shortcut's box, scaled by M > 0 (monotone), added to the main branch's: a sum of boxes
            (Int128[] slo, Int128[] shi) = inputs[skip.Source - 1];
            foreach (QuantizedLayer q in block.SkipLayers)
                (slo, shi) = Propagate(q, slo, shi);
            Int128[] l = lo, h = hi;
            lo = [.. l.Select((v, i) => checked(v + (block.SkipMultiplier * slo[i])))];
            hi = [.. h.Select((v, i) => checked(v + (block.SkipMultiplier * shi[i])))];
            worst = Max(worst, Widest(lo, hi));
        }
        return worst;
    }

    private static (Int128[] Lo, Int128[] Hi) Propagate(QuantizedLayer q, Int128[] lo, Int128[] hi)
    {
        LinearLayer layer = q.Layer;
        if (!layer.HasWeights) // pooling sums and reshapes are monotone: bounds map to bounds
            return (layer.Apply<Int128>(lo, default, default), layer.Apply<Int128>(hi, default, default));
        var pos = new Int128[q.Weights.Length];
        var neg = new Int128[q.Weights.Length];
        for (int i = 0; i < pos.Length; i++)
        {
            if (q.Weights[i] > 0) pos[i] = q.Weights[i];
            else neg[i] = q.Weights[i];
        }
        Int128[] bias = q.Bias.Select(b => (Int128)b).ToArray();
        Int128[] zero = new Int128[bias.Length];
        Int128[] newLo = Add(layer.Apply<Int128>(lo, pos, bias), layer.Apply<Int128>(hi, neg, zero));
        Int128[] newHi = Add(layer.Apply<Int128>(hi, pos, bias), layer.Apply<Int128>(lo, neg, zero));
        return (newLo, newHi);
    }

    private static Int128 Widest(Int128[] lo, Int128[] hi)
    {
        Int128 worst = 0;
        for (int i = 0; i < lo.Length; i++)
            worst = Max(worst, Max(Int128.Abs(lo[i]), Int128.Abs(hi[i])));
        return worst;
    }

    private static Int128[] Add(Int128[] a, Int128[] b)
    {
        for (int i = 0; i < a.Length; i++) a[i] = checked(a[i] + b[i]);
        return a;
    }

    private static Int128 Max(Int128 a, Int128 b) => a > b ? a : b;
}
