using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Parameters;
using Seco.Nn.Field;

namespace Seco.Protocol.Model.Linear;

/// <summary>
/// A convolution by the channel-packed product (<see cref="ConvPacked"/>): inputs and outputs over several ciphertexts,
/// every non-output slot exactly 0. Weights are the kernel [o][i][u][v]; <paramref name="support"/> marks the taps the
/// structure makes non-zero (all of them for a learned kernel; the channel map of a shortcut for identity and option A).
/// </summary>
public sealed class ConvolutionForm(ConvShape shape, bool[]? support, int n) : HeForm
{
    public ConvLayout Layout { get; } = new(shape, n);

    public ConvShape Shape => Layout.Shape;

    public override int Rows => Shape.OutputSize;

    public override int Columns => Shape.InputSize;

    public override int InputCiphertexts => Layout.InputCiphertexts;

    public override int OutputCiphertexts => Layout.OutputCiphertexts;

    public override int WeightCount => Shape.WeightCount;

    public override bool[] StructuralSupport { get; } = support ?? [.. Enumerable.Repeat(true, shape.WeightCount)];

    public override uint[] GaloisElements() => Layout.GaloisElements();

    public override int SlotCount => 2 * Layout.RowSize;

    public override IReadOnlyList<(int Ciphertext, int Slot)> OutputSlots => _outputs ??= [.. Layout.OutputSlots()];

    private (int, int)[]? _outputs;

    /// <summary>
    /// Whether the input packing is the canonical channel-planar one of its C×H×W shape alone (planes of H×W, no room
    /// added for strided outputs): then whoever knows only the activation's shape can pack it (the user's transition
    /// mask, <see cref="Crypto.TransitionPacking"/>), learning nothing of the convolution.
    /// </summary>
    public bool HasCanonicalInput => Layout.PlaneWidth == Shape.Width && Layout.PlaneHeight == Shape.Height;

    public override double ProductVariance(BfvContext context, LinOpInput input, int weightShares) =>
        LinOpNoise.ProductVariance(context, Layout, input, weightShares);

    public override ulong[][] PackInput(ReadOnlySpan<ulong> x) => Layout.PackInput(x, PrimeField.P);

    public override ulong[] UnpackInput(IReadOnlyList<ulong[]> slots)
    {
        if (slots.Count != InputCiphertexts)
            throw new ArgumentException($"{Shape}'s input is {InputCiphertexts} ciphertexts, not {slots.Count}");
        var x = new ulong[Shape.InputSize];
        int index = 0;
        for (int i = 0; i < Shape.InChannels; i++)
            for (int y = 0; y < Shape.Height; y++)
                for (int c = 0; c < Shape.Width; c++)
                {
                    (int ct, int slot) = Layout.InputSlot(i, y, c);
                    x[index++] = slots[ct][slot];
                }
        return x;
    }

    public override ulong[][] PackOutput(ReadOnlySpan<ulong> v) => Layout.PackOutput(v, PrimeField.P);

    public override ulong[] UnpackOutput(IReadOnlyList<ulong[]> slots) => Layout.UnpackOutput(slots);

    public override ulong[] Apply(ReadOnlySpan<ulong> weights, ReadOnlySpan<ulong> x)
    {
        ConvShape s = Shape;
        if (weights.Length != s.WeightCount || x.Length != s.InputSize)
        {
            throw new ArgumentException($"{s} takes {s.WeightCount} weights and {s.InputSize} inputs, not {weights.Length} and {x.Length}");
        }

        var y = new ulong[s.OutputSize];
        int index = 0;
        for (int o = 0; o < s.OutChannels; o++)
        {
            for (int r = 0; r < s.OutHeight; r++)
            {
                for (int c = 0; c < s.OutWidth; c++)
                {
                    // at most C_in·KH·KW ≤ 2^16 products below 2^82 each: the UInt128 sum cannot overflow
                    UInt128 acc = 0;
                    for (int i = 0; i < s.InChannels; i++)
                    {
                        for (int u = 0; u < s.KernelH; u++)
                        {
                            int rr = (s.StrideH * r) + u - s.PadTop;
                            if ((uint)rr >= (uint)s.Height)
                            {
                                continue;
                            }

                            int w = (((o * s.InChannels) + i) * s.KernelH + u) * s.KernelW, at = ((i * s.Height) + rr) * s.Width;
                            for (int v = 0; v < s.KernelW; v++)
                            {
                                int cc = (s.StrideW * c) + v - s.PadLeft;
                                if ((uint)cc < (uint)s.Width)
                                {
                                    acc += (UInt128)weights[w + v] * x[at + cc];
                                }
                            }
                        }
                    }

                    y[index++] = (ulong)(acc % PrimeField.P);
                }
            }
        }

        return y;
    }

    public override IEncodedForm Encode(BfvContext context, ReadOnlySpan<ulong> weights, int level = 0, long cacheBytes = PlainConvKernel.DefaultCacheBytes) =>
        new Encoded(PlainConvKernel.Create(context, Shape, weights, level, cacheBytes));

    private sealed class Encoded(PlainConvKernel kernel) : IEncodedForm
    {
        public long CachedBytes => kernel.CacheBytes;

        public Ciphertext[] Multiply(Evaluator evaluator, IReadOnlyList<Ciphertext> x, GaloisKeys keys) => ConvPacked.Multiply(evaluator, kernel, x, keys);
    }
}
