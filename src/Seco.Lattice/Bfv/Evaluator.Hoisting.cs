using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

public sealed partial class Evaluator
{
    /// <summary>
    /// Rotations of one ciphertext by several steps that share a single key-switching decomposition ("hoisting",
    /// Halevi–Shoup, <i>Faster Homomorphic Linear Transformations in HElib</i>, CRYPTO 2018, §5). The digits
    /// d_j = [c_1]_{q_j} are raised to every prime and NTT-transformed once; because σ_g acts on NTT-form limbs as a
    /// slot permutation and σ_g(d_j) ≡ σ_g(c_1) (mod q_j), each rotation then needs only a permutation, the inner
    /// product with its key and the division by P. The outputs are in <b>NTT form</b> (the division by P is done in the
    /// NTT domain), ready for <see cref="MultiplyPlainInplace"/> with NTT-form plaintexts; call
    /// <see cref="TransformFromNtt"/> before rotating them again. Step 0 yields the NTT form of <paramref name="a"/>.
    /// Noise is that of <see cref="RotateRows(Ciphertext, int, GaloisKeys)"/>: σ_g(d_j) has coefficients in (−q_j, q_j).
    /// </summary>
    public Ciphertext[] RotateRowsHoisted(Ciphertext a, ReadOnlySpan<int> steps, GaloisKeys keys)
    {
        Check(a, "ciphertext");
        var results = new Ciphertext[steps.Length];
        for (int k = 0; k < results.Length; k++)
        {
            results[k] = new Ciphertext(_context, 2, a.Level);
        }

        RotateRowsHoisted(a, steps, keys, results);
        return results;
    }

    /// <summary>
    /// <see cref="RotateRowsHoisted(Ciphertext, ReadOnlySpan{int}, GaloisKeys)"/> writing rot(a, steps[k]) into
    /// <paramref name="destinations"/>[k] (reusing its storage when the shape matches), so a repeated mat-vec allocates
    /// no ciphertexts. The destinations must be distinct; one of them may be <paramref name="a"/> itself.
    /// </summary>
    public void RotateRowsHoisted(Ciphertext a, ReadOnlySpan<int> steps, GaloisKeys keys, IReadOnlyList<Ciphertext> destinations)
    {
        LevelContext level = Check(a, "ciphertext");
        CheckHoistedDestinations(steps.Length, destinations);
        ArgumentNullException.ThrowIfNull(keys);
        Guard.SameContext(_context, keys.Context, "Galois keys");
        RequireCoefficientForm(a, "a hoisted rotation");
        if (a.Size != 2)
        {
            throw new ArgumentException($"Rotations take a size-2 ciphertext; this one has size {a.Size}. Relinearize first.", nameof(a));
        }

        int n = _context.N, l = level.Count, len = level.PolyLength;
        var elements = new uint[steps.Length];
        for (int k = 0; k < steps.Length; k++)
        {
            if (steps[k] == 0)
            {
                continue;
            }

            elements[k] = GaloisTool.ElementFromStep(steps[k], n);
            if (!keys.Has(elements[k]))
            {
                throw new ArgumentException(
                    $"No Galois key for step {steps[k]} (element {elements[k]}); the keys cover [{string.Join(", ", keys.Elements)}].", nameof(keys));
            }
        }

        // digits[(j·(ℓ+1) + r)·n ..]: NTT over prime r (r = ℓ is P) of [c_1]_{q_j}. For r = j this is limb j of NTT(c_1).
        using var digits = new PooledBuffer(l * (l + 1) * n);
        DecomposeNtt(a.Poly(1), level, digits.Span);
        using var c0 = new PooledBuffer(len);
        a.Poly(0).CopyTo(c0.Span);
        RnsPoly.ForwardNtt(c0.Span, level.Ntt, l);

        using var gathered = new PooledBuffer(n);
        using var rotatedC0 = new PooledBuffer(len);
        using var wide = new PooledBuffer(4 * n);
        using var acc0 = new PooledBuffer((l + 1) * n);
        using var acc1 = new PooledBuffer((l + 1) * n);
        for (int k = 0; k < steps.Length; k++)
        {
            Ciphertext result = destinations[k];
            Reshape(result, 2, l); // every residue below is overwritten, so the destination's old contents do not matter
            result.IsNttForm = true;
            if (steps[k] == 0)
            {
                c0.Span.CopyTo(result.Poly(0));
                for (int j = 0; j < l; j++)
                {
                    digits.Span.Slice(((j * (l + 1)) + j) * n, n).CopyTo(result.Poly(1).Slice(j * n, n));
                }

                continue;
            }

            KeySwitchingKey key = keys.Keys[elements[k]];
            int[] perm = GaloisTool.NttPermutation(n, elements[k]);
            for (int r = 0; r <= l; r++)
            {
                int index = r == l ? _context.KeyModuli.Count - 1 : r;
                wide.Span.Clear();
                for (int j = 0; j < l; j++)
                {
                    Permute(digits.Span.Slice(((j * (l + 1)) + r) * n, n), perm, gathered.Span);
                    MultiplyAccumulateWide(gathered.Span, key.B[j].AsSpan(index * n, n), key.A[j].AsSpan(index * n, n), wide.Span, n);
                }

                ReduceWide(wide.Span, _context.KeyModuli[index], acc0.Span.Slice(r * n, n), acc1.Span.Slice(r * n, n), n);
            }

            ModDownNtt(acc0.Span, level, result.Poly(0));
            ModDownNtt(acc1.Span, level, result.Poly(1));
            GaloisTool.ApplyNtt(c0.Span, rotatedC0.Span, elements[k], l, n);
            RnsPoly.Add(result.Poly(0), rotatedC0.Span, result.Poly(0), level.Moduli, n);
        }
    }

