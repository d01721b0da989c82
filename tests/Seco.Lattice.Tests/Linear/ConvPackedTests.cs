using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Lattice.Tests.Bfv;
using Xunit;
using Xunit.Abstractions;

namespace Seco.Lattice.Tests.Linear;

/// <summary>
/// Issue 20: the channel-packed convolution (Gazelle-style) is exact mod t against a naive convolution, leaves every
/// slot that is not an output at 0, and needs only the Galois keys its layout names.
/// </summary>
public sealed class ConvPackedTests(Keys4096Fixture fixture, ITestOutputHelper output) : IClassFixture<Keys4096Fixture>
{
    private readonly BfvKeys _k = fixture.Keys;

    /// <summary>out[o][y][x] = Σ w[o][i][u][v]·in[i][SH·y + u − top][SW·x + v − left] mod t, written from the definition.</summary>
    internal static ulong[] Reference(ConvShape s, ulong[] w, ulong[] x, ulong t)
    {
        var y = new ulong[s.OutputSize];
        int index = 0;
        for (int o = 0; o < s.OutChannels; o++)
        {
            for (int r = 0; r < s.OutHeight; r++)
            {
                for (int c = 0; c < s.OutWidth; c++)
                {
                    UInt128 acc = 0;
                    for (int i = 0; i < s.InChannels; i++)
                    {
                        for (int u = 0; u < s.KernelH; u++)
                        {
                            for (int v = 0; v < s.KernelW; v++)
                            {
                                int rr = (s.StrideH * r) + u - s.PadTop, cc = (s.StrideW * c) + v - s.PadLeft;
                                if (rr >= 0 && rr < s.Height && cc >= 0 && cc < s.Width)
                                {
                                    acc += (UInt128)w[(((o * s.InChannels) + i) * s.KernelH + u) * s.KernelW + v] * x[((i * s.Height) + rr) * s.Width + cc];
                                }
                            }
                        }
                    }

                    y[index++] = (ulong)(acc % t);
                }
            }
        }

        return y;
    }

    internal static (ulong[] Y, ulong[][] Slots) Run(BfvKeys k, ConvShape shape, int seed, long cacheBytes = PlainConvKernel.DefaultCacheBytes)
    {
        var random = new Random(seed);
        ulong t = k.T;
        ulong[] w = [.. Enumerable.Range(0, shape.WeightCount).Select(_ => (ulong)random.NextInt64((long)t))];
        ulong[] x = [.. Enumerable.Range(0, shape.InputSize).Select(_ => (ulong)random.NextInt64((long)t))];
        PlainConvKernel kernel = PlainConvKernel.Create(k.Context, shape, w, cacheBytes: cacheBytes);
        ConvLayout layout = kernel.Layout;
        GaloisKeys keys = k.KeyGenerator.CreateGaloisKeysFromElements(layout.GaloisElements());
        Ciphertext[] cts = [.. layout.PackInput(x, t).Select(k.Encrypt)];
        Ciphertext[] y = ConvPacked.Multiply(k.Evaluator, kernel, cts, keys);
        ulong[][] slots = [.. y.Select(k.Decrypt)];
        Assert.Equal(Reference(shape, w, x, t), layout.UnpackOutput(slots));
        Assert.All(y, ct => Assert.True(k.Decryptor.InvariantNoiseBudget(ct) > 0));
        return (layout.UnpackOutput(slots), slots);
    }

