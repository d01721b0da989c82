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
    /// log2(k'/m') fold rotations and one NTT-domain product per non-zero plaintext.
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
        Ciphertext?[] byStep = BabyRotations(evaluator, layout, x, keys, (g, b) => matrix.Diagonals[(g * babies) + b] is not null);

        Ciphertext? result = null;
        var moduli = x.Context.Level(x.Level).Moduli;
        int n = x.Context.N, len = x.PolyLength;
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
                    break;
                }

                inner ??= new Ciphertext(x.Context, 2, x.Level) { IsNttForm = true };
                Evaluator.ReduceWide(wide.Span, moduli[r], inner.Poly(0).Slice(r * n, n), inner.Poly(1).Slice(r * n, n), n);
            }

            if (inner is null)
            {
                continue;
            }

            evaluator.TransformFromNtt(inner);
            AddGiantStep(evaluator, ref result, inner, g * babies, keys);
        }

        return Finish(evaluator, layout, result ?? new Ciphertext(x.Context, 2, x.Level), keys);
    }

    /// <summary>
    /// y = M·x for an encrypted matrix (the ct×ct Lin-OP). Each giant step is one <see cref="Evaluator.DotProduct"/> of
    /// the encrypted diagonals with the (hoisted) baby rotations of x — lifted tensors summed before one rounding —
    /// then one relinearization and one rotation. Needs relinearization keys besides the Galois keys.
    /// </summary>
    public static Ciphertext Multiply(Evaluator evaluator, EncryptedDiagonalMatrix matrix, Ciphertext x, RelinKeys relinKeys, GaloisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(x);
        MatVecLayout layout = matrix.Layout;
        CheckRing(layout, x);
        int babies = layout.BabySteps;
        LiftedCiphertext?[] byStep = BabyRotations(evaluator, layout, x, keys, (g, b) => matrix.Diagonals[(g * babies) + b] is not null)
            .Select(c =>
            {
                if (c is null)
                {
                    return null;
                }

                evaluator.TransformFromNtt(c);
                return evaluator.LiftForDotProduct(c); // each is used by every giant step
            }).ToArray();

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
                    right.Add(byStep[b]!);
                }
            }

            if (left.Count == 0)
            {
                continue;
            }

            Ciphertext inner = evaluator.DotProductLifted(left, right);
            evaluator.RelinearizeInplace(inner, relinKeys);
            AddGiantStep(evaluator, ref result, inner, g * babies, keys);
        }

        return Finish(evaluator, layout, result ?? new Ciphertext(x.Context, 2, x.Level), keys);
    }

    /// <summary>Adds the two rows' halves (row swap) and folds the partial sums of a wide matrix.</summary>
    internal static Ciphertext Finish(Evaluator evaluator, MatVecLayout layout, Ciphertext result, GaloisKeys keys)
    {
        evaluator.AddInplace(result, evaluator.RotateColumns(result, keys));
        foreach (int step in layout.FoldSteps)
        {
            evaluator.AddInplace(result, evaluator.RotateRows(result, step, keys));
        }

        return result;
    }

    /// <summary>
    /// The hoisted rotations rot(x, b) (NTT form) indexed by baby step b, null for steps no giant step uses.
    /// </summary>
    private static Ciphertext?[] BabyRotations(Evaluator evaluator, MatVecLayout layout, Ciphertext x, GaloisKeys keys, Func<int, int, bool> present)
    {
        int[] steps = UsedBabySteps(layout, present);
        Ciphertext[] rotated = evaluator.RotateRowsHoisted(x, steps, keys);
        var byStep = new Ciphertext?[layout.BabySteps];
        for (int k = 0; k < steps.Length; k++)
        {
            byStep[steps[k]] = rotated[k];
        }

        return byStep;
    }

    /// <summary>result += rot(inner, shift) (the first giant step becomes the result).</summary>
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
    private static int[] UsedBabySteps(MatVecLayout layout, Func<int, int, bool> present)
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
