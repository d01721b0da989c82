using Seco.Lattice.Bfv;
using Seco.Lattice.Parameters;
using Seco.Lattice.Ring;

namespace Seco.Lattice.Linear;

/// <summary>
/// Convolution of channel-packed encrypted planes with a plaintext kernel (Gazelle §5.3; layout and plan in
/// <see cref="ConvLayout"/>): y = conv(x) mod t, in the output slots of <see cref="ConvLayout.OutputSlots"/>, every
/// other slot exactly 0, in coefficient form at the input's level.
/// </summary>
public static class ConvPacked
{
    /// <summary>Products of residues below 2^61 accumulate 64 at a time in 128 bits (<see cref="Evaluator.MultiplyAccumulateWide"/>).</summary>
    private const int LazyTerms = 64;

    /// <summary>
    /// y = K ∗ x. Cost (<see cref="ConvLayout.Cost"/>): per input ciphertext one hoisted decomposition for its tap
    /// rotations and, when another row's channels feed it, one row swap and a second hoisted set; per output
    /// ciphertext and channel diagonal one NTT-domain accumulation of its terms and one channel rotation.
    /// </summary>
    public static Ciphertext[] Multiply(Evaluator evaluator, PlainConvKernel kernel, IReadOnlyList<Ciphertext> x, GaloisKeys keys)
    {
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(keys);
        ConvLayout layout = kernel.Layout;
        if (x.Count != layout.InputCiphertexts)
        {
            throw new ArgumentException($"{layout.Shape} takes {layout.InputCiphertexts} input ciphertexts, not {x.Count}.", nameof(x));
        }

        BfvContext context = kernel.Context;
        int n = context.N, level = kernel.Level;
        foreach (Ciphertext ct in x)
        {
            if (ct.Size != 2 || ct.IsNttForm || ct.Level != level || ct.Context.N != n)
            {
                throw new ArgumentException($"Every input must be a size-2 coefficient-form ciphertext at level {level} with n = {n}.", nameof(x));
            }
        }

        int taps = layout.Taps.Count;
        int[] steps = [.. layout.Taps.Select(t => layout.Normalize(t.Delta))];
        var rented = new List<ScratchCiphertext>();
        try
        {
            // rotations[a, σ][tap]: rot(σ(x_a), δ_tap) in NTT form, for the variants some output uses
            var rotations = new Ciphertext[layout.InputCiphertexts, 2][];
            for (int a = 0; a < layout.InputCiphertexts; a++)
            {
                for (int sigma = 0; sigma < 2; sigma++)
                {
                    if (!Uses(layout, a, sigma))
                    {
                        continue;
                    }

                    Ciphertext source = x[a];
                    if (sigma == 1)
                    {
                        ScratchCiphertext swapped = evaluator.RentScratch(2, level);
                        rented.Add(swapped);
                        evaluator.RotateColumns(x[a], keys, swapped.Value);
                        source = swapped.Value;
                    }

                    rotations[a, sigma] = Hoisted(evaluator, source, steps, keys, level, rented);
                }
            }

            var moduli = context.Level(level).Moduli;
            var results = new Ciphertext[layout.OutputCiphertexts];
            using var wide = new PooledBuffer(4 * n * level);
            using var slots = new PooledBuffer(n);
            using var plain = new PooledBuffer(level * n);
            var coefficients = new Plaintext(context); // the encoder's output, reused by every plaintext encoded here
            using ScratchCiphertext inner = evaluator.RentScratch(2, level, isNttForm: true);
            using ScratchCiphertext partial = evaluator.RentScratch(2, level, isNttForm: true);
            for (int b = 0; b < layout.OutputCiphertexts; b++)
            {
                Ciphertext result = new(context, 2, level);
                bool started = false;
                for (int k = 0; k < layout.PlanesPerRow; k++)
                {
                    int terms = 0;
                    bool any = false;
                    wide.Span.Clear();
                    for (int a = 0; a < layout.InputCiphertexts; a++)
                    {
                        for (int sigma = 0; sigma < 2; sigma++)
                        {
                            if (!layout.Present[a, b, sigma, k])
                            {
                                continue;
                            }

                            for (int tap = 0; tap < taps; tap++)
                            {
                                ReadOnlySpan<ulong> p = kernel.Plaintext(a, b, sigma, tap, k, slots.Span, coefficients, plain.Span);
                                Ciphertext xr = rotations[a, sigma][tap];
                                for (int r = 0; r < level; r++)
                                {
                                    Evaluator.MultiplyAccumulateWide(p.Slice(r * n, n), xr.Poly(0).Slice(r * n, n), xr.Poly(1).Slice(r * n, n), wide.Span.Slice(4 * n * r, 4 * n), n);
                                }

                                if (++terms == LazyTerms)
                                {
                                    Flush(wide.Span, moduli, inner.Value, partial.Value, any, n);
                                    any = true;
                                    terms = 0;
                                }
                            }
                        }
                    }

                    if (terms > 0)
                    {
                        Flush(wide.Span, moduli, inner.Value, partial.Value, any, n);
                        any = true;
                    }

                    if (!any)
                    {
                        continue;
                    }

                    // Σ_k rot(inner_k, k·P): the channel diagonal k moves input block j + k onto output block j
                    Ciphertext sum = inner.Value;
                    sum.IsNttForm = true;
                    evaluator.TransformFromNtt(sum);
                    if (k > 0)
                    {
                        evaluator.RotateRowsInplace(sum, k * layout.PlaneSize, keys);
                    }

                    if (started)
                    {
                        evaluator.AddInplace(result, sum);
                    }
                    else
                    {
                        result.CopyFrom(sum);
                        started = true;
                    }

                    sum.IsNttForm = true; // the scratch is reused as an NTT-form accumulator
                }

                results[b] = result;
            }

            return results;
        }
        finally
        {
            foreach (ScratchCiphertext s in rented)
            {
                s.Dispose();
            }
        }
    }

