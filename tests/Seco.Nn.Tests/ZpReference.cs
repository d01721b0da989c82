using Seco.Nn.Field;
using Seco.Nn.FixedPoint;
using Seco.Nn.Layers;

namespace Seco.Nn.Tests;

/// <summary>
/// An independent, deliberately naive evaluation of a fixed-point model entirely in Z_p (residues
/// and modular multiply, no 64-bit integer shortcut, its own loop structure): what the secure
/// protocol computes, written from docs/fixed-point.md rather than from FixedPointReference.
/// </summary>
internal static class ZpReference
{
    public static long[] Logits(FixedPointModel model, long[] input)
    {
        ulong[] x = input.Select(PrimeField.FromSigned).ToArray();
        var blockInputs = new List<ulong[]>();
        foreach (FixedPointBlock block in model.Blocks)
        {
            blockInputs.Add(x);
            foreach (QuantizedLayer q in block.Layers)
                x = Apply(q, x);
            if (block.Block.Skip is { } skip)
            {
                // the shortcut in Z_p from its own source, scaled by M (docs/fixed-point.md, "Residual blocks")
                ulong[] s = blockInputs[skip.Source - 1];
                foreach (QuantizedLayer q in block.SkipLayers)
                    s = Apply(q, s);
                ulong m = PrimeField.FromSigned(block.SkipMultiplier);
                x = [.. x.Select((v, i) => PrimeField.Add(v, PrimeField.Multiply(m, s[i])))];
            }
            if (block.Block.HasRelu)
            {
                for (int i = 0; i < x.Length; i++)
                {
                    long v = PrimeField.ToSigned(x[i]);
                    long t = (long)Math.Floor(v / (double)block.TruncationDivisor);
                    // exact floor for large v: correct the double estimate
                    while (t * block.TruncationDivisor > v) t--;
                    while ((t + 1) * block.TruncationDivisor <= v) t++;
                    x[i] = PrimeField.FromSigned(Math.Max(0, t));
                }
            }
        }
        return x.Select(PrimeField.ToSigned).ToArray();
    }

    private static ulong[] Apply(QuantizedLayer q, ulong[] x)
    {
        ulong Res(long v) => PrimeField.FromSigned(v);
        switch (q.Layer)
        {
            case DenseLayer d:
            {
                var y = new ulong[d.Outputs];
                for (int o = 0; o < y.Length; o++)
                {
                    ulong acc = Res(q.Bias[o]);
                    for (int i = 0; i < d.Inputs; i++)
                        acc = PrimeField.Add(acc, PrimeField.Multiply(Res(q.Weights[o * d.Inputs + i]), x[i]));
                    y[o] = acc;
                }
                return y;
            }
            case Conv2dLayer c:
            {
                // explicit zero-padded copy of the input, then a plain sliding window
                Shape s = c.Input;
                int ph = s.Height + c.Padding.Top + c.Padding.Bottom, pw = s.Width + c.Padding.Left + c.Padding.Right;
                var padded = new ulong[s.Channels, ph, pw];
                for (int ch = 0; ch < s.Channels; ch++)
                    for (int r = 0; r < s.Height; r++)
                        for (int col = 0; col < s.Width; col++)
                            padded[ch, r + c.Padding.Top, col + c.Padding.Left] = x[(ch * s.Height + r) * s.Width + col];
                Shape o = c.Output;
                var y = new ulong[o.Size];
                int k = 0;
                for (int oc = 0; oc < o.Channels; oc++)
                    for (int r = 0; r < o.Height; r++)
                        for (int col = 0; col < o.Width; col++)
                        {
                            ulong acc = Res(q.Bias[oc]);
                            int w = oc * s.Channels * c.KernelH * c.KernelW;
                            for (int ic = 0; ic < s.Channels; ic++)
                                for (int u = 0; u < c.KernelH; u++)
                                    for (int v = 0; v < c.KernelW; v++)
                                        acc = PrimeField.Add(acc, PrimeField.Multiply(Res(q.Weights[w++]), padded[ic, r * c.StrideH + u, col * c.StrideW + v]));
                            y[k++] = acc;
                        }
                return y;
            }
            case AvgPool2dLayer p:
            {
                Shape s = p.Input, o = p.Output;
                var y = new ulong[o.Size];
                for (int ch = 0; ch < o.Channels; ch++)
                    for (int r = 0; r < o.Height; r++)
                        for (int col = 0; col < o.Width; col++)
                        {
                            ulong acc = 0;
                            for (int u = 0; u < p.KernelH; u++)
                                for (int v = 0; v < p.KernelW; v++)
                                {
                                    int rr = r * p.StrideH + u - p.Padding.Top, cc = col * p.StrideW + v - p.Padding.Left;
                                    if (rr >= 0 && rr < s.Height && cc >= 0 && cc < s.Width)
                                        acc = PrimeField.Add(acc, x[(ch * s.Height + rr) * s.Width + cc]);
                                }
                            y[(ch * o.Height + r) * o.Width + col] = acc;
                        }
                return y;
            }
            case FlattenLayer:
                return x;
            case Subsample2dLayer sub:
            {
                // x[:, :, h0::sh, w0::sw] written as a filter over input positions
                Shape s = sub.Input;
                var y = new List<ulong>();
                for (int ch = 0; ch < s.Channels; ch++)
                    for (int r = 0; r < s.Height; r++)
                        for (int col = 0; col < s.Width; col++)
                            if (r >= sub.StartH && (r - sub.StartH) % sub.StepH == 0 && col >= sub.StartW && (col - sub.StartW) % sub.StepW == 0)
                                y.Add(x[(ch * s.Height + r) * s.Width + col]);
                return [.. y];
            }
            case ChannelPadLayer pad:
            {
                int plane = pad.Input.Height * pad.Input.Width;
                return [.. new ulong[pad.Before * plane], .. x, .. new ulong[pad.After * plane]];
            }
            default:
                throw new NotSupportedException(q.Layer.Kind);
        }
    }
}
