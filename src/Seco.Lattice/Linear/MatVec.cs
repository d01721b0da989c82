using Seco.Lattice.Bfv;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Linear;

/// <summary>
/// Matrix × encrypted vector by the baby-step/giant-step diagonal method (see <see cref="MatVecLayout"/>). The input
/// ciphertext must hold <see cref="MatVecLayout.PackInput"/>; the result holds y = M·x mod t in slots 0..m−1 of both
/// rows, in coefficient form, at the input's level.
/// </summary>
public static class MatVec
{
    /// <summary>
    /// The Galois elements a product with <paramref name="layout"/> needs: every rotation step and the row swap.
    /// Pass them to key generation (<see cref="KeyGenerator.CreateGaloisKeysFromElements"/> or collective RTG).
    /// </summary>
    public static uint[] GaloisElements(MatVecLayout layout, int n) =>
        layout.RotationSteps.Select(s => GaloisTool.ElementFromStep(s, n)).Append(GaloisTool.RowSwapElement(n)).Distinct().Order().ToArray();

    /// <summary>
    /// y = M·x for a plaintext matrix. Cost: B − 1 hoisted rotations, (non-zero) G − 1 giant rotations, one row swap,
    /// log2(k'/m') fold rotations and one NTT-domain product per non-zero plaintext. Intermediate ciphertexts live on
    /// the evaluator's scratch pool, so a repeated product allocates only its result.
    /// </summary>
    public static Ciphertext Multiply(Evaluator evaluator, PlainDiagonalMatrix matrix, Ciphertext x, GaloisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Level != matrix.Level)
        {
            throw new ArgumentException($"The matrix is encoded for level {matrix.Level} but the ciphertext is at level {x.Level}.", nameof(x));
        }

        MatVecLayout layout = matrix.Layout;
        CheckRing(layout, x);
        int babies = layout.BabySteps;
        using var byStep = new BabyRotations(evaluator, layout, x, keys, (g, b) => matrix.Diagonals[(g * babies) + b] is not null);
        using ScratchCiphertext scratch = evaluator.RentScratch(2, x.Level);

        Ciphertext? result = null;
        var moduli = x.Context.Level(x.Level).Moduli;
        int n = x.Context.N;
        using var wide = new PooledBuffer(4 * n);
        for (int g = 0; g < layout.GiantSteps; g++)
        {
            Ciphertext? inner = null;
            for (int r = 0; r < x.Level; r++)
            {
                wide.Span.Clear();
                bool any = false;
                for (int b = 0; b < babies; b++)
                {
                    Plaintext? p = matrix.Diagonals[(g * babies) + b];
                    if (p is null)
                    {
                        continue;
                    }

                    Ciphertext xb = byStep[b]!;
                    Evaluator.MultiplyAccumulateWide(p.Data.AsSpan(r * n, n), xb.Poly(0).Slice(r * n, n), xb.Poly(1).Slice(r * n, n), wide.Span, n);
                    any = true;
                }

                if (!any)
                {
                    break; // which diagonals are zero does not depend on the prime
                }

                // The first non-empty giant step is computed straight into the (caller-owned) result, the others into
                // scratch and added: the same operations in the same order as before pooling, so the same bits.
                inner ??= result is null ? new Ciphertext(x.Context, 2, x.Level) : scratch.Value;
                Evaluator.ReduceWide(wide.Span, moduli[r], inner.Poly(0).Slice(r * n, n), inner.Poly(1).Slice(r * n, n), n);
            }

            if (inner is null)
            {
                continue;
            }

            inner.IsNttForm = true;
            evaluator.TransformFromNtt(inner);
            AddGiantStep(evaluator, ref result, inner, g * babies, keys);
        }

