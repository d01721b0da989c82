using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Linear;

/// <summary>
/// An m×k matrix encrypted diagonal by diagonal in the layout of <see cref="PlainDiagonalMatrix"/> (one ciphertext per
/// non-zero (giant, baby) pair of pre-rotated diagonals): the paper's encrypted weights ct(F_i^j) for the ct×ct Lin-OP
/// (paper Alg. 8). Encrypted shares of one matrix add up (<see cref="Add"/>) to an encryption of their sum, as A forms
/// ct(F^2) ⊕ ct(F^3). Which diagonals are zero is public (it is the layout of the ciphertext list); a weight holder
/// that wants to hide its sparsity encrypts all of them (<paramref name="skipZeroDiagonals"/> = false).
/// </summary>
public sealed class EncryptedDiagonalMatrix
{
    private EncryptedDiagonalMatrix(MatVecLayout layout, Ciphertext?[] diagonals)
    {
        Layout = layout;
        Diagonals = diagonals;
    }

    /// <summary>The slot layout and rotation plan.</summary>
    public MatVecLayout Layout { get; }

    /// <summary>Indexed [g·B + b]; null where the diagonal pair is zero and was skipped.</summary>
    public IReadOnlyList<Ciphertext?> Diagonals { get; }

    /// <summary>Number of ciphertexts (products per evaluation).</summary>
    public int Count => Diagonals.Count(d => d is not null);

    /// <summary>Encrypts row-major <paramref name="matrix"/> (m×k residues mod t) with <paramref name="encryptor"/>.</summary>
    public static EncryptedDiagonalMatrix Encrypt(BfvContext context, Encryptor encryptor, ReadOnlySpan<ulong> matrix, int rows, int columns, bool skipZeroDiagonals = true)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(encryptor);
        var layout = new MatVecLayout(rows, columns, context.N);
        PlainDiagonalMatrix.CheckMatrix(matrix, rows, columns, context.PlainModulus.Value);
        var encoder = new BatchEncoder(context);
        var slots = new ulong[context.N];
        var diagonals = new Ciphertext?[layout.Half];
        for (int g = 0; g < layout.GiantSteps; g++)
        {
            for (int b = 0; b < layout.BabySteps; b++)
            {
                if (layout.DiagonalSlots(matrix, g, b, slots) || !skipZeroDiagonals)
                {
                    diagonals[(g * layout.BabySteps) + b] = encryptor.Encrypt(encoder.Encode(slots));
                }
            }
        }

        return new EncryptedDiagonalMatrix(layout, diagonals);
    }

    /// <summary>The encryption of the sum of two encrypted matrices of the same shape (diagonal-wise ⊕).</summary>
    public static EncryptedDiagonalMatrix Add(Evaluator evaluator, EncryptedDiagonalMatrix x, EncryptedDiagonalMatrix y)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Layout.Rows != y.Layout.Rows || x.Layout.Columns != y.Layout.Columns || x.Layout.RowSize != y.Layout.RowSize)
        {
            throw new ArgumentException($"Cannot add a {x.Layout.Rows}×{x.Layout.Columns} and a {y.Layout.Rows}×{y.Layout.Columns} encrypted matrix.");
        }

        var sum = new Ciphertext?[x.Diagonals.Count];
        for (int i = 0; i < sum.Length; i++)
        {
            (Ciphertext? a, Ciphertext? b) = (x.Diagonals[i], y.Diagonals[i]);
            sum[i] = a is null ? b?.Clone() : b is null ? a.Clone() : evaluator.Add(a, b);
        }

        return new EncryptedDiagonalMatrix(x.Layout, sum);
    }
}