    private void CheckHoistedDestinations(int count, IReadOnlyList<Ciphertext> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        if (destinations.Count != count)
        {
            throw new ArgumentException($"{count} rotation steps need as many destinations, not {destinations.Count}.", nameof(destinations));
        }

        for (int k = 0; k < count; k++)
        {
            ArgumentNullException.ThrowIfNull(destinations[k], nameof(destinations));
            Guard.SameContext(_context, destinations[k].Context, "destination ciphertext");
            for (int other = 0; other < k; other++)
            {
                if (ReferenceEquals(destinations[other], destinations[k]))
                {
                    throw new ArgumentException($"Destinations {other} and {k} are the same ciphertext; each rotation needs its own.", nameof(destinations));
                }
            }
        }
    }

    /// <summary>The raised, NTT-transformed digits of <paramref name="target"/>, laid out as in <see cref="RotateRowsHoisted"/>.</summary>
    private void DecomposeNtt(ReadOnlySpan<ulong> target, LevelContext level, Span<ulong> digits)
    {
        int n = _context.N, l = level.Count;
        for (int j = 0; j < l; j++)
        {
            for (int r = 0; r <= l; r++)
            {
                int index = r == l ? _context.KeyModuli.Count - 1 : r;
                Span<ulong> d = digits.Slice(((j * (l + 1)) + r) * n, n);
                RaiseDigit(target.Slice(j * n, n), level.Moduli[j], _context.KeyModuli[index], d);
                NegacyclicNtt.Forward(d, _context.NttTables[index]);
            }
        }
    }

    /// <summary>
    /// output = round(acc / P) over Q_ℓ with everything in NTT form: only the P limb is inverse-transformed (to take its
    /// centred remainder r); r mod q_j is transformed forward and (acc_j − r)·P^{-1} computed slot-wise. Same value as
    /// <see cref="ModDownAndAdd"/>, which works in coefficient form.
    /// </summary>
    private void ModDownNtt(Span<ulong> acc, LevelContext level, Span<ulong> output)
    {
        int n = _context.N, l = level.Count;
        Span<ulong> last = CenterSpecialLimb(acc, l, out ulong half);
        using var remainder = new PooledBuffer(n);
        Span<ulong> rem = remainder.Span;
        for (int j = 0; j < l; j++)
        {
            Modulus q = level.Moduli[j];
            ulong halfModQ = q.Reduce(half);
            for (int i = 0; i < n; i++)
            {
                rem[i] = q.Sub(q.Reduce(last[i]), halfModQ);
            }

            NegacyclicNtt.Forward(rem, level.Ntt[j]);
            ulong inv = _context.SpecialInvModQi[j], invShoup = q.ShoupPrecompute(inv);
            Span<ulong> limb = acc.Slice(j * n, n), o = output.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                o[i] = q.MultiplyShoup(q.Sub(limb[i], rem[i]), inv, invShoup);
            }
        }
    }

    private static void Permute(ReadOnlySpan<ulong> source, int[] perm, Span<ulong> dest)
    {
        for (int i = 0; i < dest.Length; i++)
        {
            dest[i] = source[perm[i]];
        }
    }
}
