using Seco.Lattice.Ring;

namespace Seco.Lattice.Bfv;

public sealed partial class Evaluator
{
    /// <summary>A size-2 ciphertext with the same plaintext as the size-3 <paramref name="a"/>.</summary>
    public Ciphertext Relinearize(Ciphertext a, RelinKeys keys)
    {
        Ciphertext result = a.Clone();
        RelinearizeInplace(result, keys);
        return result;
    }

    /// <summary>(c_0, c_1, c_2) ← (c_0, c_1) + KeySwitch_{s²→s}(c_2) (SEAL <c>relinearize_inplace</c>).</summary>
    public void RelinearizeInplace(Ciphertext a, RelinKeys keys)
    {
        LevelContext level = Check(a, "ciphertext");
        ArgumentNullException.ThrowIfNull(keys);
        Guard.SameContext(_context, keys.Context, "relinearization keys");
        RequireCoefficientForm(a, "relinearize");
        if (a.Size != 3)
        {
            throw new ArgumentException($"Relinearization takes a size-3 ciphertext; this one has size {a.Size}.", nameof(a));
        }

        SwitchKey(a.Poly(2), keys.Key, level, a.Poly(0), a.Poly(1));
        a.Data = a.Data[..(2 * a.PolyLength)];
        a.Size = 2;
    }

    /// <summary>Both rows rotated left by <paramref name="steps"/> (right when negative), SEAL's <c>rotate_rows</c>.</summary>
    public Ciphertext RotateRows(Ciphertext a, int steps, GaloisKeys keys)
    {
        Ciphertext result = a.Clone();
        RotateRowsInplace(result, steps, keys);
        return result;
    }

    /// <summary>In-place <see cref="RotateRows"/>.</summary>
    public void RotateRowsInplace(Ciphertext a, int steps, GaloisKeys keys)
    {
        if (steps == 0)
        {
            return;
        }

        ApplyGaloisInplace(a, GaloisTool.ElementFromStep(steps, _context.N), keys);
    }

    /// <summary>The two rows swapped, SEAL's <c>rotate_columns</c>.</summary>
    public Ciphertext RotateColumns(Ciphertext a, GaloisKeys keys)
    {
        Ciphertext result = a.Clone();
        RotateColumnsInplace(result, keys);
        return result;
    }

    /// <summary>destination = a with its two rows swapped (SEAL <c>rotate_columns</c> with a destination).</summary>
    public void RotateColumns(Ciphertext a, GaloisKeys keys, Ciphertext destination) =>
        ApplyGalois(a, GaloisTool.RowSwapElement(_context.N), keys, destination);

    /// <summary>In-place <see cref="RotateColumns(Ciphertext, GaloisKeys)"/>.</summary>
    public void RotateColumnsInplace(Ciphertext a, GaloisKeys keys) =>
        ApplyGaloisInplace(a, GaloisTool.RowSwapElement(_context.N), keys);

    /// <summary>
    /// (c_0, c_1) ← (σ_g(c_0), 0) + KeySwitch_{σ_g(s)→s}(σ_g(c_1)) (SEAL <c>apply_galois_inplace</c>).
    /// </summary>
    public void ApplyGaloisInplace(Ciphertext a, uint galoisElement, GaloisKeys keys) => ApplyGalois(a, galoisElement, keys, a);

    /// <summary>
    /// destination = σ_g(a) key-switched back to s, as <see cref="ApplyGaloisInplace"/> but leaving <paramref name="a"/>
    /// untouched and writing σ_g(c_0) straight into the destination (no copy of a first). The destination may be a.
    /// </summary>
    public void ApplyGalois(Ciphertext a, uint galoisElement, GaloisKeys keys, Ciphertext destination)
    {
        LevelContext level = Check(a, "ciphertext");
        ArgumentNullException.ThrowIfNull(destination);
        Guard.SameContext(_context, destination.Context, "destination ciphertext");
        ArgumentNullException.ThrowIfNull(keys);
        Guard.SameContext(_context, keys.Context, "Galois keys");
        RequireCoefficientForm(a, "a rotation");
        GaloisTool.Validate(galoisElement, _context.N);
        if (a.Size != 2)
        {
            throw new ArgumentException($"Rotations take a size-2 ciphertext; this one has size {a.Size}. Relinearize first.", nameof(a));
        }

        if (!keys.Keys.TryGetValue(galoisElement, out KeySwitchingKey? key))
        {
            throw new ArgumentException(
                $"No Galois key for element {galoisElement}; the keys cover [{string.Join(", ", keys.Elements)}].", nameof(keys));
        }

        int len = level.PolyLength;
        using var c1 = new PooledBuffer(len);
        GaloisTool.ApplyCoefficients(a.Poly(1), c1.Span, galoisElement, level.Moduli, _context.N);
        if (ReferenceEquals(a, destination))
        {
            // σ_g needs a source apart from its output.
            using var c0 = new PooledBuffer(len);
            GaloisTool.ApplyCoefficients(a.Poly(0), c0.Span, galoisElement, level.Moduli, _context.N);
            c0.Span.CopyTo(a.Poly(0));
        }
        else
        {
            Reshape(destination, 2, level.Count);
            GaloisTool.ApplyCoefficients(a.Poly(0), destination.Poly(0), galoisElement, level.Moduli, _context.N);
        }

        destination.Poly(1).Clear();
        SwitchKey(c1.Span, key, level, destination.Poly(0), destination.Poly(1));
    }