        return Finish(evaluator, layout, result ?? new Ciphertext(x.Context, 2, x.Level), keys);
    }

    /// <summary>
    /// y = M·x for an encrypted matrix (the ct×ct Lin-OP). Each giant step is one <see cref="Evaluator.DotProduct"/> of
    /// the encrypted diagonals with the (hoisted) baby rotations of x — lifted tensors summed before one rounding —
    /// then one relinearization and one rotation. Needs relinearization keys besides the Galois keys. The lifted
    /// rotations and the size-3 dot products live on the evaluator's scratch pool.
    /// </summary>
    public static Ciphertext Multiply(Evaluator evaluator, EncryptedDiagonalMatrix matrix, Ciphertext x, RelinKeys relinKeys, GaloisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(x);
        MatVecLayout layout = matrix.Layout;
        CheckRing(layout, x);
        int babies = layout.BabySteps;
        using var lifted = new LiftedBabyRotations(evaluator, layout, x, keys, (g, b) => matrix.Diagonals[(g * babies) + b] is not null);
        using ScratchCiphertext dot = evaluator.RentScratch(3, x.Level);
        using ScratchCiphertext scratch = evaluator.RentScratch(2, x.Level);

        Ciphertext? result = null;
        var left = new List<Ciphertext>(babies);
        var right = new List<LiftedCiphertext>(babies);
        for (int g = 0; g < layout.GiantSteps; g++)
        {
            left.Clear();
            right.Clear();
            for (int b = 0; b < babies; b++)
            {
                if (matrix.Diagonals[(g * babies) + b] is { } diagonal)
                {
                    left.Add(diagonal);
                    right.Add(lifted[b]!);
                }
            }

            if (left.Count == 0)
            {
                continue;
            }

            // As in the plaintext product, the first giant step lands in the caller-owned result.
            Ciphertext inner = result is null ? new Ciphertext(x.Context, 2, x.Level) : scratch.Value;
            evaluator.DotProductLifted(left, right, dot.Value);
            evaluator.Relinearize(dot.Value, relinKeys, inner);
            AddGiantStep(evaluator, ref result, inner, g * babies, keys);
        }

        return Finish(evaluator, layout, result ?? new Ciphertext(x.Context, 2, x.Level), keys);
    }

    /// <summary>Adds the two rows' halves (row swap) and folds the partial sums of a wide matrix.</summary>
    internal static Ciphertext Finish(Evaluator evaluator, MatVecLayout layout, Ciphertext result, GaloisKeys keys)
    {
        using ScratchCiphertext rotated = evaluator.RentScratch(2, result.Level);
        evaluator.RotateColumns(result, keys, rotated.Value);
        evaluator.AddInplace(result, rotated.Value);
        foreach (int step in layout.FoldSteps)
        {
            evaluator.RotateRows(result, step, keys, rotated.Value);
            evaluator.AddInplace(result, rotated.Value);
        }

        return result;
    }

    /// <summary>result += rot(inner, shift); the first giant step's inner is the result itself.</summary>
    private static void AddGiantStep(Evaluator evaluator, ref Ciphertext? result, Ciphertext inner, int shift, GaloisKeys keys)
    {
        evaluator.RotateRowsInplace(inner, shift, keys);
        if (result is null)
        {
            result = inner;
        }
        else
        {
            evaluator.AddInplace(result, inner);
        }
    }

    /// <summary>The baby steps b for which some giant step has a non-zero term (always including 0 if any).</summary>
    internal static int[] UsedBabySteps(MatVecLayout layout, Func<int, int, bool> present)
    {
        var used = new List<int>();
        for (int b = 0; b < layout.BabySteps; b++)
        {
            for (int g = 0; g < layout.GiantSteps; g++)
            {
                if (present(g, b))
                {
                    used.Add(b);
                    break;
                }
            }
        }

        return used.ToArray();
    }

    internal static void CheckRing(MatVecLayout layout, Ciphertext x)
    {
        if (2 * layout.RowSize != x.Context.N)
        {
            throw new ArgumentException($"The layout is for n = {2 * layout.RowSize} but the ciphertext has n = {x.Context.N}.", nameof(x));
        }

        if (x.Size != 2 || x.IsNttForm)
        {
            throw new ArgumentException("The input must be a size-2 ciphertext in coefficient form.", nameof(x));
        }
    }
}
