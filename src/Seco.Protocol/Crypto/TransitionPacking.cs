using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Nn.Field;
using Seco.Nn.Layers;

namespace Seco.Protocol.Crypto;

/// <summary>
/// The transition mask r_{l+1} must reach tier 1 in the input packing of block l+1's form, which is part of F_BC's
/// architecture — the user must not learn it (paper §V-A, Table I). So the user encrypts r_{l+1} in every packing the
/// activation's shape allows, and A, which knows the form, uses the one it needs:
/// <list type="bullet">
/// <item><b>Matrix halves</b> (the activation fits n/2 slots): the mat-vec's packing holds r repeated with period k'
/// (the size rounded up to a power of two) in row 0 and the same rotated left by h in row 1, where h depends on block
/// l+1's <i>output</i> size. The user encrypts the two rows separately (each with the period-k' repetition, the other
/// row zero); A computes ct_row0 + rot(ct_row1, h) under tier 1's rotation keys.</item>
/// <item><b>Channel planes</b> (a C×H×W activation): the convolution's canonical input packing (ConvLayout with H×W
/// planes), a function of C, H, W and n alone; A uses those ciphertexts as they are.</item>
/// </list>
/// Both are public functions of the activation's shape, which the user knows (F_A's output), so neither packing nor
/// the count of ciphertexts says which form F_BC uses; the cost is the unused packing's upload.
/// </summary>
public static class TransitionPacking
{
    /// <summary>Whether the matrix halves are sent: the activation fits a batching row.</summary>
    public static bool HasHalves(Shape shape, int n) => shape.Size <= n / 2;

    /// <summary>The canonical channel-planar layout of a C×H×W activation, or null (a vector, or an H×W plane past n/2).</summary>
    public static ConvLayout? Planes(Shape shape, int n)
    {
        if (shape.IsVector || (long)shape.Height * shape.Width > n / 2)
            return null;
        return new ConvLayout(new ConvShape(shape.Channels, shape.Height, shape.Width, 1, 1, 1), n);
    }

    /// <summary>How many ciphertexts the user's transition mask has: 2 for the halves (if sent), then the planes'.</summary>
    public static int Count(Shape shape, int n) => (HasHalves(shape, n) ? 2 : 0) + (Planes(shape, n)?.InputCiphertexts ?? 0);

    /// <summary>The slot vectors the user encrypts under tier 1's key: the halves (if sent), then the channel planes (if any).</summary>
    public static ulong[][] Pack(ReadOnlySpan<ulong> x, Shape shape, int n)
    {
        if (x.Length != shape.Size)
            throw new ArgumentException($"a transition mask of {x.Length} values for a {shape} activation", nameof(x));
        var packs = new List<ulong[]>();
        if (HasHalves(shape, n))
        {
            (ulong[] row0, ulong[] row1) = Halves(x, n);
            packs.Add(row0);
            packs.Add(row1);
        }
        if (Planes(shape, n) is { } planes)
            packs.AddRange(planes.PackInput(x, PrimeField.P));
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

    /// <summary>A's step for the matrix form: the mat-vec packing of block l+1 from the user's two halves.</summary>
    public static Ciphertext Combine(Evaluator evaluator, Ciphertext row0, Ciphertext row1, int rotation, GaloisKeys keys)
    {
        Ciphertext rotated = row1.Clone();
        evaluator.RotateRowsInplace(rotated, rotation, keys);
        return evaluator.Add(row0, rotated);
    }
}