    /// <summary>
    /// Hybrid key switching with the special prime P (SEAL <c>switch_key_inplace</c>): decompose the
    /// coefficient-form <paramref name="target"/> into its residues d_j = [target]_{q_j}, raise each to Q_ℓ ∪ {P},
    /// accumulate Σ_j d_j·(b_j, a_j) in the NTT domain, then divide by P with rounding and add the result to
    /// (<paramref name="out0"/>, <paramref name="out1"/>). Since Σ_j d_j·(P·s' in limb j) ≡ P·s'·target, the outputs
    /// gain an encryption of s'·target under s with noise ≈ Σ_j d_j·e_j / P.
    /// </summary>
    private void SwitchKey(ReadOnlySpan<ulong> target, KeySwitchingKey key, LevelContext level, Span<ulong> out0, Span<ulong> out1)
    {
        int n = _context.N, l = level.Count, special = _context.KeyModuli.Count - 1;
        using var acc0 = new PooledBuffer((l + 1) * n);
        using var acc1 = new PooledBuffer((l + 1) * n);
        using var digit = new PooledBuffer(n);
        using var wide = new PooledBuffer(4 * n);
        Span<ulong> d = digit.Span;

        // Output limb r (r = ℓ is P) collects Σ_j NTT(d_j mod q_r) ⊙ key_j[r]. Products (< 2^122) are summed in
        // 128 bits and reduced once per limb (lazy reduction, as SEAL accumulates up to 2^(128−2·61) products).
        for (int r = 0; r <= l; r++)
        {
            int index = r == l ? special : r;
            Modulus q = _context.KeyModuli[index];
            wide.Span.Clear();
            for (int j = 0; j < l; j++)
            {
                RaiseDigit(target.Slice(j * n, n), level.Moduli[j], q, d);
                NegacyclicNtt.Forward(d, _context.NttTables[index]);
                MultiplyAccumulateWide(d, key.B[j].AsSpan(index * n, n), key.A[j].AsSpan(index * n, n), wide.Span, n);
            }

            ReduceWide(wide.Span, q, acc0.Span.Slice(r * n, n), acc1.Span.Slice(r * n, n), n);
        }

        ModDownAndAdd(acc0.Span, level, out0);
        ModDownAndAdd(acc1.Span, level, out1);
    }

    /// <summary>
    /// out += round(acc / P) over Q_ℓ, for acc in NTT form over Q_ℓ ∪ {P} (limb ℓ is P). The centred remainder of acc
    /// mod P is subtracted before multiplying by P^{-1}, which turns flooring into rounding (SEAL adds (P−1)/2 for
    /// the same reason).
    /// </summary>
    private void ModDownAndAdd(Span<ulong> acc, LevelContext level, Span<ulong> output)
    {
        int n = _context.N, l = level.Count;
        Span<ulong> last = CenterSpecialLimb(acc, l, out ulong half);
        for (int j = 0; j < l; j++)
        {
            Modulus q = level.Moduli[j];
            Span<ulong> limb = acc.Slice(j * n, n);
            NegacyclicNtt.Inverse(limb, level.Ntt[j]);
            ulong halfModQ = q.Reduce(half);
            ulong inv = _context.SpecialInvModQi[j], invShoup = q.ShoupPrecompute(inv);
            Span<ulong> o = output.Slice(j * n, n);
            for (int i = 0; i < n; i++)
            {
                ulong remainder = q.Sub(q.Reduce(last[i]), halfModQ);
                o[i] = q.Add(o[i], q.MultiplyShoup(q.Sub(limb[i], remainder), inv, invShoup));
            }
        }
    }

