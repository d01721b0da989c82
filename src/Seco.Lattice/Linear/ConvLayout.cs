using System.Numerics;
using Seco.Lattice.Bfv;

namespace Seco.Lattice.Linear;

/// <summary>
/// The slot layout and rotation plan of a channel-packed convolution on BFV ciphertexts (Gazelle, Juvekar–Vaikuntanathan–
/// Chandrakasan, USENIX Security 2018, §5.3), beside the diagonal mat-vec (<see cref="MatVecLayout"/>).
/// <para>
/// <b>Planes.</b> Each channel is a plane of P slots (P a power of two ≥ H'·W', P ≤ n/2), pixel (y, x) at y·W' + x, where
/// W' ≥ W and H' ≥ H leave room for the output positions below. A batching row of n/2 slots holds c = n/2 / P planes;
/// a ciphertext holds 2c channels, row 0 then row 1. Input channel i is in ciphertext i / 2c, row (i mod 2c) / c,
/// block i mod c.
/// </para>
/// <para>
/// <b>Taps.</b> Output (y, x) sits at the input position (SH·y, SW·x) of the plane; kernel tap (u, v) reads the input
/// at offset δ = (u − top)·W' + (v − left) from it, so rot(x, δ) lines every tap's input up with its outputs. Positions
/// where the tap falls outside the image read a neighbour's slot, and the kernel plaintext is zero there: no mask is
/// needed, and every slot that is not an output holds exactly 0 (nothing beyond the outputs is computed).
/// </para>
/// <para>
/// <b>Channels.</b> Output block j of a row takes input block (j + k) mod c for the channel diagonal k, from the same
/// row of x or, through the row swap, from the other row: Σ_k rot(Σ_{σ,t} rot(σ(x), δ_t) ⊙ K_{σ,t,k}, k·P). The 2·T
/// tap rotations (T taps, for x and its row swap) are hoisted — one key-switching decomposition per input
/// ciphertext and variant — and the c − 1 channel rotations ("giant steps") act on sums, once per output
/// ciphertext: a stride-1 or stride-2 3×3 convolution needs 8 + (c − 1) + 1 Galois keys.
/// </para>
/// </summary>
public sealed class ConvLayout
{
    /// <summary>Plans <paramref name="shape"/> for ring degree <paramref name="n"/>.</summary>
    public ConvLayout(ConvShape shape, int n)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        if (n < 4 || !int.IsPow2(n))
        {
            throw new ArgumentOutOfRangeException(nameof(n), $"The ring degree must be a power of two ≥ 4, not {n}.");
        }