    /// <summary>Whether some output ciphertext and channel diagonal reads variant σ of input ciphertext a.</summary>
    private static bool Uses(ConvLayout layout, int a, int sigma)
    {
        for (int b = 0; b < layout.OutputCiphertexts; b++)
        {
            for (int k = 0; k < layout.PlanesPerRow; k++)
            {
                if (layout.Present[a, b, sigma, k])
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>rot(source, step) for every tap, hoisted; taps sharing a step share one rotation.</summary>
    private static Ciphertext[] Hoisted(Evaluator evaluator, Ciphertext source, int[] steps, GaloisKeys keys, int level, List<ScratchCiphertext> rented)
    {
        int[] distinct = [.. steps.Distinct()];
        var destinations = new Ciphertext[distinct.Length];
        for (int d = 0; d < distinct.Length; d++)
        {
            ScratchCiphertext s = evaluator.RentScratch(2, level, isNttForm: true);
            rented.Add(s);
            destinations[d] = s.Value;
        }

        evaluator.RotateRowsHoisted(source, distinct, keys, destinations);
        return [.. steps.Select(step => destinations[Array.IndexOf(distinct, step)])];
    }

    /// <summary>Reduces the accumulated products into <paramref name="inner"/> (NTT form), or adds them to it.</summary>
    private static void Flush(Span<ulong> wide, IReadOnlyList<Modulus> moduli, Ciphertext inner, Ciphertext partial, bool add, int n)
    {
        Ciphertext target = add ? partial : inner;
        for (int r = 0; r < moduli.Count; r++)
        {
            Evaluator.ReduceWide(wide.Slice(4 * n * r, 4 * n), moduli[r], target.Poly(0).Slice(r * n, n), target.Poly(1).Slice(r * n, n), n);
            if (add)
            {
                Modulus q = moduli[r];
                for (int part = 0; part < 2; part++)
                {
                    Span<ulong> into = inner.Poly(part).Slice(r * n, n);
                    ReadOnlySpan<ulong> from = partial.Poly(part).Slice(r * n, n);
                    for (int i = 0; i < n; i++)
                    {
                        into[i] = q.Add(into[i], from[i]);
                    }
                }
            }
        }

        wide.Clear();
    }
}
