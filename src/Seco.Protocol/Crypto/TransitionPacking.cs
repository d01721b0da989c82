using Seco.Lattice.Bfv;
using Seco.Lattice.Linear;
using Seco.Nn.Field;

namespace Seco.Protocol.Crypto;

/// <summary>
/// The transition mask r_{l+1} must reach B and C in the Lin-OP input packing of block l+1: row 0 holds r repeated
/// with period k' (k' = the input size rounded up to a power of two) and row 1 the same rotated left by h, where h
/// depends on block l+1's <i>output</i> size — part of F_BC's architecture, which the user must not learn
/// (paper §V-A, Table I). So the user encrypts the two rows separately (each holding the period-k' repetition, the other
/// row zero), and A, which knows h, computes ct_row0 + rot(ct_row1, h) under the collective rotation keys.
/// </summary>
public static class TransitionPacking
{
    /// <summary>The two slot vectors the user encrypts (row 0 only, row 1 only).</summary>
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

    /// <summary>A's step: the Lin-OP packing of block l+1 from the user's two ciphertexts.</summary>
    public static Ciphertext Combine(Evaluator evaluator, Ciphertext row0, Ciphertext row1, int rotation, GaloisKeys keys)
    {
        Ciphertext rotated = row1.Clone();
        evaluator.RotateRowsInplace(rotated, rotation, keys);
        return evaluator.Add(row0, rotated);
    }
}
