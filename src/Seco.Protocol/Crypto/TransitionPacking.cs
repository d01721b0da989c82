using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Nn.Field;
using Seco.Nn.Layers;

namespace Seco.Protocol.Crypto;

/// <summary>
/// The user's masks that cross the split must reach tier 1 in the packing F_BC's blocks read them in, which is part of
/// F_BC's architecture — the user must not learn it (paper §V-A, Table I). So the user encrypts each such mask in every
/// packing its shape allows, and A, which knows the forms, uses the ones it needs (<see cref="MaskPackings"/>):
/// <list type="bullet">
/// <item><b>Matrix halves</b> (the mask fits n/2 slots): the mat-vec's packing holds r repeated with period k' (the size
/// rounded up to a power of two) in row 0 and the same rotated left by h in row 1, where h depends on the block's
/// <i>output</i> size. The user encrypts the two rows separately (each with the period-k' repetition, the other row
/// zero); A computes ct_row0 + rot(ct_row1, h) under tier 1's rotation keys.</item>
/// <item><b>Channel planes</b> (a C×H×W mask): the convolution's canonical input packing (ConvLayout with H×W planes),
/// a function of C, H, W and n alone; A uses those ciphertexts as they are.</item>
/// <item><b>Subsampled planes</b> (a residual model's C×H×W mask): the channel planes of every second row and column,
/// the operand of a stride-2 shortcut's 1×1 channel map (ResNet's option A and B).</item>
/// </list>
/// The masks: r_{l+1} (the transition) always; for a residual model also r_l, which a shortcut into block l+1 reads.
/// All are public functions of shapes the user knows (F_A's), so neither the packings nor their count say which form
/// F_BC uses or where its shortcuts are; the cost is the unused packings' upload.
/// </summary>
public static class TransitionPacking
{
    /// <summary>Whether the matrix halves are sent: the mask fits a batching row.</summary>
    public static bool HasHalves(Shape shape, int n) => shape.Size <= n / 2;

    /// <summary>The canonical channel-planar layout of a C×H×W mask, or null (a vector, or an H×W plane past n/2).</summary>
    public static ConvLayout? Planes(Shape shape, int n)
    {
        if (shape.IsVector || (long)shape.Height * shape.Width > n / 2)
            return null;
        return new ConvLayout(new ConvShape(shape.Channels, shape.Height, shape.Width, 1, 1, 1), n);
    }

    /// <summary>The channel planes of a mask's stride-2 subsample (a 1×1 grid included: a stride-2 shortcut onto one pixel), or null when the mask has none.</summary>
    public static ConvLayout? SubsampledPlanes(Shape shape, int n) =>
        Planes(shape, n) is null ? null : new ConvLayout(new ConvShape(shape.Channels, (shape.Height + 1) / 2, (shape.Width + 1) / 2, 1, 1, 1), n);

    /// <summary>How the ciphertexts of one mask are laid out: the halves (if sent), the planes (if any), the subsampled planes (if asked and any).</summary>
    public static MaskPackings Of(Shape shape, int n, bool subsampled) => new(
        HasHalves(shape, n) ? 2 : 0,
        Planes(shape, n)?.InputCiphertexts ?? 0,
        subsampled ? SubsampledPlanes(shape, n)?.InputCiphertexts ?? 0 : 0);

    /// <summary>The layouts of the user's masks across the split: r_{l+1}, then (a residual model with l ≥ 1) r_l.</summary>
    public static (MaskPackings Transition, MaskPackings? Previous) Layout(Shape transition, Shape? previous, bool residual, int n) =>
        (Of(transition, n, residual), residual && previous is { } p ? Of(p, n, subsampled: true) : null);

    /// <summary>How many ciphertexts the user's transition mask has (<see cref="Layout"/>).</summary>
    public static int Count(Shape transition, Shape? previous, bool residual, int n)
    {
        (MaskPackings t, MaskPackings? p) = Layout(transition, previous, residual, n);
        return t.Count + (p?.Count ?? 0);
    }

    /// <summary>The slot vectors of one mask in every packing of <see cref="Of"/>, in that order.</summary>
    public static ulong[][] Pack(ReadOnlySpan<ulong> x, Shape shape, int n, bool subsampled)
    {
        if (x.Length != shape.Size)
            throw new ArgumentException($"a mask of {x.Length} values for a {shape} activation", nameof(x));
        var packs = new List<ulong[]>();
        if (HasHalves(shape, n))
        {
            (ulong[] row0, ulong[] row1) = Halves(x, n);
            packs.Add(row0);
            packs.Add(row1);
        }
        if (Planes(shape, n) is { } planes)
        {
            packs.AddRange(planes.PackInput(x, PrimeField.P));
            if (subsampled)
            {
                ulong[] g = Model.Linear.Shortcuts.Apply(Model.Linear.Shortcuts.Gather(shape, 2, convolution: true), x);
                packs.AddRange(SubsampledPlanes(shape, n)!.PackInput(g, PrimeField.P));
            }
        }
        return [.. packs];
    }

    /// <summary>The two slot vectors of the matrix halves (row 0 only, row 1 only).</summary>
    public static (ulong[] Row0, ulong[] Row1) Halves(ReadOnlySpan<ulong> x, int n)
    {
        int period = new MatVecLayout(1, x.Length, n).PaddedColumns;
        int rowSize = n / 2;
        var row0 = new ulong[n];
        var row1 = new ulong[n];
        for (int j = 0; j < rowSize; j++)
        {
            int c = j % period;
            ulong v = c < x.Length ? x[c] % PrimeField.P : 0;
            row0[j] = v;
            row1[rowSize + j] = v;
        }
        return (row0, row1);
    }

    /// <summary>A's step for the matrix form: the mat-vec packing from the user's two halves.</summary>
    public static Ciphertext Combine(Evaluator evaluator, Ciphertext row0, Ciphertext row1, int rotation, GaloisKeys keys)
    {
        Ciphertext rotated = row1.Clone();
        evaluator.RotateRowsInplace(rotated, rotation, keys);
        return evaluator.Add(row0, rotated);
    }
}

/// <summary>One mask's run in the user's transition field: <see cref="Halves"/> (0 or 2), then <see cref="Planes"/>, then <see cref="Subsampled"/> ciphertexts.</summary>
public sealed record MaskPackings(int Halves, int Planes, int Subsampled)
{
    public int Count => Halves + Planes + Subsampled;

    /// <summary>The planes' ciphertexts within the run.</summary>
    public Range PlanesRange => Halves..(Halves + Planes);

    /// <summary>The subsampled planes' ciphertexts within the run.</summary>
    public Range SubsampledRange => (Halves + Planes)..Count;
}