    public static TheoryData<ConvShape> Shapes => new()
    {
        new ConvShape(1, 5, 5, 1, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1), // the smallest same-padded conv
        new ConvShape(4, 8, 8, 4, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1), // one ciphertext, both rows
        new ConvShape(3, 8, 8, 8, 3, 3, 2, 2, 1, 1, 1, 1),                                  // stride 2, a ResNet stage change
        new ConvShape(4, 8, 8, 8, 1, 1, 2, 2),                                              // option B's 1×1 stride-2 shortcut
        new ConvShape(2, 12, 12, 3, 5, 5),                                                  // valid 5×5 (MiniONN-like)
        new ConvShape(16, 16, 16, 16, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1), // 2 input and 2 output ciphertexts
        new ConvShape(3, 7, 9, 5, 2, 3, 1, 2, 1, 0, 0, 2),                                  // rectangular, odd strides and pads
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Is_exact_mod_t_and_leaves_every_other_slot_zero(ConvShape shape)
    {
        (_, ulong[][] slots) = Run(_k, shape, shape.GetHashCode());
        var layout = new ConvLayout(shape, _k.N);
        var outputs = layout.OutputSlots().ToHashSet();
        for (int ct = 0; ct < slots.Length; ct++)
        {
            for (int s = 0; s < slots[ct].Length; s++)
            {
                if (!outputs.Contains((ct, s)))
                {
                    Assert.True(slots[ct][s] == 0, $"slot {s} of output ciphertext {ct} holds {slots[ct][s]}");
                }
            }
        }

        ConvCost cost = layout.Cost;
        output.WriteLine($"{shape}: P = {layout.PlaneSize}, {layout.InputCiphertexts}→{layout.OutputCiphertexts} ciphertexts, {cost}");
    }

    [Fact]
    public void Encoding_on_the_fly_gives_the_same_result_as_the_cache()
    {
        var shape = new ConvShape(16, 16, 16, 16, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1);
        Assert.Equal(Run(_k, shape, 5).Y, Run(_k, shape, 5, cacheBytes: 0).Y);
        Assert.False(PlainConvKernel.Create(_k.Context, shape, new ulong[shape.WeightCount], cacheBytes: 0).IsCached);
    }

    [Fact]
    public void The_plan_names_its_keys_and_a_missing_one_is_an_error()
    {
        var shape = new ConvShape(4, 8, 8, 4, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1);
        var layout = new ConvLayout(shape, _k.N);
        // P = 64 at n/2 = 2048: 32 planes per row; 4 input channels repeat with period 4 over both rows, so the
        // channel diagonals are 1, 2, 3 and no row swap is needed; 8 tap offsets ±1, ±8, ±8±1
        Assert.Equal(64, layout.PlaneSize);
        Assert.Equal(4, layout.InputPeriod);
        Assert.Equal([64, 128, 192], layout.ChannelSteps);
        Assert.False(layout.UsesRowSwap);
        Assert.Equal(8 + 3, layout.GaloisElements().Length);
        PlainConvKernel kernel = PlainConvKernel.Create(_k.Context, shape, new ulong[shape.WeightCount]);
        Ciphertext[] x = [.. layout.PackInput(new ulong[shape.InputSize], _k.T).Select(_k.Encrypt)];
        Assert.Throws<ArgumentException>(() => ConvPacked.Multiply(_k.Evaluator, kernel, x, _k.GaloisKeys));
    }

    [Fact]
    public void A_replicated_input_holds_every_channel_in_every_plane_of_both_rows()
    {
        var layout = new ConvLayout(new ConvShape(3, 4, 4, 2, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1), _k.N);
        Assert.Equal(4, layout.InputPeriod); // 3 channels round up to a period of 4 planes (the 4th is zero)
        ulong[] x = [.. Enumerable.Range(1, 3 * 16).Select(v => (ulong)v)];
        ulong[] slots = Assert.Single(layout.PackInput(x, _k.T));
        for (int copy = 0; copy < 2 * layout.PlanesPerRow; copy++)
        {
            int plane = ((copy / layout.PlanesPerRow) * layout.RowSize) + ((copy % layout.PlanesPerRow) * layout.PlaneSize);
            ulong first = copy % 4 == 3 ? 0UL : (ulong)((copy % 4 * 16) + 1);
            Assert.Equal(first, slots[plane]);
        }
    }

    [Fact]
    public void A_shape_too_large_to_plan_is_refused_before_anything_is_sized_by_it()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLayout(new ConvShape(1 << 20, 4, 4, 1 << 20, 3, 3, PadTop: 1, PadLeft: 1, PadBottom: 1, PadRight: 1), _k.N));
        Assert.Contains("more than 16777216 inputs, outputs or weights", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLayout(new ConvShape(4, 8, 8, 4, 3, 3, PadTop: 3), _k.N)); // padding past the kernel
        Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLayout(new ConvShape(4, 2, 2, 4, 5, 5), _k.N)); // kernel past the image
    }

    [Fact]
    public void A_plane_larger_than_a_row_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ConvLayout(new ConvShape(1, 64, 64, 1, 3, 3), _k.N));
        Assert.Contains("does not fit a batching row of 2048 slots", e.Message);
    }
}