    /// <summary>
    /// (hi0:lo0, hi1:lo1) += d ⊙ (b, a) in 128-bit lanes, <paramref name="wide"/> = [hi0 | lo0 | hi1 | lo1]. Products of
    /// residues below 2^61 stay below 2^122, so up to 64 of them accumulate without overflow and are reduced once
    /// (lazy reduction, as SEAL accumulates up to 2^(128−2·61) products before reducing).
    /// </summary>
    internal static void MultiplyAccumulateWide(ReadOnlySpan<ulong> d, ReadOnlySpan<ulong> b, ReadOnlySpan<ulong> a, Span<ulong> wide, int n) =>
        // AVX-512 lanes first (the same words as the scalar loop, VectorKernelsTests), the scalar loop for the rest.
        MultiplyAccumulateWideScalar(d, b, a, wide, n, VectorKernels.MultiplyAccumulateWide(d, b, a, wide, n));

    /// <summary>The scalar accumulation from coefficient <paramref name="from"/> on (the reference for the vector kernel).</summary>
    internal static void MultiplyAccumulateWideScalar(ReadOnlySpan<ulong> d, ReadOnlySpan<ulong> b, ReadOnlySpan<ulong> a, Span<ulong> wide, int n, int from = 0)
    {
        Span<ulong> hi0 = wide[..n], lo0 = wide.Slice(n, n), hi1 = wide.Slice(2 * n, n), lo1 = wide.Slice(3 * n, n);
        for (int i = from; i < n; i++)
        {
            ulong x = d[i];
            ulong pHi = Math.BigMul(x, b[i], out ulong pLo);
            ulong sLo = lo0[i] + pLo;
            hi0[i] += pHi + (sLo < pLo ? 1UL : 0UL);
            lo0[i] = sLo;
            pHi = Math.BigMul(x, a[i], out pLo);
            sLo = lo1[i] + pLo;
            hi1[i] += pHi + (sLo < pLo ? 1UL : 0UL);
            lo1[i] = sLo;
        }
    }

    /// <summary>Reduces the two 128-bit accumulators of <see cref="MultiplyAccumulateWide"/> modulo q into s0 and s1.</summary>
    internal static void ReduceWide(ReadOnlySpan<ulong> wide, Modulus q, Span<ulong> s0, Span<ulong> s1, int n) =>
        ReduceWideScalar(wide, q, s0, s1, n, VectorKernels.ReduceWide(wide, q, s0, s1, n));

    /// <summary>The scalar reduction from coefficient <paramref name="from"/> on (the reference for the vector kernel).</summary>
    internal static void ReduceWideScalar(ReadOnlySpan<ulong> wide, Modulus q, Span<ulong> s0, Span<ulong> s1, int n, int from = 0)
    {
        ReadOnlySpan<ulong> hi0 = wide[..n], lo0 = wide.Slice(n, n), hi1 = wide.Slice(2 * n, n), lo1 = wide.Slice(3 * n, n);
        for (int i = from; i < n; i++)
        {
            s0[i] = q.Reduce(hi0[i], lo0[i]);
            s1[i] = q.Reduce(hi1[i], lo1[i]);
        }
    }

    /// <summary>d = the digit [target]_{q_j} (residues in [0, q_j)) read as integers and reduced mod q.</summary>
    private static void RaiseDigit(ReadOnlySpan<ulong> source, Modulus qj, Modulus q, Span<ulong> d)
    {
        if (qj.Value <= q.Value)
        {
            source.CopyTo(d);
            return;
        }

        for (int i = 0; i < source.Length; i++)
        {
            d[i] = q.Reduce(source[i]);
        }
    }

    /// <summary>
    /// Inverse-transforms the P limb (limb ℓ) of an NTT-form accumulator over Q_ℓ ∪ {P} and adds (P−1)/2, so that
    /// reducing it mod q_j and subtracting (P−1)/2 gives the centred remainder the division by P must remove.
    /// </summary>
    private Span<ulong> CenterSpecialLimb(Span<ulong> acc, int l, out ulong half)
    {
        int n = _context.N;
        Modulus p = _context.SpecialModulus;
        ulong h = p.Value >> 1;
        Span<ulong> last = acc.Slice(l * n, n);
        NegacyclicNtt.Inverse(last, _context.NttTables[_context.KeyModuli.Count - 1]);
        for (int i = 0; i < n; i++)
        {
            last[i] = p.Add(last[i], h);
        }

        half = h;
        return last;
    }
}
