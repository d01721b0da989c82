using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;

namespace Seco.Lattice.Linear;

/// <summary>
/// A plaintext m×k matrix encoded for <see cref="MatVec.Multiply(Evaluator, PlainDiagonalMatrix, Ciphertext, GaloisKeys)"/>:
/// one NTT-form plaintext per (giant step, baby step) holding two pre-rotated generalised diagonals (see
/// <see cref="MatVecLayout"/>). All-zero diagonal pairs are dropped, so sparse matrices (convolutions written as
/// matrices) cost only their non-zero diagonals. Encode once per model and reuse: the weights do not change between
/// queries.
/// </summary>
public sealed class PlainDiagonalMatrix
{
    private PlainDiagonalMatrix(MatVecLayout layout, Plaintext?[] diagonals, int level)
    {
        Layout = layout;
        Diagonals = diagonals;
        Level = level;
    }

    /// <summary>The slot layout and rotation plan.</summary>
    public MatVecLayout Layout { get; }

    /// <summary>The ciphertext level (number of primes) the diagonals are encoded for.</summary>
    public int Level { get; }

    /// <summary>Number of non-zero plaintexts, i.e. plaintext×ciphertext products per evaluation.</summary>
    public int NonZeroCount => Diagonals.Count(d => d is not null);

    /// <summary>Indexed [g·B + b]; null where both rows' diagonals are zero.</summary>
    internal Plaintext?[] Diagonals { get; }

    /// <summary>
    /// Encodes row-major <paramref name="matrix"/> (m×k residues mod t) for ciphertexts at <paramref name="level"/>
    /// primes (default: the top data level).
    /// </summary>
    public static PlainDiagonalMatrix Encode(BfvContext context, ReadOnlySpan<ulong> matrix, int rows, int columns, int level = 0)
    {
        ArgumentNullException.ThrowIfNull(context);
        var layout = new MatVecLayout(rows, columns, context.N);
        CheckMatrix(matrix, rows, columns, context.PlainModulus.Value);
        level = level == 0 ? context.MaxLevel : level;
        var encoder = new BatchEncoder(context);
        var evaluator = new Evaluator(context);
        var slots = new ulong[context.N];
        var diagonals = new Plaintext?[layout.Half];
        for (int g = 0; g < layout.GiantSteps; g++)
        {
            for (int b = 0; b < layout.BabySteps; b++)
            {
                if (layout.DiagonalSlots(matrix, g, b, slots))
                {
                    diagonals[(g * layout.BabySteps) + b] = evaluator.TransformToNtt(encoder.Encode(slots), level);
                }
            }
        }

        return new PlainDiagonalMatrix(layout, diagonals, level);
    }

    /// <summary>Signed integers (e.g. fixed-point weights) as residues mod t.</summary>
    public static ulong[] ToResidues(ReadOnlySpan<long> values, ulong plainModulus)
    {
        var residues = new ulong[values.Length];
        long t = checked((long)plainModulus);
        for (int i = 0; i < values.Length; i++)
        {
            long r = values[i] % t;
            residues[i] = (ulong)(r < 0 ? r + t : r);
        }

        return residues;
    }

    internal static void CheckMatrix(ReadOnlySpan<ulong> matrix, int rows, int columns, ulong t)
    {
        if (matrix.Length != (long)rows * columns)
        {
            throw new ArgumentException($"A {rows}×{columns} matrix has {(long)rows * columns} entries, not {matrix.Length}.", nameof(matrix));
        }

        for (int i = 0; i < matrix.Length; i++)
        {
            if (matrix[i] >= t)
            {
                throw new ArgumentOutOfRangeException(nameof(matrix), $"Entry ({i / columns}, {i % columns}) is {matrix[i]}, not a residue below t = {t}.");
            }
        }
    }
}
