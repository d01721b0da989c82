namespace Seco.Lattice.Ring;

/// <summary>
/// Coefficient-wise arithmetic on RNS polynomials stored flat and limb-major: coefficient i of limb l is at
/// <c>poly[l * n + i]</c> (SEAL's <c>RNSIter</c>, Lattigo's <c>ring.Poly.Coeffs[l][i]</c>). Every operand holds
/// residues in [0, q_l). The functions know nothing of BFV; they are the vocabulary the scheme layer is written in.
/// </summary>
public static class RnsPoly
{
    /// <summary>dest = a + b.</summary>
    public static void Add(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, b.Length, dest.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l];
            int o = l * n;
            int i = o + VectorKernels.Add(a.Slice(o, n), b.Slice(o, n), dest.Slice(o, n), q.Value);
            for (; i < o + n; i++)
            {
                dest[i] = q.Add(a[i], b[i]);
            }
        }
    }

    /// <summary>dest = a − b.</summary>
    public static void Sub(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, b.Length, dest.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l];
            int o = l * n;
            int i = o + VectorKernels.Sub(a.Slice(o, n), b.Slice(o, n), dest.Slice(o, n), q.Value);
            for (; i < o + n; i++)
            {
                dest[i] = q.Sub(a[i], b[i]);
            }
        }
    }

    /// <summary>dest = −a.</summary>
    public static void Negate(ReadOnlySpan<ulong> a, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, a.Length, dest.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            ulong q = moduli[l].Value;
            int o = l * n;
            int i = o + VectorKernels.Negate(a.Slice(o, n), dest.Slice(o, n), q);
            for (; i < o + n; i++)
            {
                // Branch-free: (q − a) masked to 0 when a = 0.
                ulong v = a[i];
                dest[i] = (q - v) & (ulong)-(long)(v != 0 ? 1 : 0);
            }
        }
    }

    /// <summary>dest = a ⊙ b (pointwise; the negacyclic product when both are in NTT form).</summary>
    public static void MultiplyPointwise(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, b.Length, dest.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l];
            int o = l * n;
            for (int i = o + VectorKernels.MultiplyPointwise(a.Slice(o, n), b.Slice(o, n), dest.Slice(o, n), q.Value); i < o + n; i++)
            {
                dest[i] = q.Multiply(a[i], b[i]);
            }
        }
    }

    /// <summary>dest = a ⊙ w for a fixed operand w with precomputed Shoup quotients <paramref name="wShoup"/>.</summary>
    public static void MultiplyPointwiseShoup(
        ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> w, ReadOnlySpan<ulong> wShoup, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, w.Length, dest.Length, moduli.Count, n);
        CheckLengths(wShoup.Length, wShoup.Length, wShoup.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l];
            int o = l * n;
            int start = o + VectorKernels.MultiplyPointwiseShoup(a.Slice(o, n), w.Slice(o, n), wShoup.Slice(o, n), dest.Slice(o, n), q.Value);
            for (int i = start; i < o + n; i++)
            {
                dest[i] = q.MultiplyShoup(a[i], w[i], wShoup[i]);
            }
        }
    }

    /// <summary>dest += a ⊙ b (pointwise multiply-accumulate).</summary>
    public static void MultiplyAddPointwise(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, b.Length, dest.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l];
            int o = l * n;
            for (int i = o + VectorKernels.MultiplyAddPointwise(a.Slice(o, n), b.Slice(o, n), dest.Slice(o, n), q.Value); i < o + n; i++)
            {
                dest[i] = q.Add(dest[i], q.Multiply(a[i], b[i]));
            }
        }
    }

    /// <summary>dest = a · c_l in limb l, for per-limb scalars <paramref name="scalars"/> (each in [0, q_l)).</summary>
    public static void MultiplyScalar(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> scalars, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        CheckLengths(a.Length, a.Length, dest.Length, moduli.Count, n);
        for (int l = 0; l < moduli.Count; l++)
        {
            Modulus q = moduli[l];
            ulong c = scalars[l], cs = q.ShoupPrecompute(c);
            int o = l * n;
            for (int i = o + VectorKernels.MultiplyScalar(a.Slice(o, n), c, cs, dest.Slice(o, n), q.Value); i < o + n; i++)
            {
                dest[i] = q.MultiplyShoup(a[i], c, cs);
            }
        }
    }

    /// <summary>Forward NTT of every limb in place (tables[l] belongs to limb l).</summary>
    public static void ForwardNtt(Span<ulong> poly, IReadOnlyList<NttTables> tables, int limbs)
    {
        int n = tables[0].N;
        for (int l = 0; l < limbs; l++)
        {
            NegacyclicNtt.Forward(poly.Slice(l * n, n), tables[l]);
        }
    }

    /// <summary>Inverse NTT of every limb in place (tables[l] belongs to limb l).</summary>
    public static void InverseNtt(Span<ulong> poly, IReadOnlyList<NttTables> tables, int limbs)
    {
        int n = tables[0].N;
        for (int l = 0; l < limbs; l++)
        {
            NegacyclicNtt.Inverse(poly.Slice(l * n, n), tables[l]);
        }
    }

    /// <summary>Writes the signed values <paramref name="signed"/> (|v| &lt; every q_l) into every limb as residues.</summary>
    public static void FromSigned(ReadOnlySpan<long> signed, Span<ulong> dest, IReadOnlyList<Modulus> moduli, int n)
    {
        for (int l = 0; l < moduli.Count; l++)
        {
            ulong q = moduli[l].Value;
            Span<ulong> limb = dest.Slice(l * n, n);
            for (int i = 0; i < n; i++)
            {
                long v = signed[i];
                limb[i] = (ulong)v + (q & (ulong)(v >> 63));
            }
        }
    }

    private static void CheckLengths(int a, int b, int dest, int limbs, int n)
    {
        long expected = (long)limbs * n;
        if (a < expected || b < expected || dest < expected)
        {
            throw new ArgumentException($"RNS polynomial operands must hold {limbs} limbs of {n} coefficients.");
        }
    }
}