        Shape = shape;
        RowSize = n / 2;
        // the plane must also hold the output positions (SH·y, SW·x)
        PlaneWidth = Math.Max(shape.Width, shape.StrideW * shape.OutWidth);
        PlaneHeight = Math.Max(shape.Height, shape.StrideH * shape.OutHeight);
        long plane = (long)PlaneWidth * PlaneHeight;
        if (plane > RowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(shape), $"A {PlaneHeight}×{PlaneWidth} plane does not fit a batching row of {RowSize} slots at n = {n}.");
        }

        PlaneSize = Math.Max(1, (int)BitOperations.RoundUpToPowerOf2((uint)plane));
        PlanesPerRow = RowSize / PlaneSize;
        ChannelsPerCiphertext = 2 * PlanesPerRow;
        // few input channels (a first layer): every plane of both rows holds one, repeating with period g, so each
        // output block finds every input channel within g diagonals of itself, with no row swap (Gazelle §5.3's
        // replicated input)
        InputPeriod = shape.InChannels <= PlanesPerRow ? (int)BitOperations.RoundUpToPowerOf2((uint)shape.InChannels) : 0;
        InputCiphertexts = InputPeriod > 0 ? 1 : (shape.InChannels + ChannelsPerCiphertext - 1) / ChannelsPerCiphertext;
        OutputCiphertexts = (shape.OutChannels + ChannelsPerCiphertext - 1) / ChannelsPerCiphertext;
        var taps = new List<(int U, int V, int Delta)>();
        for (int u = 0; u < shape.KernelH; u++)
        {
            for (int v = 0; v < shape.KernelW; v++)
            {
                taps.Add((u, v, ((u - shape.PadTop) * PlaneWidth) + v - shape.PadLeft));
            }
        }

        Taps = taps;
        // which (input ct, output ct, variant, diagonal) combinations meet a real (input, output) channel pair: the
        // structure alone decides which plaintexts exist, never the weight values
        Present = new bool[InputCiphertexts, OutputCiphertexts, 2, PlanesPerRow];
        for (int a = 0; a < InputCiphertexts; a++)
        {
            for (int b = 0; b < OutputCiphertexts; b++)
            {
                for (int sigma = 0; sigma < 2; sigma++)
                {
                    for (int k = 0; k < (InputPeriod > 0 ? InputPeriod : PlanesPerRow); k++)
                    {
                        for (int row = 0; row < 2 && !Present[a, b, sigma, k]; row++)
                        {
                            for (int j = 0; j < PlanesPerRow; j++)
                            {
                                if (OutputChannel(b, row, j) < shape.OutChannels && InputChannel(a, sigma, row, (j + k) % PlanesPerRow) < shape.InChannels)
                                {
                                    Present[a, b, sigma, k] = true;
                                    break;
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    public ConvShape Shape { get; }

    /// <summary>n/2 slots per batching row.</summary>
    public int RowSize { get; }

    /// <summary>W': the row stride of a plane.</summary>
    public int PlaneWidth { get; }

    /// <summary>H': the rows of a plane.</summary>
    public int PlaneHeight { get; }

    /// <summary>P: slots per channel plane (a power of two).</summary>
    public int PlaneSize { get; }

    /// <summary>c: planes per batching row.</summary>
    public int PlanesPerRow { get; }

    /// <summary>2c: channels per ciphertext.</summary>
    public int ChannelsPerCiphertext { get; }

    public int InputCiphertexts { get; }

    public int OutputCiphertexts { get; }

    /// <summary>The kernel taps (u, v) and their rotation offsets δ.</summary>
    public IReadOnlyList<(int U, int V, int Delta)> Taps { get; }

    /// <summary>[a, b, σ, k]: whether input ciphertext a meets output ciphertext b on variant σ and channel diagonal k.</summary>
    internal bool[,,,] Present { get; }

    /// <summary>
    /// g: with at most c input channels, the period with which they repeat over the planes of both rows of the single
    /// input ciphertext (a power of two ≥ C_in); 0 when the input spreads over 2c channels per ciphertext instead.
    /// </summary>
    public int InputPeriod { get; }

    /// <summary>
    /// The input channel in block <paramref name="block"/> of <paramref name="row"/> of input ciphertext a, seen through
    /// variant σ (1: rows swapped); int.MaxValue for the unused swap of a replicated input.
    /// </summary>
    internal int InputChannel(int a, int sigma, int row, int block) =>
        InputPeriod > 0
            ? (sigma == 0 ? block % InputPeriod : int.MaxValue)
            : (a * ChannelsPerCiphertext) + ((sigma == 0 ? row : 1 - row) * PlanesPerRow) + block;

    internal int OutputChannel(int b, int row, int block) => (b * ChannelsPerCiphertext) + (row * PlanesPerRow) + block;

    /// <summary>The hoisted tap rotations, normalised to [0, n/2) (0 is the input itself).</summary>
    public IReadOnlyList<int> TapSteps => Taps.Select(t => Normalize(t.Delta)).Distinct().ToArray();

    /// <summary>The channel rotations k·P for the diagonals k &gt; 0 that meet a real channel pair.</summary>
    public IReadOnlyList<int> ChannelSteps =>
        Enumerable.Range(1, PlanesPerRow - 1).Where(k => AnyPresent((_, _, _, kk) => kk == k)).Select(k => k * PlaneSize).ToArray();

    /// <summary>Whether some input channel reaches an output channel of another row (the row swap is then needed).</summary>
    public bool UsesRowSwap => AnyPresent((_, _, sigma, _) => sigma == 1);

    /// <summary>Every Galois element a product needs: the tap and channel rotations and, if used, the row swap.</summary>
    public uint[] GaloisElements() =>
        TapSteps.Concat(ChannelSteps).Where(s => s != 0).Select(s => GaloisTool.ElementFromStep(s, 2 * RowSize))
            .Concat(UsesRowSwap ? [GaloisTool.RowSwapElement(2 * RowSize)] : []).Distinct().Order().ToArray();

    private bool AnyPresent(Func<int, int, int, int, bool> where)
    {
        for (int a = 0; a < InputCiphertexts; a++)
            for (int b = 0; b < OutputCiphertexts; b++)
                for (int sigma = 0; sigma < 2; sigma++)
                    for (int k = 0; k < PlanesPerRow; k++)
                        if (Present[a, b, sigma, k] && where(a, b, sigma, k))
                            return true;
        return false;
    }

    internal int Normalize(int step) => ((step % RowSize) + RowSize) % RowSize;

    /// <summary>The slot (of 2·n/2) of channel <paramref name="channel"/>'s pixel (y, x) in its ciphertext channel / 2c.</summary>
    private int Slot(int channel, int y, int x)
    {
        int inCt = channel % ChannelsPerCiphertext;
        return ((inCt / PlanesPerRow) * RowSize) + ((inCt % PlanesPerRow) * PlaneSize) + (y * PlaneWidth) + x;
    }

    /// <summary>Where input value <c>[i][y][x]</c> lives: (ciphertext, slot) — for a replicated input, its first copy.</summary>
    public (int Ciphertext, int Slot) InputSlot(int channel, int y, int x) =>
        InputPeriod > 0 ? (0, (channel * PlaneSize) + (y * PlaneWidth) + x) : (channel / ChannelsPerCiphertext, Slot(channel, y, x));

    /// <summary>Where output value <c>[o][y][x]</c> lands: (ciphertext, slot) — at the input position (SH·y, SW·x).</summary>
    public (int Ciphertext, int Slot) OutputSlot(int channel, int y, int x) =>
        (channel / ChannelsPerCiphertext, Slot(channel, Shape.StrideH * y, Shape.StrideW * x));

    /// <summary>The slot vectors of the input ciphertexts for x in [i][y][x] order (residues below <paramref name="t"/>); every other slot is 0.</summary>
    public ulong[][] PackInput(ReadOnlySpan<ulong> x, ulong t)
    {
        ConvShape s = Shape;
        if (x.Length != s.InputSize)
        {
            throw new ArgumentException($"The input has {x.Length} values; {s} takes {s.InputSize}.", nameof(x));
        }

        ulong[][] slots = [.. Enumerable.Range(0, InputCiphertexts).Select(_ => new ulong[2 * RowSize])];
        int index = 0;
        for (int i = 0; i < s.InChannels; i++)
        {
            for (int y = 0; y < s.Height; y++)
            {
                for (int c = 0; c < s.Width; c++, index++)
                {
                    (int ct, int slot) = InputSlot(i, y, c);
                    ulong value = Reduce(x[index], t, index);
                    slots[ct][slot] = value;
                    for (int copy = InputPeriod; InputPeriod > 0 && copy < 2 * PlanesPerRow; copy += InputPeriod)
                    {
                        slots[ct][slot + ((copy / PlanesPerRow) * RowSize) + ((copy % PlanesPerRow) * PlaneSize)] = value;
                    }
                }
            }
        }

        return slots;
    }

    /// <summary>The slot vectors holding <paramref name="v"/> ([o][y][x] order) at the output slots, e.g. a bias or a mask; every other slot is 0.</summary>
    public ulong[][] PackOutput(ReadOnlySpan<ulong> v, ulong t)
    {
        ConvShape s = Shape;
        if (v.Length != s.OutputSize)
        {
            throw new ArgumentException($"The vector has {v.Length} values; {s} gives {s.OutputSize}.", nameof(v));
        }

        ulong[][] slots = [.. Enumerable.Range(0, OutputCiphertexts).Select(_ => new ulong[2 * RowSize])];
        int index = 0;
        foreach ((int ct, int slot) in OutputSlots())
        {
            slots[ct][slot] = Reduce(v[index], t, index);
            index++;
        }

        return slots;
    }

    /// <summary>The output values ([o][y][x] order) read from the decrypted output ciphertexts' slots.</summary>
    public ulong[] UnpackOutput(IReadOnlyList<ulong[]> slots)
    {
        ArgumentNullException.ThrowIfNull(slots);
        if (slots.Count != OutputCiphertexts || slots.Any(s => s.Length != 2 * RowSize))
        {
            throw new ArgumentException($"Expected {OutputCiphertexts} slot vectors of {2 * RowSize}.", nameof(slots));
        }

        return [.. OutputSlots().Select(p => slots[p.Ciphertext][p.Slot])];
    }

    /// <summary>Every output's (ciphertext, slot), in [o][y][x] order: the slots a decryptor reads; all others are 0.</summary>
    public IEnumerable<(int Ciphertext, int Slot)> OutputSlots()
    {
        for (int o = 0; o < Shape.OutChannels; o++)
        {
            for (int y = 0; y < Shape.OutHeight; y++)
            {
                for (int x = 0; x < Shape.OutWidth; x++)
                {
                    yield return OutputSlot(o, y, x);
                }
            }
        }
    }

    /// <summary>The operations one product costs, counted from the plan (the planner compares them with the mat-vec's).</summary>
    public ConvCost Cost
    {
        get
        {
            int products = 0, giants = 0;
            var variants = new bool[InputCiphertexts, 2];
            for (int b = 0; b < OutputCiphertexts; b++)
            {
                for (int k = 0; k < PlanesPerRow; k++)
                {
                    bool any = false;
                    for (int a = 0; a < InputCiphertexts; a++)
                    {
                        for (int sigma = 0; sigma < 2; sigma++)
                        {
                            if (Present[a, b, sigma, k])
                            {
                                products += Taps.Count;
                                variants[a, sigma] = any = true;
                            }
                        }
                    }

                    if (any && k > 0)
                    {
                        giants++;
                    }
                }
            }

            int swaps = 0, hoisted = 0;
            for (int a = 0; a < InputCiphertexts; a++)
            {
                swaps += variants[a, 1] ? 1 : 0;
                hoisted += (variants[a, 0] ? 1 : 0) + (variants[a, 1] ? 1 : 0);
            }

            return new ConvCost(products, hoisted, hoisted * TapSteps.Count(s => s != 0), giants, swaps, GaloisElements().Length);
        }
    }

    private static ulong Reduce(ulong v, ulong t, int index) =>
        v < t ? v : throw new ArgumentOutOfRangeException(nameof(v), $"Entry {index} is {v}, not a residue below t = {t}.");
}

/// <summary>
/// What one channel-packed convolution costs: plaintext×ciphertext products (each also one plaintext encoding),
/// hoisted decompositions and the tap rotations they serve, channel (giant) rotations, row swaps, and Galois keys.
/// </summary>
public sealed record ConvCost(int Products, int HoistedDecompositions, int TapRotations, int ChannelRotations, int RowSwaps, int GaloisKeys)
{
    /// <summary>Key switchings in all: every rotation that needs its own decomposition or inner product.</summary>
    public int KeySwitches => TapRotations + ChannelRotations + RowSwaps;
}
